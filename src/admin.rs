//! SQL-level administration functions, installed into the `budgetbee` schema.

use pgrx::prelude::*;

/// The extension's version, e.g. `SELECT budgetbee.version()`. Creating this C function is also
/// what makes `CREATE EXTENSION` load the library, so a missing `shared_preload_libraries` entry
/// is reported at `CREATE EXTENSION` time.
#[pg_extern(immutable, parallel_safe)]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Makes every budgetbee worker reload its schema cache before its next request, like
/// PostgREST's `NOTIFY pgrst, 'reload schema'`. Rarely needed: DDL is followed automatically.
/// Takes effect when the calling transaction commits.
#[pg_extern(volatile)]
fn reload_schema() {
    crate::schema::broadcast_reload();
}

/// Makes every worker fetch `budgetbee.jwks_url` again before verifying its next token (key
/// rotation at the issuer, without waiting for the refresh interval).
#[pg_extern(volatile)]
fn reload_jwks() {
    crate::auth::JWKS_RELOADS
        .get()
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

// Better Auth's claims as SQL sees them, callable unqualified as Budget Bee's policies and
// functions call them (`uid()`, `org_id()`, `org_role()`). Plain SQL, STABLE: the planner
// inlines them, so an RLS policy costs no function call per row.
pgrx::extension_sql!(
    r#"
CREATE FUNCTION public.jwt() RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb $$;
COMMENT ON FUNCTION public.jwt() IS 'All claims of the request''s JWT (budgetbee).';

CREATE FUNCTION public.uid() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce(
  nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub',
  nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'user_id') $$;
COMMENT ON FUNCTION public.uid() IS 'The user id of the request''s JWT: sub, else user_id (budgetbee).';

CREATE FUNCTION public.org_id() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb -> 'claims' ->> 'organization_id' $$;
COMMENT ON FUNCTION public.org_id() IS 'claims.organization_id of the request''s JWT (budgetbee).';

CREATE FUNCTION public.org_role() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb -> 'claims' ->> 'organization_role' $$;
COMMENT ON FUNCTION public.org_role() IS 'claims.organization_role of the request''s JWT (budgetbee).';
"#,
    name = "claim_functions"
);
