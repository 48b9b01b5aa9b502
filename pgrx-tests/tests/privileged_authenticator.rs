//! The workers refuse to serve as a privileged authenticator (a superuser, or a role with
//! BYPASSRLS: either lets any SQL a request reaches escape row-level security) unless
//! `budgetbee.allow_privileged_authenticator = on`: every request then gets 503 `PGRST000`,
//! PostgREST's connection error, which clients retry; the workers look again every few seconds
//! and on reload, and serve as soon as the role is fixed or the setting allows it.

use budgetbee_e2e::{Cluster, ClusterBuilder, eventually};
use std::time::Duration;

const REFUSED: &str = r#"{"code":"PGRST000","details":"budgetbee refuses to serve as \"authenticator\", a role with BYPASSRLS: any SQL a request reaches could escape row-level security","hint":null,"message":"Database connection error. Retrying the connection."}"#;

fn every_worker_answers(c: &Cluster, status: u16) -> bool {
    (0..6).all(|_| c.get("/items").status == status)
}

#[test]
fn a_bypassrls_authenticator_is_refused_until_fixed_or_allowed() {
    let c = ClusterBuilder::new("privileged-authenticator")
        .pool(2)
        .fixture(
            "CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1); \
             GRANT SELECT ON items TO anon;",
        )
        .start();
    assert_eq!(c.get("/items").text(), r#"[{"id":1}]"#);

    c.psql("ALTER ROLE authenticator BYPASSRLS");
    c.psql("SELECT pg_reload_conf()");
    assert!(
        eventually(Duration::from_secs(10), || every_worker_answers(&c, 503)),
        "still served as a BYPASSRLS role"
    );
    let r = c.get("/items");
    assert_eq!((r.status, r.text()), (503, REFUSED.to_string()));
    assert_eq!(
        r.header("Content-Type"),
        Some("application/json; charset=utf-8")
    );
    assert!(
        c.log().contains(
            "refusing to serve: the authenticator \"authenticator\" is a role with BYPASSRLS"
        ),
        "{}",
        c.log()
    );

    // Allowed: served, with a warning.
    c.psql("ALTER SYSTEM SET budgetbee.allow_privileged_authenticator = on");
    c.psql("SELECT pg_reload_conf()");
    assert!(
        eventually(Duration::from_secs(10), || every_worker_answers(&c, 200)),
        "not served once allowed"
    );
    c.psql("ALTER SYSTEM RESET budgetbee.allow_privileged_authenticator");
    c.psql("SELECT pg_reload_conf()");
    assert!(eventually(
        Duration::from_secs(10),
        || every_worker_answers(&c, 503)
    ));

    // Fixed: served again without a reload, at the next look (every 5 s).
    c.psql("ALTER ROLE authenticator NOBYPASSRLS");
    assert!(
        eventually(Duration::from_secs(15), || every_worker_answers(&c, 200)),
        "not served after NOBYPASSRLS"
    );
    assert_eq!(c.get("/items").text(), r#"[{"id":1}]"#);
}
