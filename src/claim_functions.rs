//! Better Auth's claims as SQL sees them: `uid()`, `org_id()`, `org_role()` (and `jwt()`),
//! callable unqualified as Budget Bee's policies and functions call them. Any backend runs them
//! (the workers, psql, a PostgREST-style client that sets `request.jwt.claims` itself), so they
//! read only that setting, never the worker's state.
//!
//! They were plain SQL functions, inlined by the planner, but inlining does not make them
//! cheap: each call in a row-level security policy cast the whole claims text to jsonb again,
//! for every row the policy looks at. Counting an organization's 10,000 visible transactions
//! took 330 ms that way, and 50–58 ms with the claims read from ready-made settings. Here the
//! claims text is parsed on its first call and the three answers kept with that text; a later
//! call with the same text (every row of a statement, every request of the same token) returns
//! the kept answer. The answers come from Postgres's own jsonb functions (`jsonb_in`, `->`,
//! `->>`), so values, NULLs and errors are the SQL definitions' exactly.

// FFI edge: reading a setting and calling Postgres's jsonb functions directly.
#![allow(unsafe_code)]

use pgrx::prelude::*;
use pgrx::{IntoDatum, direct_function_call_as_datum};
use std::cell::RefCell;
use std::ffi::CStr;

/// The answers for one claims text.
struct Answers {
    claims: Vec<u8>,
    uid: Option<String>,
    org_id: Option<String>,
    org_role: Option<String>,
}

thread_local! {
    static KEPT: RefCell<Option<Answers>> = const { RefCell::new(None) };
}

/// `f` of `nullif(current_setting('request.jwt.claims', true), '')`, read in place (the
/// borrow ends with `f`, before anything can change the setting); `None` when unset or empty.
fn with_claims_text<R>(f: impl FnOnce(&CStr) -> R) -> Option<R> {
    // SAFETY: GetConfigOption returns the setting's current value (or NULL for a setting that
    // does not exist), owned by the GUC machinery.
    let value = unsafe { pg_sys::GetConfigOption(c"request.jwt.claims".as_ptr(), true, false) };
    if value.is_null() {
        return None;
    }
    // SAFETY: a non-NULL GUC value is a NUL-terminated string, alive until the setting changes,
    // which nothing does while `f` runs.
    let text = unsafe { CStr::from_ptr(value) };
    (!text.to_bytes().is_empty()).then(|| f(text))
}

/// `jsonb -> key` and `jsonb ->> key`, as the SQL operators call them.
fn field(jsonb: pg_sys::Datum, key: &str, as_text: bool) -> Option<pg_sys::Datum> {
    let f = if as_text {
        pg_sys::jsonb_object_field_text
    } else {
        pg_sys::jsonb_object_field
    };
    // SAFETY: both functions take (jsonb, text) and may return NULL, which
    // direct_function_call_as_datum reports as None.
    unsafe { direct_function_call_as_datum(f, &[Some(jsonb), key.into_datum()]) }
}

fn text(datum: Option<pg_sys::Datum>) -> Option<String> {
    // SAFETY: the datum is a text returned by jsonb_object_field_text.
    datum.and_then(|d| unsafe { String::from_datum(d, false) })
}

/// The three answers for `claims`, the SQL definitions' way; raises jsonb's own error on text
/// that is not JSON.
fn answer(claims: &CStr) -> Answers {
    // SAFETY: jsonb_in takes a cstring; invalid JSON raises Postgres's ERROR (22P02), which
    // pgrx carries to the caller's transaction as any error of a #[pg_extern] function.
    let jsonb = unsafe { direct_function_call_as_datum(pg_sys::jsonb_in, &[claims.into_datum()]) }
        .expect("jsonb_in never returns NULL");
    let inner = field(jsonb, "claims", false);
    Answers {
        claims: claims.to_bytes().to_vec(),
        uid: text(field(jsonb, "sub", true)).or_else(|| text(field(jsonb, "user_id", true))),
        org_id: inner.and_then(|c| text(field(c, "organization_id", true))),
        org_role: inner.and_then(|c| text(field(c, "organization_role", true))),
    }
}

/// One answer for the current claims, kept or computed.
fn kept(pick: fn(&Answers) -> &Option<String>) -> Option<String> {
    with_claims_text(|claims| {
        KEPT.with_borrow_mut(|kept| {
            if kept.as_ref().is_none_or(|k| k.claims != claims.to_bytes()) {
                *kept = Some(answer(claims));
            }
            kept.as_ref().and_then(|k| pick(k).clone())
        })
    })
    .flatten()
}

/// `public.uid()`: the claims' `sub`, else `user_id`.
#[pg_extern(sql = false, stable, parallel_safe)]
fn claim_uid() -> Option<String> {
    kept(|a| &a.uid)
}

/// `public.org_id()`: `claims.organization_id`.
#[pg_extern(sql = false, stable, parallel_safe)]
fn claim_org_id() -> Option<String> {
    kept(|a| &a.org_id)
}

/// `public.org_role()`: `claims.organization_role`.
#[pg_extern(sql = false, stable, parallel_safe)]
fn claim_org_role() -> Option<String> {
    kept(|a| &a.org_role)
}

pgrx::extension_sql!(
    r#"
CREATE FUNCTION public.jwt() RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb $$;
COMMENT ON FUNCTION public.jwt() IS 'All claims of the request''s JWT (budgetbee).';

CREATE FUNCTION public.uid() RETURNS text LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'claim_uid_wrapper';
COMMENT ON FUNCTION public.uid() IS 'The user id of the request''s JWT: sub, else user_id (budgetbee).';

CREATE FUNCTION public.org_id() RETURNS text LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'claim_org_id_wrapper';
COMMENT ON FUNCTION public.org_id() IS 'claims.organization_id of the request''s JWT (budgetbee).';

CREATE FUNCTION public.org_role() RETURNS text LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'claim_org_role_wrapper';
COMMENT ON FUNCTION public.org_role() IS 'claims.organization_role of the request''s JWT (budgetbee).';
"#,
    name = "claim_functions"
);
