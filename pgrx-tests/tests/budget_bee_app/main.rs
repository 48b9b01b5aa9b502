//! Budget Bee's web app works on budgetbee: one demo cluster started by `.ci/run-demo` (the
//! script `make run` uses: sql/app/ applied, test-only keys, the API with their JWKS and
//! `jwt_aud` http://localhost:3000, a token per demo user), shared by three parts:
//!
//! - `web_app`: every call the web app makes, through the client it uses
//!   (`@supabase/postgrest-js` 1.21.4, `pgrx-tests/js/web_app.mjs`) with the headers it sends,
//!   each preceded by the CORS preflight a browser sends, as each demo user;
//! - `browser`: a page on another origin, in headless Chromium, doing the same through
//!   postgrest-js; the browser must accept every response;
//! - `seed_curls`: the `curl`s of the seed document, extracted from it and run with curl.
//!
//! The parts write (inserts, edits, deletes), so each holds [`exclusive`] while it compares
//! the API with the database and removes what it created before letting go: every part starts
//! from sql/app's demo rows.

mod browser;
mod seed_curls;
mod web_app;
mod web_app_pages;
mod web_app_session;

use budgetbee_e2e::Demo;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

/// The demo, started once for the whole binary.
fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| Demo::start("budget-bee-demo", Duration::from_secs(300)))
}

/// One part at a time reads and writes the demo rows. A part that failed still lets the
/// others run (a poisoned lock is taken over): its own assertions already failed the run.
fn exclusive() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// The demo users, with the organization and role their demo token carries.
pub const ALICE: &str = "user_alice";
pub const OLIVIA: &str = "user_olivia";
pub const VICTOR: &str = "user_victor";
pub const ACME: &str = "org_acme";
/// Alice's Groceries category (sql/app/90-demo.sql).
pub const ALICE_GROCERIES: &str = "0b1c2d3e-0000-4000-8000-000000000001";

/// The token's organization and role for each demo user, as `.ci/demo-lib.sh` signs them
/// (from `members`): the expectations below apply sql/app/README.md's visibility rule to these.
pub fn membership(user: &str) -> Option<(&'static str, &'static str)> {
    match user {
        OLIVIA => Some((ACME, "owner")),
        VICTOR => Some((ACME, "viewer")),
        _ => None,
    }
}

/// The documented rule for reading `transactions` (sql/app/README.md "Row-level security"), as
/// a predicate the superuser evaluates: personal rows of mine, or my organization's when my
/// role may `list` them (owner, admin, editor, viewer all may).
pub fn transactions_visible_to(user: &str) -> String {
    let mine = format!("(organization_id IS NULL AND user_id = '{user}')");
    match membership(user) {
        Some((org, role)) if ["owner", "admin", "editor", "viewer"].contains(&role) => {
            format!("({mine} OR organization_id = '{org}')")
        }
        _ => mine,
    }
}

/// The same for `categories` and `subscriptions`: personal of mine, or my organization's.
pub fn owned_rows_visible_to(user: &str) -> String {
    let mine = format!("(organization_id IS NULL AND user_id = '{user}')");
    match membership(user) {
        Some((org, _)) => format!("({mine} OR organization_id = '{org}')"),
        None => mine,
    }
}

/// Removes whatever a part created (every demo row has a fixed id; the trigger's categories
/// belong to the demo users) so the next part starts from sql/app's demo rows.
pub fn remove_test_rows(demo: &Demo) {
    demo.psql(
        "DELETE FROM transactions WHERE id::text NOT LIKE '7a00000_-0000-4000-8000-%';
         DELETE FROM categories WHERE name LIKE 'e2e %';
         DELETE FROM subscriptions WHERE id::text NOT LIKE '5b000000-0000-4000-8000-%';",
    );
}

/// The demo's row counts (sql/app/README.md: 384 transactions, 7 subscriptions; every user's
/// three trigger categories plus the 11 fixed ones), checked at the start of each part.
pub fn assert_demo_rows(demo: &Demo) {
    assert_eq!(
        demo.psql(
            "SELECT (SELECT count(*) FROM transactions) || ' ' || (SELECT count(*) FROM subscriptions)
                    || ' ' || (SELECT count(*) FROM categories)"
        ),
        "384 7 20",
        "the demo rows as sql/app/90-demo.sql makes them"
    );
}
