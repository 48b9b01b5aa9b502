//! `Prefer: timezone=` and `Preference-Applied: tx=` as PostgREST v13 answers them
//! (`test/spec/Feature/Query/PreferencesSpec.hs`, `src/PostgREST/ApiRequest/Preferences.hs`
//! `fromHeaders` / `prefAppliedHeader`, `src/PostgREST/Response.hs` `actionResponse`,
//! `src/PostgREST/Query.hs` `setPgLocals`):
//!
//! - a time zone `pg_timezone_names` knows is the transaction's `timezone` and is echoed after
//!   `handling=`; an unknown one is an invalid preference: ignored (and not echoed) unless
//!   `handling=strict`, which answers 400 PGRST122;
//! - `tx=commit|rollback` is echoed by reads, inserts, updates, upserts, deletes and calls alike
//!   when `db-tx-end` lets the client choose (`-allow-override`), and by none otherwise.
//!
//! The spec's configuration: `db-tx-end = rollback-allow-override`, the server's zone UTC.

use budgetbee_e2e::{ABSENT, Case, Cluster, ClusterBuilder, WriteCase, run_cases, run_write_cases};
use std::sync::OnceLock;

const FIXTURE: &str = r#"
CREATE TABLE timestamps (t timestamptz);
INSERT INTO timestamps VALUES
  ('2023-10-18 12:37:59.611+00'), ('2023-10-18 14:37:59.611+00'), ('2023-10-18 16:37:59.611+00');
CREATE TABLE items (id int PRIMARY KEY, v text);
INSERT INTO items VALUES (1, 'one'), (2, 'two');
CREATE FUNCTION current_zone() RETURNS text LANGUAGE sql STABLE AS $$ SELECT current_setting('timezone') $$;
CREATE FUNCTION add_item(id int, v text) RETURNS int LANGUAGE sql AS
$$ INSERT INTO items VALUES (id, v) RETURNING id $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON timestamps, items TO anon;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("preferences")
            .pool(1)
            .setting("timezone", "UTC")
            .setting("budgetbee.db_tx_end", "rollback-allow-override")
            .fixture(FIXTURE)
            .start()
    })
}

/// `db_tx_end = commit`: the client may not choose, so nothing is echoed.
fn committing_cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("preferences-commit")
            .pool(1)
            .setting("timezone", "UTC")
            .fixture(FIXTURE)
            .start()
    })
}

const JSON: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");
// PostgreSQL's json_agg separates rows with ", \n " (PostgREST sends its text as is).
const LOS_ANGELES: &str = "[{\"t\":\"2023-10-18T05:37:59.611-07:00\"}, \n {\"t\":\"2023-10-18T07:37:59.611-07:00\"}, \n {\"t\":\"2023-10-18T09:37:59.611-07:00\"}]";
const UTC: &str = "[{\"t\":\"2023-10-18T12:37:59.611+00:00\"}, \n {\"t\":\"2023-10-18T14:37:59.611+00:00\"}, \n {\"t\":\"2023-10-18T16:37:59.611+00:00\"}]";

#[test]
fn timezone() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "should change timezone with handling=strict",
                method: "GET",
                path: "/timestamps",
                headers: &[("Prefer", "handling=strict, timezone=America/Los_Angeles")],
                status: 200,
                expect_headers: &[
                    JSON,
                    (
                        "Preference-Applied",
                        "handling=strict, timezone=America/Los_Angeles",
                    ),
                ],
                body: LOS_ANGELES,
            },
            Case {
                name: "should change timezone without handling=strict",
                method: "GET",
                path: "/timestamps",
                headers: &[("Prefer", "timezone=America/Los_Angeles")],
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", "timezone=America/Los_Angeles")],
                body: LOS_ANGELES,
            },
            Case {
                name: "the zone lasts one transaction",
                method: "GET",
                path: "/timestamps",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", ABSENT)],
                body: UTC,
            },
            Case {
                name: "an unknown zone with handling=strict is PGRST122",
                method: "GET",
                path: "/timestamps",
                headers: &[("Prefer", "handling=strict, timezone=Invalid/Timezone")],
                status: 400,
                expect_headers: &[JSON, ("Preference-Applied", ABSENT)],
                body: r#"{"code":"PGRST122","details":"Invalid preferences: timezone=Invalid/Timezone","hint":null,"message":"Invalid preferences given with handling=strict"}"#,
            },
            Case {
                name: "an unknown zone is ignored without handling",
                method: "GET",
                path: "/timestamps",
                headers: &[("Prefer", "timezone=Invalid/Timezone")],
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", ABSENT)],
                body: UTC,
            },
            Case {
                name: "an unknown zone is ignored with handling=lenient",
                method: "GET",
                path: "/timestamps",
                headers: &[("Prefer", "handling=lenient, timezone=Invalid/Timezone")],
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", "handling=lenient")],
                body: UTC,
            },
            Case {
                name: "names are matched exactly, as pg_timezone_names has them",
                method: "GET",
                path: "/timestamps",
                headers: &[("Prefer", "handling=strict, timezone=america/los_angeles")],
                status: 400,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST122","details":"Invalid preferences: timezone=america/los_angeles","hint":null,"message":"Invalid preferences given with handling=strict"}"#,
            },
            Case {
                name: "the first timezone= counts",
                method: "GET",
                path: "/timestamps",
                headers: &[(
                    "Prefer",
                    "timezone=America/Los_Angeles, timezone=Asia/Tokyo",
                )],
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", "timezone=America/Los_Angeles")],
                body: LOS_ANGELES,
            },
            Case {
                name: "a call runs in the zone",
                method: "GET",
                path: "/rpc/current_zone",
                headers: &[("Prefer", "timezone=Asia/Tokyo")],
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", "timezone=Asia/Tokyo")],
                body: r#""Asia/Tokyo""#,
            },
        ],
    );
    run_write_cases(
        cluster(),
        &[WriteCase {
            name: "a write echoes the zone after its other preferences",
            method: "PATCH",
            path: "/timestamps?t=eq.2023-10-18T05:37:59.611-07:00",
            headers: &[(
                "Prefer",
                "return=representation, timezone=America/Los_Angeles, tx=commit",
            )],
            request_body: r#"{"t":"2023-10-18T06:00:00-07:00"}"#,
            status: 200,
            expect_headers: &[(
                "Preference-Applied",
                "return=representation, tx=commit, timezone=America/Los_Angeles",
            )],
            body: r#"[{"t":"2023-10-18T06:00:00-07:00"}]"#,
            check: (
                "SELECT count(*) FROM timestamps WHERE t = '2023-10-18 13:00:00+00'",
                "1",
            ),
        }],
    );
}

#[test]
fn tx_is_echoed_by_every_action() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "GET with tx=commit",
                method: "GET",
                path: "/items?id=eq.1",
                headers: &[("Prefer", "tx=commit")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", "tx=commit")],
                body: r#"[{"id":1,"v":"one"}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "GET with count=exact and tx=rollback",
                method: "GET",
                path: "/items?id=eq.1",
                headers: &[("Prefer", "tx=rollback, count=exact")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/1"),
                    ("Preference-Applied", "count=exact, tx=rollback"),
                ],
                body: r#"[{"id":1,"v":"one"}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a call with tx=rollback keeps nothing",
                method: "POST",
                path: "/rpc/add_item",
                headers: &[("Prefer", "tx=rollback")],
                request_body: r#"{"id":3,"v":"three"}"#,
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", "tx=rollback")],
                body: "3",
                check: ("SELECT count(*) FROM items WHERE id = 3", "0"),
            },
            WriteCase {
                name: "a call with tx=commit keeps it",
                method: "POST",
                path: "/rpc/add_item",
                headers: &[("Prefer", "tx=commit")],
                request_body: r#"{"id":4,"v":"four"}"#,
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", "tx=commit")],
                body: "4",
                check: ("SELECT count(*) FROM items WHERE id = 4", "1"),
            },
            WriteCase {
                name: "PUT with tx=commit",
                method: "PUT",
                path: "/items?id=eq.5",
                headers: &[("Prefer", "tx=commit")],
                request_body: r#"{"id":5,"v":"five"}"#,
                status: 204,
                expect_headers: &[("Preference-Applied", "tx=commit")],
                body: "",
                check: ("SELECT v FROM items WHERE id = 5", "five"),
            },
            WriteCase {
                name: "DELETE with tx=rollback",
                method: "DELETE",
                path: "/items?id=eq.5",
                headers: &[("Prefer", "tx=rollback")],
                request_body: "",
                status: 204,
                expect_headers: &[("Preference-Applied", "tx=rollback")],
                body: "",
                check: ("SELECT v FROM items WHERE id = 5", "five"),
            },
            WriteCase {
                name: "without tx= nothing is echoed (and the default rolls back)",
                method: "DELETE",
                path: "/items?id=eq.5",
                headers: &[],
                request_body: "",
                status: 204,
                expect_headers: &[("Preference-Applied", ABSENT)],
                body: "",
                check: ("SELECT v FROM items WHERE id = 5", "five"),
            },
        ],
    );
    // db_tx_end = commit: the preference is not the client's to give, so it is neither
    // honoured nor echoed.
    run_write_cases(
        committing_cluster(),
        &[
            WriteCase {
                name: "GET with tx=rollback under commit",
                method: "GET",
                path: "/items?id=eq.1",
                headers: &[("Prefer", "tx=rollback")],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", ABSENT)],
                body: r#"[{"id":1,"v":"one"}]"#,
                check: ("", ""),
            },
            WriteCase {
                name: "a call with tx=rollback under commit commits",
                method: "POST",
                path: "/rpc/add_item",
                headers: &[("Prefer", "tx=rollback")],
                request_body: r#"{"id":6,"v":"six"}"#,
                status: 200,
                expect_headers: &[JSON, ("Preference-Applied", ABSENT)],
                body: "6",
                check: ("SELECT count(*) FROM items WHERE id = 6", "1"),
            },
        ],
    );
}
