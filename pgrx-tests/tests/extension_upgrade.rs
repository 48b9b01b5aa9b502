//! A database that created budgetbee at 0.1.0 and runs `ALTER EXTENSION budgetbee UPDATE`
//! ends with what a fresh install has: the same objects, function definitions, comments and
//! privileges. Its policies and column defaults that call `uid()`, `org_id()` and `org_role()`
//! (which 0.2.0 turned from SQL into C functions) survive the update and see the claims. And
//! the way back (README, "Installing into a cluster"): without the library preloaded those
//! calls fail, until the functions get their SQL bodies again.
//!
//! 0.1.0's install script is frozen in `fixtures/` (cargo pgrx ships only the current one and
//! the update scripts) and copied beside them in the installation's extension directory.

use budgetbee_e2e::{Cluster, ClusterBuilder, DB, pg_config};
use std::path::PathBuf;

fn extension_dir() -> PathBuf {
    PathBuf::from(pg_config("--sharedir")).join("extension")
}

/// Every member of the extension, with what defines it: a function's definition, comment and
/// privileges; a view's definition and privileges; anything else by name. One line each,
/// sorted, so two databases compare as text.
const MEMBERS: &str = "
SELECT string_agg(line, E'\\n' ORDER BY line) FROM (
  SELECT pg_describe_object(d.classid, d.objid, d.objsubid) || ': ' || coalesce(
    CASE d.classid
      WHEN 'pg_proc'::regclass THEN (
        SELECT pg_get_functiondef(p.oid) || ' comment ' || coalesce(obj_description(p.oid, 'pg_proc'), '-')
          || ' acl ' || coalesce(p.proacl::text, '-')
        FROM pg_proc p WHERE p.oid = d.objid)
      WHEN 'pg_class'::regclass THEN (
        SELECT pg_get_viewdef(r.oid) || ' comment ' || coalesce(obj_description(r.oid, 'pg_class'), '-')
          || ' acl ' || coalesce(r.relacl::text, '-')
        FROM pg_class r WHERE r.oid = d.objid)
    END, '') AS line
  FROM pg_depend d
  WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
    AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'budgetbee')
) m";

/// An app's objects that depend on the functions: a default and a policy, as Budget Bee's.
const APP: &str = "
CREATE TABLE notes (id int PRIMARY KEY, owner text DEFAULT uid(), org text, body text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine ON notes USING (owner = uid() OR (org = org_id() AND org_role() = 'admin'));
GRANT SELECT, INSERT ON notes TO anon;
INSERT INTO notes (id, owner, org, body) VALUES
  (1, 'u1', 'o1', 'one'), (2, 'u2', 'o1', 'two'), (3, 'u3', 'o2', 'three');
";

/// What `anon` sees and inserts under `claims`: the ids it reads after inserting row `id`.
fn as_anon(c: &Cluster, db: &str, claims: &str, id: i32) -> String {
    c.psql_db(
        db,
        &format!(
            "BEGIN; SET LOCAL ROLE anon; SELECT set_config('request.jwt.claims', '{claims}', true);
             INSERT INTO notes (id, org, body) VALUES ({id}, 'o9', 'new');
             SELECT string_agg(id || ':' || owner, ',' ORDER BY id) FROM notes; COMMIT;"
        ),
    )
    .lines()
    .rfind(|l| !l.is_empty())
    .unwrap_or_default()
    .to_string()
}

#[test]
fn an_update_from_0_1_0_ends_where_a_fresh_install_starts() {
    let c = ClusterBuilder::new("extension-upgrade").pool(1).start();
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/budgetbee--0.1.0.sql");
    std::fs::copy(&fixture, extension_dir().join("budgetbee--0.1.0.sql")).unwrap();

    c.psql_db("postgres", "CREATE DATABASE upgraded");
    c.psql_db("upgraded", "CREATE EXTENSION budgetbee VERSION '0.1.0'");
    c.psql_db("upgraded", APP);
    let language = "SELECT string_agg(p.proname || ' ' || l.lanname, ',' ORDER BY p.proname) \
         FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang \
         WHERE p.proname IN ('uid', 'org_id', 'org_role') AND p.pronamespace = 'public'::regnamespace";
    assert_eq!(
        c.psql_db("upgraded", language),
        "org_id sql,org_role sql,uid sql"
    );
    let claims = r#"{"sub":"u2","claims":{"organization_id":"o1","organization_role":"admin"}}"#;
    // Before the update: the SQL functions' answers, which the update must keep.
    let before = as_anon(&c, "upgraded", claims, 10);
    assert_eq!(before, "1:u1,2:u2,10:u2");

    c.psql_db("upgraded", "ALTER EXTENSION budgetbee UPDATE");
    let version = "SELECT extversion FROM pg_extension WHERE extname = 'budgetbee'";
    assert_eq!(c.psql_db("upgraded", version), c.psql(version));
    assert_eq!(c.psql(version), "0.2.0");
    assert_eq!(c.psql_db("upgraded", language), "org_id c,org_role c,uid c");
    let fresh = c.psql_db(DB, MEMBERS);
    assert!(
        fresh.contains("function uid(): CREATE OR REPLACE FUNCTION public.uid()")
            && fresh.contains("request_stats: ")
            && fresh.contains("LANGUAGE c"),
        "{fresh}"
    );
    assert_eq!(c.psql_db("upgraded", MEMBERS), fresh);

    // The default and the policy, made against the SQL functions, now call the C ones.
    assert_eq!(as_anon(&c, "upgraded", claims, 11), "1:u1,2:u2,10:u2,11:u2");
    let member = r#"{"sub":"u1","claims":{"organization_id":"o1","organization_role":"member"}}"#;
    assert_eq!(as_anon(&c, "upgraded", member, 12), "1:u1,12:u1");
}

/// The README's statements that give the functions their SQL bodies back: its SQL block after
/// "To go back to PostgREST", read from the README itself so that the two cannot drift apart.
fn sql_bodies() -> &'static str {
    const README: &str = include_str!("../../README.md");
    let after = &README[README
        .find("To go back to PostgREST")
        .expect("the README's way back")..];
    let block = &after[after.find("```sql\n").expect("its SQL block") + "```sql\n".len()..];
    &block[..block.find("```").expect("the block's end")]
}

#[test]
fn without_the_library_the_policies_need_the_functions_sql_bodies() {
    let c = ClusterBuilder::new("extension-unload")
        .pool(1)
        .fixture(APP)
        .start();
    let claims = r#"{"sub":"u2","claims":{"organization_id":"o1","organization_role":"admin"}}"#;
    c.restart_with("shared_preload_libraries = ''\n");
    let read = format!(
        "BEGIN; SET LOCAL ROLE anon; SELECT set_config('request.jwt.claims', '{claims}', true); \
         SELECT count(*) FROM notes; COMMIT;"
    );
    let refused = c.psql_err(DB, &read);
    assert!(
        refused.contains("budgetbee must be loaded via shared_preload_libraries"),
        "{refused}"
    );
    c.psql(sql_bodies());
    assert_eq!(as_anon(&c, DB, claims, 10), "1:u1,2:u2,10:u2");
    // Still members of the extension, which a later preload and update can take over again.
    assert_eq!(
        c.psql(
            "SELECT count(*) FROM pg_depend WHERE deptype = 'e' AND objid IN \
             ('public.uid()'::regprocedure, 'public.org_id()'::regprocedure, 'public.org_role()'::regprocedure)"
        ),
        "3"
    );
}
