//! Execution plans, as PostgREST v13 answers `Accept: application/vnd.pgrst.plan` with
//! `db-plan-enabled` (`docs/references/observability.rst` "Execution plan",
//! `test/spec/Feature/Query/PlanSpec.hs`, `src/PostgREST/MediaType.hs`, `Query/Statements.hs`
//! `mtSnippet`, `SqlFragment.hs` `explainF`): the main statement under `EXPLAIN (FORMAT
//! TEXT|JSON, <options>)`, its lines each ending in a newline, `200` with the plan's type as
//! `Content-Type` (`for="…"` always named, `options=` in PostgREST's order). The root of a
//! read is the `Aggregate` that builds the body. With `verbose`, Postgres adds the statement's
//! `Query Identifier` (here `compute_query_id = on`); with `settings`, the non-default settings
//! that affect planning, the request's `search_path` among them. Off (the default) it is 406,
//! tested in `media_handlers.rs`.
//!
//! Not from v13: `analyze` of a write or a call never keeps what it did (v13 commits it unless
//! the transaction is rolled back by `db-tx-end` / `Prefer: tx=rollback`).

use budgetbee_e2e::{Cluster, ClusterBuilder, Conn, HttpResponse};
use serde_json::{Value, json};
use std::sync::OnceLock;

const FIXTURE: &str = r#"
CREATE TABLE clients (id int PRIMARY KEY, name text);
INSERT INTO clients VALUES (1, 'Microsoft'), (2, 'Apple');
CREATE TABLE projects (id int PRIMARY KEY, name text, client_id int REFERENCES clients(id));
INSERT INTO projects VALUES (1, 'Windows 7', 1), (2, 'Windows 10', 1), (3, 'IOS', 2);
CREATE VIEW projects_view AS SELECT * FROM projects;
CREATE FUNCTION getallprojects() RETURNS SETOF projects LANGUAGE sql STABLE AS $$ SELECT * FROM projects $$;
CREATE FUNCTION add_project(id int, name text) RETURNS int LANGUAGE sql AS
$$ INSERT INTO projects VALUES (id, name, NULL) RETURNING id $$;
CREATE DOMAIN "text/plain" AS text;
CREATE FUNCTION welcome() RETURNS "text/plain" LANGUAGE sql STABLE AS $$ SELECT 'Welcome' $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO anon;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("plans")
            .pool(2)
            .setting("budgetbee.db_plan_enabled", "on")
            .setting("compute_query_id", "on")
            .fixture(FIXTURE)
            .start()
    })
}

fn send(method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> HttpResponse {
    Conn::open(cluster().http_port).send_body(method, path, headers, body.map(str::as_bytes))
}

fn plan_of(method: &str, path: &str, accept: &str, body: Option<&str>) -> (HttpResponse, Value) {
    let r = send(
        method,
        path,
        &[("Accept", accept), ("Content-Type", "application/json")],
        body,
    );
    assert_eq!(r.status, 200, "{method} {path}: {}", r.text());
    assert!(r.text().ends_with("]\n"), "{}", r.text());
    let v = r.json();
    (r, v)
}

fn node_type(v: &Value) -> &str {
    v[0]["Plan"]["Node Type"].as_str().unwrap_or_default()
}

#[test]
fn read_plans() {
    // PlanSpec "outputs the total cost for a single filter on a table".
    let (r, v) = plan_of(
        "GET",
        "/projects?id=in.(1,2,3)",
        "application/vnd.pgrst.plan+json",
        None,
    );
    assert_eq!(
        r.header("Content-Type"),
        Some("application/vnd.pgrst.plan+json; for=\"application/json\"; charset=utf-8")
    );
    assert_eq!(node_type(&v), "Aggregate");
    assert!(v[0]["Plan"]["Total Cost"].as_f64().unwrap() > 0.0);
    // No range, no preferences: the plan's type alone.
    assert_eq!(r.header("Content-Range"), None);
    assert_eq!(r.header("Content-Location"), None);

    // PlanSpec "outputs the total cost for a single filter on a view".
    let (_, v) = plan_of(
        "GET",
        "/projects_view?id=gt.2",
        "application/vnd.pgrst.plan+json",
        None,
    );
    assert_eq!(node_type(&v), "Aggregate");

    // PlanSpec "outputs columns info when using the verbose option".
    let (r, v) = plan_of(
        "GET",
        "/projects",
        "application/vnd.pgrst.plan+json; options=verbose",
        None,
    );
    assert_eq!(
        r.header("Content-Type"),
        Some(
            "application/vnd.pgrst.plan+json; for=\"application/json\"; options=verbose; charset=utf-8"
        )
    );
    assert_eq!(
        v[0]["Plan"]["Plans"][0]["Output"],
        json!(["projects.id", "projects.name", "projects.client_id"])
    );
    // PlanSpec "outputs the plan for application/json".
    assert_eq!(
        v[0]["Plan"]["Output"][2],
        json!(
            "COALESCE(json_agg(ROW(projects.id, projects.name, projects.client_id)), '[]'::json)"
        )
    );
    // Postgres names the statement when it computes query identifiers.
    assert!(v[0]["Query Identifier"].is_i64(), "{v}");

    // PlanSpec "outputs the plan for application/vnd.pgrst.object".
    let (r, v) = plan_of(
        "GET",
        "/projects_view",
        "application/vnd.pgrst.plan+json; for=\"application/vnd.pgrst.object\"; options=verbose",
        None,
    );
    assert_eq!(
        r.header("Content-Type"),
        Some(
            "application/vnd.pgrst.plan+json; for=\"application/vnd.pgrst.object+json\"; options=verbose; charset=utf-8"
        )
    );
    assert_eq!(
        v[0]["Plan"]["Output"][2],
        json!(
            "COALESCE((json_agg(ROW(projects.id, projects.name, projects.client_id)) -> 0), 'null'::json)"
        )
    );

    // PlanSpec "outputs the search path when using the settings option".
    let (r, v) = plan_of(
        "GET",
        "/projects",
        "application/vnd.pgrst.plan+json; options=settings",
        None,
    );
    assert_eq!(
        r.header("Content-Type"),
        Some(
            "application/vnd.pgrst.plan+json; for=\"application/json\"; options=settings; charset=utf-8"
        )
    );
    assert_eq!(
        v[0]["Settings"]["search_path"],
        json!("\"public\", \"public\"")
    );

    // PlanSpec "outputs blocks info when using the buffers option" and "outputs WAL info
    // when using the wal option"; the options come in PostgREST's order whatever was sent.
    let (r, v) = plan_of(
        "GET",
        "/projects",
        "application/vnd.pgrst.plan+json; options=wal|analyze|buffers",
        None,
    );
    assert_eq!(
        r.header("Content-Type"),
        Some(
            "application/vnd.pgrst.plan+json; for=\"application/json\"; options=analyze|buffers|wal; charset=utf-8"
        )
    );
    assert!(v[0]["Plan"]["Shared Hit Blocks"].is_number(), "{v}");
    assert_eq!(v[0]["Plan"]["WAL Records"], json!(0));
    assert_eq!(v[0]["Plan"]["Actual Rows"], json!(1));

    // The plan for another representation.
    let (r, v) = plan_of(
        "GET",
        "/projects",
        "application/vnd.pgrst.plan+json; for=\"text/csv\"; options=verbose",
        None,
    );
    assert_eq!(
        r.header("Content-Type"),
        Some("application/vnd.pgrst.plan+json; for=\"text/csv\"; options=verbose; charset=utf-8")
    );
    assert!(
        v[0]["Plan"]["Output"][2]
            .as_str()
            .unwrap()
            .contains("string_agg"),
        "{v}"
    );
}

#[test]
fn text_plans() {
    // PlanSpec "text format": "outputs the total cost for a function call" and "outputs in
    // text format by default".
    for accept in [
        "application/vnd.pgrst.plan+text",
        "application/vnd.pgrst.plan",
    ] {
        let r = send(
            "GET",
            "/projects?id=in.(1,2,3)",
            &[("Accept", accept)],
            None,
        );
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("Content-Type"),
            Some("application/vnd.pgrst.plan+text; for=\"application/json\"; charset=utf-8")
        );
        let text = r.text();
        assert!(text.starts_with("Aggregate  (cost="), "{text}");
        assert!(text.ends_with('\n') && text.lines().count() > 1, "{text}");
    }
}

#[test]
fn write_plans_keep_nothing() {
    // PlanSpec "outputs the total cost for an insert".
    let (r, v) = plan_of(
        "POST",
        "/projects",
        "application/vnd.pgrst.plan+json",
        Some(r#"{"id":100, "name": "Project 100"}"#),
    );
    assert_eq!(
        r.header("Content-Type"),
        Some("application/vnd.pgrst.plan+json; for=\"application/json\"; charset=utf-8")
    );
    assert_eq!(node_type(&v), "Aggregate");
    // analyze runs the insert; it is not kept.
    let (_, v) = plan_of(
        "POST",
        "/projects",
        "application/vnd.pgrst.plan+json; options=analyze",
        Some(r#"{"id":101, "name": "Project 101"}"#),
    );
    assert_eq!(v[0]["Plan"]["Actual Rows"], json!(1));
    // PlanSpec "outputs the total cost for an update" / "for a delete" / "for a single
    // upsert", here analyzed.
    let (_, v) = plan_of(
        "PATCH",
        "/projects?id=eq.3",
        "application/vnd.pgrst.plan+json; options=analyze",
        Some(r#"{"name": "Patched Project"}"#),
    );
    assert_eq!(node_type(&v), "Aggregate");
    let (_, v) = plan_of(
        "DELETE",
        "/projects?id=in.(1,2,3)",
        "application/vnd.pgrst.plan+json; options=analyze",
        None,
    );
    assert_eq!(node_type(&v), "Aggregate");
    let (_, v) = plan_of(
        "PUT",
        "/projects?id=eq.1",
        "application/vnd.pgrst.plan+json; options=analyze",
        Some(r#"{"id":1,"name":"Put","client_id":1}"#),
    );
    assert_eq!(node_type(&v), "Aggregate");
    // PlanSpec "outputs the plan for application/vnd.pgrst.object" (a delete with a
    // representation): the body is the fourth column, after the location.
    let r = send(
        "DELETE",
        "/projects?id=eq.2",
        &[
            ("Prefer", "return=representation"),
            (
                "Accept",
                "application/vnd.pgrst.plan+json; for=\"application/vnd.pgrst.object\"; options=verbose|analyze",
            ),
        ],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(
        v[0]["Plan"]["Output"][3],
        json!(
            "COALESCE((json_agg(ROW(projects.id, projects.name, projects.client_id)) -> 0), 'null'::json)"
        ),
        "{v}"
    );
    // A call that writes, analyzed.
    let (_, v) = plan_of(
        "POST",
        "/rpc/add_project",
        "application/vnd.pgrst.plan+json; options=analyze",
        Some(r#"{"id":102, "name": "Project 102"}"#),
    );
    assert_eq!(node_type(&v), "Aggregate");
    assert_eq!(
        cluster().psql("SELECT string_agg(id || '=' || name, ',' ORDER BY id) FROM projects"),
        "1=Windows 7,2=Windows 10,3=IOS"
    );
    // Even with tx=commit allowed to be asked for (the default db_tx_end does not let it).
    let r = send(
        "POST",
        "/projects",
        &[
            ("Accept", "application/vnd.pgrst.plan; options=analyze"),
            ("Prefer", "tx=commit, return=representation"),
        ],
        Some(r#"{"id":103, "name": "Project 103"}"#),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Preference-Applied"), None);
    assert_eq!(
        cluster().psql("SELECT count(*) FROM projects WHERE id >= 100"),
        "0"
    );
}

#[test]
fn call_plans() {
    // PlanSpec "outputs the total cost for a function call".
    let (r, v) = plan_of(
        "GET",
        "/rpc/getallprojects?id=in.(1,2,3)",
        "application/vnd.pgrst.plan+json",
        None,
    );
    assert_eq!(
        r.header("Content-Type"),
        Some("application/vnd.pgrst.plan+json; for=\"application/json\"; charset=utf-8")
    );
    assert_eq!(node_type(&v), "Aggregate");
    // The plan for a media type a function returns.
    let (r, _) = plan_of(
        "GET",
        "/rpc/welcome",
        "application/vnd.pgrst.plan+json; for=\"text/plain\"",
        None,
    );
    assert_eq!(
        r.header("Content-Type"),
        Some("application/vnd.pgrst.plan+json; for=\"text/plain\"; charset=utf-8")
    );
    // A type nothing produces is not planned either.
    let r = send(
        "GET",
        "/projects",
        &[("Accept", "application/vnd.pgrst.plan; for=\"text/plain\"")],
        None,
    );
    assert_eq!(r.status, 406);
    assert_eq!(
        r.text(),
        r#"{"code":"PGRST107","details":null,"hint":null,"message":"None of these media types are available: application/vnd.pgrst.plan+text; for=\"text/plain\""}"#
    );
}
