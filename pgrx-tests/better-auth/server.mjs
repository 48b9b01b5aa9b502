// Budget Bee's Better Auth (1.4.17), served over plain Node http for pgrx-tests/tests/better_auth/.
//
// The configuration follows Budget Bee's `packages/core/auth.ts` and `packages/core/permissions.ts`
// (see the test file's header for the commits it was taken from): email and password, the jwt
// plugin with Budget Bee's payload (sub, user_id, role "authenticated", email, claims
// {organization_id, organization_role}), issuer and audience = the app URL, 1 h tokens, EdDSA keys
// (the plugin's default) in the `jwks` table; the organization plugin with Budget Bee's access
// control (owner, admin, editor, viewer); every model mapped to sql/app's plural snake_case tables.
//
// Left out, because they need the outside world or are not about tokens: Google sign-in, Resend
// e-mails (so no e-mail verification is required to sign in), Polar billing, the subscription
// lookup of customSession, the subscription gate on creating an organization, nextCookies().
//
// Input (environment): BA_PORT (127.0.0.1 port to listen on), BA_PGHOST (the cluster's unix
// socket directory), BA_PGPORT, BA_PGDATABASE, BETTER_AUTH_SECRET. Prints one line
// `listening <base URL>` on stdout once it accepts connections.

import http from "node:http";
import pg from "pg";
import { betterAuth } from "better-auth";
import { toNodeHandler } from "better-auth/node";
import { bearer, jwt, organization } from "better-auth/plugins";
import { createAccessControl } from "better-auth/plugins/access";
import {
	adminAc,
	defaultStatements,
	memberAc,
	ownerAc,
} from "better-auth/plugins/organization/access";

const need = name => {
	const value = process.env[name];
	if (!value) {
		console.error(`server.mjs: ${name} is not set`);
		process.exit(2);
	}
	return value;
};

const port = Number(need("BA_PORT"));
const baseURL = `http://127.0.0.1:${port}`;

// Budget Bee's auth_admin pool: LOGIN BYPASSRLS, the only role allowed on Better Auth's tables.
// Here over the test cluster's unix socket (trust authentication, so no password).
const pool = new pg.Pool({
	host: need("BA_PGHOST"),
	port: Number(need("BA_PGPORT")),
	database: need("BA_PGDATABASE"),
	user: "auth_admin",
	max: 5,
	idleTimeoutMillis: 50_000,
	connectionTimeoutMillis: 2500,
});

// Budget Bee's permissions.ts: CRUD on transaction, subscription, accounts; viewers read only.
const crud = ["list", "get", "create", "update", "delete"];
const readOnly = ["list", "get"];
const accessControl = createAccessControl({
	...defaultStatements,
	transaction: crud,
	subscription: crud,
	accounts: crud,
});
const appRights = rights => ({
	transaction: rights,
	subscription: rights,
	accounts: rights,
});
const owner = accessControl.newRole({ ...appRights(crud), ...ownerAc.statements });
const admin = accessControl.newRole({ ...appRights(crud), ...adminAc.statements });
const editor = accessControl.newRole({ ...appRights(crud), ...memberAc.statements });
const viewer = accessControl.newRole(appRights(readOnly));

export const auth = betterAuth({
	appName: "Budgetbee",
	baseURL,
	secret: need("BETTER_AUTH_SECRET"),
	database: pool,
	telemetry: { enabled: false },
	emailAndPassword: { enabled: true },
	user: {
		modelName: "users",
		fields: {
			emailVerified: "email_verified",
			createdAt: "created_at",
			updatedAt: "updated_at",
		},
	},
	session: {
		modelName: "sessions",
		fields: {
			expiresAt: "expires_at",
			createdAt: "created_at",
			updatedAt: "updated_at",
			ipAddress: "ip_address",
			userAgent: "user_agent",
			userId: "user_id",
		},
	},
	account: {
		modelName: "accounts",
		fields: {
			accountId: "account_id",
			providerId: "provider_id",
			userId: "user_id",
			accessToken: "access_token",
			refreshToken: "refresh_token",
			idToken: "id_token",
			accessTokenExpiresAt: "access_token_expires_at",
			refreshTokenExpiresAt: "refresh_token_expires_at",
			createdAt: "created_at",
			updatedAt: "updated_at",
		},
	},
	verification: {
		modelName: "verifications",
		fields: {
			expiresAt: "expires_at",
			createdAt: "created_at",
			updatedAt: "updated_at",
		},
	},
	plugins: [
		organization({
			organizationLimit: 5,
			membershipLimit: 50,
			creatorRole: "owner",
			ac: accessControl,
			roles: { owner, admin, editor, viewer },
			invitationExpiresIn: 60 * 60 * 24 * 7,
			requireEmailVerificationOnInvitation: true,
			cancelPendingInvitationsOnReInvite: true,
			schema: {
				organization: {
					modelName: "organizations",
					fields: { createdAt: "created_at" },
				},
				member: {
					modelName: "members",
					fields: {
						organizationId: "organization_id",
						userId: "user_id",
						createdAt: "created_at",
					},
				},
				invitation: {
					modelName: "invitations",
					fields: {
						organizationId: "organization_id",
						createdAt: "created_at",
						expiresAt: "expires_at",
						inviterId: "inviter_id",
					},
				},
				session: {
					fields: { activeOrganizationId: "active_organization_id" },
				},
			},
		}),
		jwt({
			jwt: {
				// The active organization's role is read from members, as Budget Bee does.
				definePayload: async ({ user, session }) => {
					let organizationRole = null;
					if (session.activeOrganizationId) {
						const { rows } = await pool.query(
							"SELECT role FROM members WHERE user_id = $1 AND organization_id = $2 LIMIT 1",
							[user.id, session.activeOrganizationId],
						);
						organizationRole = rows[0]?.role ?? null;
					}
					return {
						sub: user.id,
						user_id: user.id,
						role: "authenticated",
						email: user.email,
						claims: {
							organization_id: session.activeOrganizationId,
							organization_role: organizationRole,
							// Set by Budget Bee's customSession, which the token endpoint's
							// session never passes through: undefined, so never serialized.
							subscription: session.subscription,
						},
					};
				},
				issuer: baseURL,
				audience: baseURL,
				expirationTime: "1h",
			},
			schema: {
				jwks: {
					fields: {
						publicKey: "public_key",
						privateKey: "private_key",
						createdAt: "created_at",
						expiresAt: "expires_at",
					},
				},
			},
		}),
		bearer(),
	],
});

const server = http.createServer(toNodeHandler(auth));
server.listen(port, "127.0.0.1", () => {
	console.log(`listening ${baseURL}`);
});

const stop = () => {
	server.close();
	pool.end().finally(() => process.exit(0));
	setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
