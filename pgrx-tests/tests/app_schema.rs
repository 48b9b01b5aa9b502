//! Budget Bee's schema as shipped in `sql/app/`, and what `budgetbee.exposure()` says of it and
//! of the app's own grants.
//!
//! - `sql/app/check.sql` (its checks of every demo user and anon under row-level security, the
//!   functions and their errors) passes on a cluster built from the files.
//! - On the shipped schema every relation an API role reaches is guarded and nothing is logged.
//! - On the app's original grants and row-level security, as `budgetbee-app.md` describes them
//!   ("Grants": `authenticated` gets all privileges minus TRIGGER and TRUNCATE on every table in
//!   `public`, `app_subscriptions` SELECT only, `anon` none; "Holes": no row-level security on
//!   the Better Auth tables, `subscriptions`, `transaction_tags`, `line_items`,
//!   `transaction_line_items`, `app_subscriptions`), exposure() names every hole, and the workers
//!   log one WARNING per table when they load the schema cache, not one per worker, and again
//!   only when the holes change.

use budgetbee_e2e::{Cluster, ClusterBuilder, DB};
use std::process::Command;
use std::time::{Duration, Instant};

/// sql/app's numbered files in name order, as `make run` applies them.
fn app_sql() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sql/app");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".sql") && name.starts_with(|c: char| c.is_ascii_digit())
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn app_cluster(name: &str, extra: &str) -> Cluster {
    ClusterBuilder::new(name)
        .setting("budgetbee.db_authenticated_role", "authenticated")
        .fixture(&app_sql())
        .fixture(extra)
        .start()
}

/// `psql -f`: check.sql uses psql's own commands.
fn psql_file(c: &Cluster, file: &std::path::Path) -> (bool, String) {
    let out = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(c.bin.join("psql"))
        .args(["-X", "-v", "ON_ERROR_STOP=1", "-h"])
        .arg(&c.dir)
        .args(["-p", &c.pg_port.to_string(), "-d", DB, "-f"])
        .arg(file)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The relations (not functions) each API role reaches: role|kind|name|privileges|rls|guarded.
fn relations(c: &Cluster) -> Vec<String> {
    c.psql(
        "SELECT role, kind, name, privileges, rls, guarded FROM budgetbee.exposure() \
         WHERE kind <> 'function' ORDER BY role, name",
    )
    .lines()
    .map(str::to_string)
    .collect()
}

const HOLE: &str = "reachable through the API without row-level security";

fn warnings(c: &Cluster) -> Vec<String> {
    c.log()
        .lines()
        .filter(|l| l.contains("WARNING") && l.contains(HOLE))
        .map(str::to_string)
        .collect()
}

/// Waits (bounded) until the log holds `n` hole warnings, then a little longer to show that no
/// other worker adds its own. Workers load the schema cache when a request needs it after DDL:
/// requests keep coming meanwhile, enough to reach every worker.
fn settle_warnings(c: &Cluster, n: usize) -> Vec<String> {
    let start = Instant::now();
    loop {
        for _ in 0..4 {
            assert_eq!(c.get("/").status, 200);
        }
        if warnings(c).len() >= n || start.elapsed() > Duration::from_secs(20) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    for _ in 0..4 {
        assert_eq!(c.get("/").status, 200);
    }
    std::thread::sleep(Duration::from_millis(1500));
    warnings(c)
}

const ALL: &str = "{SELECT,INSERT,UPDATE,DELETE}";

#[test]
fn shipped_schema_guards_everything_it_exposes() {
    let c = app_cluster("app_shipped", "");
    let (ok, out) = psql_file(
        &c,
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sql/app/check.sql"),
    );
    assert!(
        ok && out.trim_end().ends_with("all checks passed"),
        "check.sql:\n{out}"
    );

    let guarded =
        |name: &str, privileges: &str| format!("authenticated|table|{name}|{privileges}|t|t");
    let mut want = vec!["anon|table|transactions|{SELECT}|t|t".to_string()];
    for (name, privileges) in [
        ("app_subscriptions", "{SELECT}"),
        ("categories", ALL),
        ("feature_flags", "{SELECT}"),
        ("line_items", ALL),
        ("subscriptions", ALL),
        ("tags", ALL),
        ("transaction_line_items", ALL),
        ("transaction_tags", ALL),
        ("transactions", ALL),
    ] {
        want.push(guarded(name, privileges));
    }
    assert_eq!(relations(&c), want);
    // Functions run as the caller: what they read is guarded by the tables' policies.
    assert_eq!(
        c.psql("SELECT count(*) FROM budgetbee.exposure() WHERE kind = 'function' AND NOT guarded"),
        "0"
    );
    assert_eq!(
        c.psql(
            "SELECT string_agg(name, ' ' ORDER BY name) FROM budgetbee.exposure() \
             WHERE role = 'authenticated' AND kind = 'function' AND name LIKE '%transaction%'"
        ),
        "get_filtered_transactions(filters jsonb) \
         get_transaction_aggregate(p_user_id text, p_organization_id text, p_filters jsonb, p_aggregate_fn text, p_transaction_type text, p_group_by text) \
         get_transaction_by_category(params jsonb) \
         get_transaction_distribution_by_category(params jsonb) \
         get_transaction_distribution_by_status(params jsonb) \
         get_transaction_stat(p_user_id text, p_organization_id text, p_filters jsonb, p_aggregate_fn text, p_transaction_type text)"
    );
    // The seed: anonymous requests see no transaction; the Better Auth tables are not reachable.
    let r = c.get("/transactions");
    assert_eq!((r.status, r.text()), (200, "[]".to_string()));
    assert_eq!(c.get("/users").status, 401);
    assert_eq!(settle_warnings(&c, 0), Vec::<String>::new());
}

/// Budget Bee's own privileges and row-level security, per budgetbee-app.md.
const ORIGINAL_GRANTS: &str = r#"
GRANT SELECT, INSERT, UPDATE, DELETE, REFERENCES ON ALL TABLES IN SCHEMA public TO authenticated;
REVOKE INSERT, UPDATE, DELETE, REFERENCES ON public.app_subscriptions FROM authenticated;
REVOKE ALL ON public.transactions FROM anon;
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'sessions', 'accounts', 'verifications', 'organizations',
      'members', 'invitations', 'jwks', 'subscriptions', 'transaction_tags', 'line_items',
      'transaction_line_items', 'app_subscriptions', 'feature_flags'] LOOP
    EXECUTE format('ALTER TABLE public.%I DISABLE ROW LEVEL SECURITY', t);
  END LOOP;
END $$;
"#;

#[test]
fn original_grants_name_every_hole_once() {
    let c = app_cluster("app_original", ORIGINAL_GRANTS);
    let holes: Vec<(&str, &str)> = vec![
        ("accounts", ALL),
        ("app_subscriptions", "{SELECT}"),
        ("feature_flags", ALL),
        ("invitations", ALL),
        ("jwks", ALL),
        ("line_items", ALL),
        ("members", ALL),
        ("organizations", ALL),
        ("sessions", ALL),
        ("subscriptions", ALL),
        ("transaction_line_items", ALL),
        ("transaction_tags", ALL),
        ("users", ALL),
        ("verifications", ALL),
    ];
    assert_eq!(
        c.psql(
            "SELECT string_agg(role || ' ' || name || ' ' || privileges::text || ' ' || note, E'\\n' ORDER BY name) \
             FROM budgetbee.exposure() WHERE kind = 'table' AND NOT guarded"
        ),
        holes
            .iter()
            .map(|(name, p)| format!("authenticated {name} {p} no row-level security"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The app's guarded tables stay guarded.
    assert_eq!(
        c.psql(
            "SELECT string_agg(name, ' ' ORDER BY name) FROM budgetbee.exposure() \
             WHERE kind = 'table' AND guarded"
        ),
        "categories tags transactions"
    );

    // Two workers load the schema cache; the log names each table once, with its role.
    let logged = settle_warnings(&c, holes.len());
    assert_eq!(logged.len(), holes.len(), "{logged:#?}");
    for (name, privileges) in &holes {
        let p = privileges.trim_matches(['{', '}']).replace(',', ", ");
        let line =
            format!("table public.{name} is {HOLE}: authenticated may {p} (no row-level security)");
        assert!(
            logged.iter().any(|l| l.ends_with(&line)),
            "no warning {line:?} in {logged:#?}"
        );
    }

    // A reload that finds the same holes stays quiet ...
    c.psql("SELECT budgetbee.reload_schema()");
    assert_eq!(settle_warnings(&c, holes.len()).len(), holes.len());

    // ... closing one is a change: the remaining holes are named again, once.
    c.psql(
        "ALTER TABLE public.subscriptions ENABLE ROW LEVEL SECURITY; \
         CREATE POLICY mine ON public.subscriptions TO authenticated USING (user_id = uid())",
    );
    let logged = settle_warnings(&c, 2 * holes.len() - 1);
    assert_eq!(logged.len(), 2 * holes.len() - 1, "{logged:#?}");
    assert!(
        !logged[holes.len()..]
            .iter()
            .any(|l| l.contains("public.subscriptions")),
        "{logged:#?}"
    );
}
