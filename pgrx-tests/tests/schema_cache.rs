//! The schema cache follows the catalog: DDL in psql is visible to the very next request, with
//! no NOTIFY and no restart; PostgREST's NOTIFY and budgetbee.reload_schema() also reload.

use budgetbee_e2e::{Cluster, ClusterBuilder};
use std::sync::{Mutex, OnceLock};

/// Both tests count reloads in the one worker's log; they take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    // One worker, so "the next request" is served by the worker that cached the old schema.
    C.get_or_init(|| {
        ClusterBuilder::new("schema-cache")
            .pool(1)
            .setting("budgetbee.log_level", "info")
            .start()
    })
}

fn get(path: &str) -> (u16, String) {
    let r = cluster().request("GET", path, &[]);
    (r.status, r.text())
}

#[test]
fn ddl_is_visible_to_the_next_request() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    let (status, body) = get("/fresh");
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("PGRST205"), "{body}");

    c.psql("CREATE TABLE fresh (id int); INSERT INTO fresh VALUES (1), (2); GRANT SELECT ON fresh TO anon;");
    assert_eq!(
        get("/fresh?order=id"),
        (200, "[{\"id\":1}, \n {\"id\":2}]".into())
    );

    c.psql("ALTER TABLE fresh ADD COLUMN note text DEFAULT 'x'");
    assert_eq!(
        get("/fresh?select=id,note&id=eq.2"),
        (200, r#"[{"id":2,"note":"x"}]"#.into())
    );

    // A prepared statement compared id with an integer parameter; after the type changes the
    // same request shape must be re-planned with a text parameter.
    c.psql("ALTER TABLE fresh ALTER COLUMN id TYPE text");
    assert_eq!(
        get("/fresh?select=id&id=eq.2"),
        (200, r#"[{"id":"2"}]"#.into())
    );
    assert_eq!(get("/fresh?select=id&id=eq.abc"), (200, "[]".into()));

    c.psql("ALTER TABLE fresh RENAME TO fresh2");
    let (status, body) = get("/fresh");
    assert_eq!(status, 404, "{body}");
    assert_eq!(
        body,
        r#"{"code":"PGRST205","details":null,"hint":"Perhaps you meant the table 'public.fresh2'","message":"Could not find the table 'public.fresh' in the schema cache"}"#
    );

    c.psql("DROP TABLE fresh2");
    assert_eq!(get("/fresh2").0, 404);
}

#[test]
fn notify_pgrst_and_reload_schema_reload_the_cache() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    let loads = || c.log().matches("budgetbee: schema cache loaded").count();
    assert_eq!(get("/nothing_here").0, 404);
    let before = loads();
    assert_eq!(get("/nothing_here").0, 404);
    assert_eq!(loads(), before, "no catalog change, no reload");

    c.psql("NOTIFY pgrst, 'reload schema'");
    assert_eq!(get("/nothing_here").0, 404);
    assert_eq!(loads(), before + 1, "NOTIFY pgrst reloads");

    c.psql("SELECT budgetbee.reload_schema()");
    assert_eq!(get("/nothing_here").0, 404);
    assert_eq!(loads(), before + 2, "budgetbee.reload_schema() reloads");

    c.psql("NOTIFY other_channel, 'reload schema'");
    assert_eq!(get("/nothing_here").0, 404);
    assert_eq!(loads(), before + 2, "other channels are not ours");
}

/// VACUUM and ANALYZE send a relation's invalidation as DDL does, but only update its row of
/// pg_class in place and pg_statistic, nothing the cache is read from: they must not reload it.
/// Every autovacuum of any table (catalogs included) reloaded every worker's cache, 68 ms each
/// on Budget Bee's schema and all its prepared statements with it, six times a minute after a
/// restart re-applied the app's SQL.
#[test]
fn vacuum_and_analyze_do_not_reload_the_cache() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    let loads = || c.log().matches("budgetbee: schema cache loaded").count();
    c.psql(
        "CREATE TABLE churn (id int PRIMARY KEY, note text);
         INSERT INTO churn SELECT g, 'n' FROM generate_series(1, 2000) g;
         GRANT SELECT ON churn TO anon;",
    );
    assert_eq!(
        get("/churn?id=eq.7"),
        (200, r#"[{"id":7,"note":"n"}]"#.into())
    );
    let before = loads();
    c.psql("DELETE FROM churn WHERE id > 1000");
    for maintenance in [
        "VACUUM churn",
        "ANALYZE churn",
        "VACUUM (FREEZE, ANALYZE) churn",
        "VACUUM pg_catalog.pg_class",
        "ANALYZE pg_catalog.pg_attribute",
    ] {
        c.psql(maintenance);
        assert_eq!(
            get("/churn?id=eq.7"),
            (200, r#"[{"id":7,"note":"n"}]"#.into())
        );
        assert_eq!(loads(), before, "{maintenance} reloaded the schema cache");
    }

    // DDL after them still reloads at once.
    c.psql("ALTER TABLE churn ADD COLUMN amount int DEFAULT 3");
    assert_eq!(
        get("/churn?select=id,amount&id=eq.7"),
        (200, r#"[{"id":7,"amount":3}]"#.into())
    );
    assert_eq!(loads(), before + 1);
    c.psql("COMMENT ON COLUMN churn.amount IS 'how much'; ALTER TABLE churn DROP COLUMN note");
    assert_eq!(get("/churn?select=note").0, 400);
    c.psql("DROP TABLE churn");
}

/// Relationships follow the catalog too: a foreign key added in psql can be embedded by the very
/// next request, one dropped cannot, and a view created over the table embeds through it.
/// Expected bodies: PostgreSQL 17 running PostgREST's statement for each request; errors per
/// PostgREST's Error.hs (PGRST200).
#[test]
fn foreign_key_changes_are_visible_to_the_next_request() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    c.psql(
        "CREATE TABLE fk_parent (id int PRIMARY KEY, name text);
         CREATE TABLE fk_child (id int PRIMARY KEY, parent_id int);
         INSERT INTO fk_parent VALUES (1, 'one');
         INSERT INTO fk_child VALUES (10, 1);
         GRANT SELECT ON fk_parent, fk_child TO anon;",
    );
    let no_relationship = r#"{"code":"PGRST200","details":"Searched for a foreign key relationship between 'fk_child' and 'fk_parent' in the schema 'public', but no matches were found.","hint":null,"message":"Could not find a relationship between 'fk_child' and 'fk_parent' in the schema cache"}"#;
    assert_eq!(
        get("/fk_child?select=id,fk_parent(name)"),
        (400, no_relationship.into())
    );

    c.psql("ALTER TABLE fk_child ADD CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES fk_parent (id)");
    assert_eq!(
        get("/fk_child?select=id,fk_parent(name)"),
        (200, r#"[{"id":10,"fk_parent":{"name": "one"}}]"#.into())
    );
    assert_eq!(
        get("/fk_parent?select=name,fk_child(id)"),
        (200, r#"[{"name":"one","fk_child":[{"id": 10}]}]"#.into())
    );

    c.psql("CREATE VIEW fk_child_view AS SELECT id, parent_id AS parent FROM fk_child; GRANT SELECT ON fk_child_view TO anon;");
    assert_eq!(
        get("/fk_child_view?select=id,fk_parent(name)"),
        (200, r#"[{"id":10,"fk_parent":{"name": "one"}}]"#.into())
    );

    c.psql("DROP VIEW fk_child_view; ALTER TABLE fk_child DROP CONSTRAINT fk_child_parent");
    assert_eq!(
        get("/fk_child?select=id,fk_parent(name)"),
        (400, no_relationship.into())
    );
    c.psql("DROP TABLE fk_child, fk_parent");
}

/// Functions follow the catalog as tables do: created, replaced (another return type, another
/// parameter list), overloaded and dropped functions are what the next call finds.
#[test]
fn function_changes_are_visible_to_the_next_call() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let c = cluster();
    let call = |path: &str| {
        let r = c.request("POST", path, &[("Content-Type", "application/json")]);
        (r.status, r.text())
    };
    let not_found = r#"{"code":"PGRST202","details":"Searched for the function public.shout without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function public.shout without parameters in the schema cache"}"#;
    assert_eq!(call("/rpc/shout"), (404, not_found.into()));

    c.psql("CREATE FUNCTION shout() RETURNS text LANGUAGE sql AS $$ SELECT 'hey' $$");
    assert_eq!(call("/rpc/shout"), (200, r#""hey""#.into()));

    c.psql("CREATE OR REPLACE FUNCTION shout() RETURNS text LANGUAGE sql AS $$ SELECT 'HEY' $$");
    assert_eq!(call("/rpc/shout"), (200, r#""HEY""#.into()));

    // A new return type means DROP and CREATE; the old prepared call must not be reused.
    c.psql(
        "DROP FUNCTION shout(); \
         CREATE FUNCTION shout() RETURNS SETOF int LANGUAGE sql AS $$ SELECT 1 UNION ALL SELECT 2 $$",
    );
    // json_agg breaks lines between rows, not between scalars.
    assert_eq!(call("/rpc/shout"), (200, "[1, 2]".into()));

    c.psql(
        "CREATE FUNCTION shout(word text) RETURNS text LANGUAGE sql AS $$ SELECT upper(word) $$",
    );
    let r = c.request("GET", "/rpc/shout?word=psst", &[]);
    assert_eq!((r.status, r.text()), (200, r#""PSST""#.into()));

    c.psql("DROP FUNCTION shout(); DROP FUNCTION shout(text)");
    assert_eq!(call("/rpc/shout"), (404, not_found.into()));
}
