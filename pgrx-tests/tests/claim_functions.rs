//! `uid()`, `org_id()` and `org_role()`, the claims as Budget Bee's policies read them. They are
//! C functions that keep their answers per claims text; these cases hold them to the SQL
//! definitions they replaced (`nullif(current_setting('request.jwt.claims', true), '')::jsonb
//! ->> 'sub'` and so on), evaluated by Postgres itself beside them.

use budgetbee_e2e::{Cluster, ClusterBuilder, DB};

/// The definitions the functions must agree with, as SQL expressions.
const SQL_UID: &str = "coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', \
     nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'user_id')";
const SQL_ORG_ID: &str = "nullif(current_setting('request.jwt.claims', true), '')::jsonb -> 'claims' ->> 'organization_id'";
const SQL_ORG_ROLE: &str = "nullif(current_setting('request.jwt.claims', true), '')::jsonb -> 'claims' ->> 'organization_role'";

fn cluster(name: &str) -> Cluster {
    ClusterBuilder::new(name).pool(1).start()
}

/// `uid|org_id|org_role` for `claims` (None: the setting never set), NULL shown as `∅`.
fn answers(c: &Cluster, claims: Option<&str>, select: [&str; 3]) -> String {
    let set = claims.map_or(String::new(), |v| {
        format!(
            "SELECT set_config('request.jwt.claims', {}, false);",
            literal(v)
        )
    });
    let [a, b, d] = select.map(|e| format!("coalesce(({e}), '∅')"));
    let out = c.psql(&format!("{set} SELECT {a} || '|' || {b} || '|' || {d}"));
    out.lines().last().unwrap_or_default().to_string()
}

fn literal(v: &str) -> String {
    format!("'{}'", v.replace('\'', "''"))
}

#[test]
fn answers_are_the_sql_definitions_answers() {
    let c = cluster("claimfns");
    // (claims, uid|org_id|org_role as the SQL definitions give them)
    let cases: &[(Option<&str>, &str)] = &[
        (None, "∅|∅|∅"),
        (Some(""), "∅|∅|∅"),
        (Some("{}"), "∅|∅|∅"),
        (Some("[]"), "∅|∅|∅"),
        (Some("5"), "∅|∅|∅"),
        (Some("null"), "∅|∅|∅"),
        (
            Some(r#"{"sub":"u1","claims":{"organization_id":"o1","organization_role":"admin"}}"#),
            "u1|o1|admin",
        ),
        (Some(r#"{"user_id":"u2"}"#), "u2|∅|∅"),
        (Some(r#"{"sub":null,"user_id":"u3"}"#), "u3|∅|∅"),
        (Some(r#"{"sub":7}"#), "7|∅|∅"),
        (Some(r#"{"sub":1.50}"#), "1.50|∅|∅"),
        (Some(r#"{"sub":{"a":[1,2]}}"#), r#"{"a": [1, 2]}|∅|∅"#),
        (Some(r#"{"sub":"a","sub":"b"}"#), "b|∅|∅"),
        (Some(r#"{"claims":[1]}"#), "∅|∅|∅"),
        (Some(r#"{"claims":"s"}"#), "∅|∅|∅"),
        (
            Some(r#"{"claims":{"organization_id":{"x":1}}}"#),
            r#"∅|{"x": 1}|∅"#,
        ),
        (Some(r#"{"sub":"caf\u00e9 \"q\""}"#), "café \"q\"|∅|∅"),
    ];
    for (claims, expected) in cases {
        let reference = answers(&c, *claims, [SQL_UID, SQL_ORG_ID, SQL_ORG_ROLE]);
        assert_eq!(&reference, expected, "the SQL definitions, for {claims:?}");
        let got = answers(&c, *claims, ["uid()", "org_id()", "org_role()"]);
        assert_eq!(&got, expected, "uid()|org_id()|org_role() for {claims:?}");
    }
    c.stop_fast();
}

#[test]
fn a_new_claims_text_gets_new_answers_within_one_session() {
    let c = cluster("claimfns-change");
    let out = c.psql(
        r#"SELECT set_config('request.jwt.claims', '{"sub":"a","claims":{"organization_id":"o1"}}', false);
           SELECT uid() || org_id();
           SELECT set_config('request.jwt.claims', '{"sub":"b","claims":{"organization_id":"o2"}}', false);
           SELECT uid() || org_id();
           SELECT set_config('request.jwt.claims', '{"sub":"c"}', false);
           SELECT coalesce(uid() || org_id(), uid() || '-');
           SELECT set_config('request.jwt.claims', '{"sub":"a","claims":{"organization_id":"o1"}}', false);
           SELECT uid() || org_id();"#,
    );
    let answers: Vec<&str> = out.lines().filter(|l| !l.starts_with('{')).collect();
    assert_eq!(answers, ["ao1", "bo2", "c-", "ao1"], "{out}");
    c.stop_fast();
}

#[test]
fn claims_that_are_not_json_raise_jsonbs_own_error() {
    let c = cluster("claimfns-err");
    for f in ["uid()", "org_id()", "org_role()"] {
        let err = c.psql_err(
            DB,
            &format!(r#"SELECT set_config('request.jwt.claims', '{{"sub":', false); SELECT {f}"#),
        );
        assert!(
            err.contains("ERROR:  invalid input syntax for type json")
                && err.contains("DETAIL:  The input string ended unexpectedly."),
            "{f}: {err}"
        );
    }
    c.stop_fast();
}

#[test]
fn policies_see_each_rows_claims_in_a_scan() {
    // One statement, many rows: the kept answer is the one for the claims in force.
    let c = ClusterBuilder::new("claimfns-rls")
        .pool(1)
        .fixture(
            "CREATE TABLE notes (id int, owner text);
             INSERT INTO notes SELECT g, 'u' || (g % 3) FROM generate_series(1, 3000) g;
             ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
             CREATE POLICY mine ON notes TO anon USING (owner = uid());
             GRANT SELECT ON notes TO anon;",
        )
        .start();
    let out = c.psql(
        r#"SET ROLE anon;
           SELECT set_config('request.jwt.claims', '{"sub":"u1"}', false);
           SELECT count(*) || ':' || min(owner) || max(owner) FROM notes;
           SELECT set_config('request.jwt.claims', '{"sub":"u2"}', false);
           SELECT count(*) || ':' || min(owner) || max(owner) FROM notes;"#,
    );
    let counts: Vec<&str> = out.lines().filter(|l| !l.starts_with('{')).collect();
    assert_eq!(counts, ["1000:u1u1", "1000:u2u2"], "{out}");

    // The same scan in parallel workers, which load the functions afresh and get the claims
    // with the leader's settings.
    let parallel = "SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0;
        SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; SET ROLE anon;
        SELECT set_config('request.jwt.claims', '{\"sub\":\"u0\"}', false);";
    let plan = c.psql(&format!(
        "{parallel} EXPLAIN (COSTS OFF) SELECT count(*) FROM notes"
    ));
    assert!(plan.contains("Parallel Seq Scan on notes"), "{plan}");
    let out = c.psql(&format!(
        "{parallel} SELECT count(*) || ':' || min(owner) || max(owner) FROM notes"
    ));
    assert_eq!(out.lines().last(), Some("1000:u0u0"), "{out}");
    c.stop_fast();
}
