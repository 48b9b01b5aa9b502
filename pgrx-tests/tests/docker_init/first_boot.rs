//! The image's first boots: the compose file without PGRST_DB_URI, with it and the demo rows,
//! the app schema without demo rows, and the seed's superuser URI.

use super::*;

/// Budget Bee's compose file without PGRST_DB_URI: the script pins budgetbee.database to
/// POSTGRES_DB. POSTGRES_USER is a custom superuser, as in the seed's example (root).
#[test]
fn first_boot_serves_postgres_db_without_a_db_uri() {
    let mut env = SEED_ENV.to_vec();
    env.extend([("POSTGRES_USER", "root"), ("POSTGRES_DB", "budgetbee")]);
    let c = Container::first_boot("init", &env, None);
    let out = &c.init_output;
    assert!(
        out.contains("/usr/local/bin/docker-entrypoint.sh: running ")
            && out.contains("/docker-entrypoint-initdb.d/10-budgetbee.sh"),
        "the image's init script is executable, so the entrypoint runs it:\n{out}"
    );
    assert!(
        out.contains("ALTER SYSTEM SET budgetbee.database = 'budgetbee'"),
        "{out}"
    );
    assert!(!out.contains("WARNING"), "{out}");

    c.wait_for_workers(2);
    assert_roles(&c);
    assert_eq!(extension_databases(&c), ["budgetbee"]);
    assert_eq!(c.psql("budgetbee", "SHOW budgetbee.database"), "budgetbee");
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT source FROM pg_settings WHERE name = 'budgetbee.database'"
        ),
        "configuration file",
        "written by ALTER SYSTEM into postgresql.auto.conf"
    );
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT DISTINCT datname || ' ' || usename FROM pg_stat_activity \
             WHERE backend_type = 'budgetbee'"
        ),
        "budgetbee authenticator"
    );
    // The seed's PGRST_* reached the postmaster from the container's environment.
    assert_eq!(c.psql("budgetbee", "SHOW budgetbee.db_pool"), "2");
    assert_eq!(
        c.psql("budgetbee", "SHOW budgetbee.db_authenticated_role"),
        "authenticated"
    );
    assert_eq!(
        c.psql("budgetbee", "SHOW budgetbee.jwt_aud"),
        "http://localhost:3000"
    );
    // No schema unless asked for: neither its tables nor its server-side roles.
    assert!(!out.contains("BUDGETBEE_LOAD"), "{out}");
    assert_eq!(
        c.psql(
            "budgetbee",
            "SELECT to_regclass('public.transactions') IS NULL"
        ),
        "t"
    );
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT count(*) FROM pg_roles WHERE rolname IN ('auth_admin', 'subscription_admin')"
        ),
        "0"
    );
    assert_serves_a_new_table(&c, "budgetbee");
}

/// PGRST_DB_URI names the database (and the authenticator) and BUDGETBEE_LOAD_DEMO=true loads
/// Budget Bee's schema and its demo rows (sql/app/00…90). The script is given mode 0644 here:
/// the entrypoint then sources it (a checkout that lost the executable bit), which must work as
/// well.
#[test]
fn first_boot_with_db_uri_and_demo_sourced() {
    let mut env = SEED_ENV.to_vec();
    env.extend([
        ("POSTGRES_DB", "budgetbee"),
        (
            "PGRST_DB_URI",
            "postgres://authenticator:unused@bu-postgres:5432/budgetbee",
        ),
        ("BUDGETBEE_LOAD_DEMO", "true"),
    ]);
    let c = Container::first_boot("init-demo", &env, Some(0o644));
    let out = &c.init_output;
    assert!(
        out.contains("/usr/local/bin/docker-entrypoint.sh: sourcing "),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "budgetbee init: BUDGETBEE_LOAD_DEMO: Budget Bee's schema and demo rows \
             ({}/app/[0-9]*.sql) into \"budgetbee\"\n",
            c.var("BUDGETBEE_SQL_DIR")
        )),
        "{out}"
    );
    assert!(
        out.contains("PGRST_DB_URI names database \"budgetbee\"") && !out.contains("ALTER SYSTEM"),
        "{out}"
    );
    assert!(!out.contains("WARNING"), "{out}");

    c.wait_for_workers(2);
    assert_eq!(extension_databases(&c), ["budgetbee"]);
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT source FROM pg_settings WHERE name = 'budgetbee.database'"
        ),
        "default",
        "the URI decides; nothing written"
    );
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT DISTINCT datname || ' ' || usename FROM pg_stat_activity \
             WHERE backend_type = 'budgetbee'"
        ),
        "budgetbee authenticator"
    );
    assert_app_schema(&c, "budgetbee");
    // 90-demo.sql's rows (sql/app/README.md, "Demo rows").
    assert_eq!(
        c.psql(
            "budgetbee",
            "SELECT (SELECT string_agg(id, ' ' ORDER BY id) FROM public.users) || ' | ' || \
             (SELECT count(*) FROM public.transactions) || ' transactions, ' || \
             (SELECT count(*) FROM public.transactions WHERE user_id = 'user_alice' \
              AND organization_id IS NULL) || ' of alice''s, ' || \
             (SELECT count(*) FROM public.transactions WHERE organization_id = 'org_acme') || \
             ' of org_acme'"
        ),
        "user_alice user_olivia user_victor | 384 transactions, 124 of alice's, 180 of org_acme"
    );
    // Row-level security over HTTP, with tokens as Better Auth signs them: alice reads her
    // personal rows, victor (a viewer of org_acme) the organization's.
    let alice = better_auth_token("user_alice", "alice@example.com", None);
    let victor = better_auth_token(
        "user_victor",
        "victor@example.com",
        Some(("org_acme", "viewer")),
    );
    assert_eq!(
        rows(
            &get_with_token(&c, "/transactions?select=id", &alice),
            &c.log()
        ),
        124
    );
    assert_eq!(
        rows(
            &get_with_token(&c, "/transactions?select=id", &victor),
            &c.log()
        ),
        180
    );
    let r = get_with_token(
        &c,
        "/transactions?select=name,amount,category:categories(name)&order=transaction_date,id&limit=2",
        &alice,
    );
    assert_eq!(
        (r.status, r.text()),
        (200, ALICE_FIRST_TWO.to_string()),
        "server log:\n{}",
        c.log()
    );
    assert_serves_a_new_table(&c, "budgetbee");
}

/// BUDGETBEE_LOAD_APP=true: Budget Bee's schema without the demo rows (sql/app/00…80), as
/// production wants it. The image holds sql/app's numbered files and README, not check.sql.
#[test]
fn first_boot_loads_the_app_schema_without_demo_rows() {
    let mut env = SEED_ENV.to_vec();
    env.extend([("POSTGRES_DB", "budgetbee"), ("BUDGETBEE_LOAD_APP", "true")]);
    let c = Container::first_boot("init-app", &env, None);
    let out = &c.init_output;
    assert!(
        out.contains(&format!(
            "budgetbee init: BUDGETBEE_LOAD_APP: Budget Bee's schema \
             ({}/app/[0-9]*.sql but 90-demo.sql) into \"budgetbee\"\n",
            c.var("BUDGETBEE_SQL_DIR")
        )),
        "{out}"
    );
    assert!(
        out.contains("ALTER SYSTEM SET budgetbee.database = 'budgetbee'"),
        "{out}"
    );
    assert!(!out.contains("WARNING"), "{out}");

    let names = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    };
    let expected: Vec<String> = names(&repo().join("sql/app"))
        .into_iter()
        .filter(|n| n != "check.sql")
        .collect();
    assert_eq!(
        names(&Path::new(&c.var("BUDGETBEE_SQL_DIR")).join("app")),
        expected
    );
    assert!(
        expected.contains(&"90-demo.sql".to_string()) && expected.contains(&"README.md".into()),
        "{expected:?}"
    );

    c.wait_for_workers(2);
    assert_eq!(extension_databases(&c), ["budgetbee"]);
    assert_app_schema(&c, "budgetbee");
    assert_eq!(
        c.psql(
            "budgetbee",
            "SELECT (SELECT count(*) FROM public.users) || ' users, ' || \
             (SELECT count(*) FROM public.organizations) || ' organizations, ' || \
             (SELECT count(*) FROM public.categories) || ' categories, ' || \
             (SELECT count(*) FROM public.transactions) || ' transactions, ' || \
             (SELECT count(*) FROM public.feature_flags) || ' feature flags'"
        ),
        "0 users, 0 organizations, 0 categories, 0 transactions, 0 feature flags"
    );
    // A valid token finds no row either (there is none), and the functions answer it.
    let alice = better_auth_token("user_alice", "alice@example.com", None);
    let r = get_with_token(&c, "/transactions", &alice);
    assert_eq!(
        (r.status, r.text()),
        (200, "[]".to_string()),
        "server log:\n{}",
        c.log()
    );
    let auth = format!("Bearer {alice}");
    let r = Conn::open(c.http_port).send_body(
        "POST",
        "/rpc/get_transaction_stat",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        Some(b"{}"),
    );
    assert_eq!(
        (r.status, r.text()),
        (200, "0".to_string()),
        "server log:\n{}",
        c.log()
    );
    assert_serves_a_new_table(&c, "budgetbee");
}

/// The seed's block moved over unchanged: PGRST_DB_URI logs in as POSTGRES_USER, a superuser.
/// It works (the init script allows the privileged authenticator, which the workers otherwise
/// refuse), and both the init script and the workers say why it should not stay that way.
#[test]
fn first_boot_with_the_seeds_db_uri_warns_about_the_superuser() {
    let mut env = SEED_ENV.to_vec();
    env.extend([
        ("POSTGRES_USER", "root"),
        ("POSTGRES_DB", "budgetbee"),
        (
            "PGRST_DB_URI",
            "postgres://root:bee-password@bu-postgres:5432/budgetbee",
        ),
    ]);
    let c = Container::first_boot("init-seed-uri", &env, None);
    let out = &c.init_output;
    assert!(
        out.contains(
            "budgetbee init: WARNING: role \"root\" (the authenticator the workers log in as) \
             is a superuser: any SQL a request reaches can RESET ROLE to it"
        ),
        "{out}"
    );
    // The workers refuse a superuser authenticator unless allowed: the seed's block is allowed,
    // and the init script says so.
    assert!(
        out.contains(
            "budgetbee init: WARNING: ALTER SYSTEM SET budgetbee.allow_privileged_authenticator \
             = on, since PGRST_DB_URI logs in as \"root\""
        ),
        "{out}"
    );
    c.wait_for_workers(2);
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT DISTINCT datname || ' ' || usename FROM pg_stat_activity \
             WHERE backend_type = 'budgetbee'"
        ),
        "budgetbee root"
    );
    assert!(
        c.log()
            .lines()
            .any(|l| l.contains("WARNING") && l.contains("\"root\", a superuser")),
        "the workers warn too:\n{}",
        c.log()
    );
    assert_serves_a_new_table(&c, "budgetbee");
}
