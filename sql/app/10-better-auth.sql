-- 10-better-auth.sql: the tables Better Auth 1.4.17 writes (core + the organization and jwt
-- plugins), under the app's names: plural tables, snake_case columns, text ids.
--
-- Better Auth is pointed at them with modelName/fields, every camelCase field mapping to its
-- snake_case column (user → users, emailVerified → email_verified, activeOrganizationId →
-- active_organization_id, publicKey → public_key, …). Its "date" fields are timestamptz, its
-- foreign keys cascade on delete and the indexes are the ones its own migrations create.
--
-- No API role can reach these tables (80-grants.sql revokes everything from PUBLIC, anon and
-- authenticated; the app's server side uses auth_admin, which bypasses row-level security).
-- Row-level security is enabled on them with no policy at all, as a second lock.
-- Idempotent.
SET client_min_messages = warning;  -- no NOTICE for what already exists / does not exist yet

CREATE TABLE IF NOT EXISTS public.users (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  email          text NOT NULL UNIQUE,
  email_verified boolean NOT NULL DEFAULT false,
  image          text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS public.organizations (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  slug       text NOT NULL UNIQUE,
  logo       text,
  created_at timestamptz NOT NULL DEFAULT now(),
  metadata   text
);

CREATE TABLE IF NOT EXISTS public.sessions (
  id                     text PRIMARY KEY,
  expires_at             timestamptz NOT NULL,
  token                  text NOT NULL UNIQUE,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  ip_address             text,
  user_agent             text,
  user_id                text NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
  -- organization plugin; Better Auth keeps it a plain string (no foreign key)
  active_organization_id text
);
CREATE INDEX IF NOT EXISTS sessions_user_id_idx ON public.sessions (user_id);

CREATE TABLE IF NOT EXISTS public.accounts (
  id                       text PRIMARY KEY,
  account_id               text NOT NULL,
  provider_id              text NOT NULL,
  user_id                  text NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
  access_token             text,
  refresh_token            text,
  id_token                 text,
  access_token_expires_at  timestamptz,
  refresh_token_expires_at timestamptz,
  scope                    text,
  password                 text,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS accounts_user_id_idx ON public.accounts (user_id);

CREATE TABLE IF NOT EXISTS public.verifications (
  id         text PRIMARY KEY,
  identifier text NOT NULL,
  value      text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS verifications_identifier_idx ON public.verifications (identifier);

-- organization plugin
CREATE TABLE IF NOT EXISTS public.members (
  id              text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  user_id         text NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
  role            text NOT NULL DEFAULT 'member',  -- owner | admin | editor | viewer in Budget Bee
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS members_organization_id_idx ON public.members (organization_id);
CREATE INDEX IF NOT EXISTS members_user_id_idx ON public.members (user_id);

CREATE TABLE IF NOT EXISTS public.invitations (
  id              text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  email           text NOT NULL,
  role            text,
  status          text NOT NULL DEFAULT 'pending',
  expires_at      timestamptz NOT NULL,
  inviter_id      text NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS invitations_organization_id_idx ON public.invitations (organization_id);
CREATE INDEX IF NOT EXISTS invitations_email_idx ON public.invitations (email);

-- jwt plugin: the signing keys (private_key is the secret that signs every API token)
CREATE TABLE IF NOT EXISTS public.jwks (
  id          text PRIMARY KEY,
  public_key  text NOT NULL,
  private_key text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz
);

ALTER TABLE public.users         ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.sessions      ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.accounts      ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.verifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.members       ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.invitations   ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.jwks          ENABLE ROW LEVEL SECURITY;
