//! Hot standbys serve the API: a primary and two streaming standbys on loopback, each with its
//! own workers. Reads of rows written through the primary's API are served by each standby
//! once replayed; a table created on the primary is served by the standbys without any step
//! (its invalidations are replayed); a write to a standby gets budgetbee's 405 PGRST901 without
//! running anything; a query cancelled by replay is 503 with `Retry-After`, and the worker
//! serves on; promotion makes a standby writable without a restart. Tokens and row-level
//! security work the same on every server.

use budgetbee_e2e::{Cluster, ClusterBuilder, Conn, HttpResponse, eventually};
use jsonwebtoken::{EncodingKey, Header};
use std::time::Duration;

const SECRET: &str = "reallyreallyreallyreallyverysafe";

const FIXTURE: &str = r#"
CREATE ROLE member NOLOGIN;
GRANT member TO authenticator;
CREATE TABLE notes (id int PRIMARY KEY, note text);
GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO anon;
CREATE TABLE diary (id int PRIMARY KEY, owner text NOT NULL, entry text);
ALTER TABLE diary ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON diary USING (owner = current_setting('request.jwt.claims', true)::json->>'sub');
GRANT SELECT ON diary TO member;
INSERT INTO diary VALUES (1, 'ann', 'mine'), (2, 'bob', 'his');
CREATE FUNCTION note_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM notes';
CREATE FUNCTION add_note(id int, note text) RETURNS int LANGUAGE sql VOLATILE
  AS 'INSERT INTO notes VALUES (add_note.id, add_note.note) RETURNING id';
CREATE VIEW slow_notes AS SELECT n.id FROM notes n, pg_sleep(5);
GRANT SELECT ON slow_notes TO anon;
"#;

fn token(sub: &str) -> String {
    let claims = serde_json::json!({ "role": "member", "sub": sub });
    jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

fn get(c: &Cluster, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
    Conn::open(c.http_port).send("GET", path, headers)
}

fn send(c: &Cluster, method: &str, path: &str, body: &str) -> HttpResponse {
    Conn::open(c.http_port).send_body(
        method,
        path,
        &[("Content-Type", "application/json")],
        Some(body.as_bytes()),
    )
}

fn body(r: &HttpResponse) -> (u16, String) {
    (r.status, r.text())
}

fn standby_refusal(method_path: &str, hint: &str) -> String {
    format!(
        r#"{{"code":"PGRST901","details":"{method_path} writes; a standby serves GET and HEAD, and POST calls of STABLE or IMMUTABLE functions.","hint":"{hint}","message":"This server is a read-only hot standby: it cannot run a request that writes."}}"#
    )
}

#[test]
fn standbys_serve_reads_follow_the_primary_and_refuse_writes() {
    let primary = ClusterBuilder::new("standby-primary")
        .pool(2)
        .setting("budgetbee.jwt_secret", SECRET)
        .fixture(FIXTURE)
        .start();
    let primary_url = format!("http://127.0.0.1:{}", primary.http_port);
    let s1 = primary.standby(
        "s1",
        2,
        &[
            ("budgetbee.primary_url", &primary_url),
            ("max_standby_streaming_delay", "100ms"),
        ],
    );
    let s2 = primary.standby("s2", 2, &[]);
    for s in [&s1, &s2] {
        assert_eq!(s.psql("SELECT pg_is_in_recovery()"), "t");
    }

    // A row written through the primary's API is read through each standby's.
    let r = send(&primary, "POST", "/notes", r#"{"id":1,"note":"first"}"#);
    assert_eq!(r.status, 201, "{}", r.text());
    for s in [&s1, &s2] {
        assert!(
            eventually(Duration::from_secs(10), || body(&get(s, "/notes", &[]))
                == (200, r#"[{"id":1,"note":"first"}]"#.to_string())),
            "{:?}",
            body(&get(s, "/notes", &[]))
        );
        let r = s.request("HEAD", "/notes", &[]);
        assert_eq!((r.status, r.header("Content-Range")), (200, Some("0-0/*")));
        let r = get(
            s,
            "/notes?select=note&id=eq.1",
            &[("Accept", "application/vnd.pgrst.object+json")],
        );
        assert_eq!(body(&r), (200, r#"{"note":"first"}"#.to_string()));
        // STABLE calls, by POST and by GET.
        let r = send(s, "POST", "/rpc/note_count", "{}");
        assert_eq!(body(&r), (200, "1".to_string()));
        assert_eq!(
            body(&get(s, "/rpc/note_count", &[])),
            (200, "1".to_string())
        );
        // The same tokens and the same row-level security.
        let ann = format!("Bearer {}", token("ann"));
        let r = get(s, "/diary", &[("Authorization", &ann)]);
        assert_eq!(
            body(&r),
            (
                200,
                r#"[{"id":1,"owner":"ann","entry":"mine"}]"#.to_string()
            )
        );
        let r = get(s, "/diary", &[("Authorization", "Bearer not.a.token")]);
        assert_eq!(r.status, 401, "{}", r.text());
        assert_eq!(r.json()["code"], "PGRST301");
    }

    // DDL on the primary: the standbys serve the new table without any step.
    primary.psql(
        "CREATE TABLE fresh (id int); INSERT INTO fresh VALUES (7); GRANT SELECT ON fresh TO anon;",
    );
    for s in [&s1, &s2] {
        assert!(
            eventually(Duration::from_secs(10), || body(&get(s, "/fresh", &[]))
                == (200, r#"[{"id":7}]"#.to_string())),
            "{:?}",
            body(&get(s, "/fresh", &[]))
        );
    }

    // Writes to a standby: refused before anything runs, the primary named when configured.
    let to_primary = format!("Send it to the primary, {primary_url} (see Location).");
    let cases: &[(&str, &str, &str, &str)] = &[
        ("POST", "/notes", r#"{"id":2,"note":"x"}"#, "POST /notes"),
        ("PATCH", "/notes?id=eq.1", r#"{"note":"y"}"#, "PATCH /notes"),
        ("DELETE", "/notes?id=eq.1", "", "DELETE /notes"),
        (
            "PUT",
            "/notes?id=eq.1",
            r#"{"id":1,"note":"z"}"#,
            "PUT /notes",
        ),
        (
            "POST",
            "/rpc/add_note",
            r#"{"id":3,"note":"w"}"#,
            "POST /rpc/add_note",
        ),
    ];
    for (method, path, payload, shown) in cases {
        let r = send(&s1, method, path, payload);
        assert_eq!(
            body(&r),
            (405, standby_refusal(shown, &to_primary)),
            "{method} {path}"
        );
        assert_eq!(
            r.header("Content-Type"),
            Some("application/json; charset=utf-8")
        );
        assert_eq!(r.header("Proxy-Status"), Some("PostgREST; error=PGRST901"));
        let canonical = path.split('?').next().unwrap().to_string()
            + &path
                .find('?')
                .map_or(String::new(), |i| path[i..].to_string());
        assert_eq!(
            r.header("Location"),
            Some(format!("{primary_url}{canonical}").as_str()),
            "{method} {path}"
        );
        let r = send(&s2, method, path, payload);
        assert_eq!(
            body(&r),
            (
                405,
                standby_refusal(shown, "Send it to the primary server.")
            ),
        );
        assert_eq!(r.header("Location"), None);
    }
    assert_eq!(primary.psql("SELECT count(*) FROM notes"), "1");

    // A query that replay must cancel: 503 with Retry-After, and the worker serves on.
    let port = s1.http_port;
    let slow = std::thread::spawn(move || Conn::open(port).send("GET", "/slow_notes", &[]));
    assert!(
        eventually(Duration::from_secs(10), || s1.psql(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'budgetbee' \
             AND wait_event = 'PgSleep'"
        ) == "1"),
        "the slow read never ran"
    );
    // An ACCESS EXCLUSIVE lock, replayed, conflicts with the read's lock.
    primary.psql("ALTER TABLE notes ADD COLUMN extra int");
    let r = slow.join().unwrap();
    assert_eq!(
        body(&r),
        (
            503,
            r#"{"code":"40001","details":"User was holding a relation lock for too long.","hint":null,"message":"canceling statement due to conflict with recovery"}"#
                .to_string()
        )
    );
    assert_eq!(r.header("Retry-After"), Some("1"));
    assert!(eventually(Duration::from_secs(10), || body(&get(
        &s1,
        "/notes?select=id,extra",
        &[]
    )) == (
        200,
        r#"[{"id":1,"extra":null}]"#.to_string()
    )));

    // budgetbee.reload_schema() and reload_jwks() work on a standby too.
    let generations = |c: &Cluster| -> Vec<i64> {
        c.psql("SELECT string_agg(schema_cache_generation::text, ',' ORDER BY worker) FROM budgetbee.status()")
            .split(',')
            .map(|g| g.parse().unwrap())
            .collect()
    };
    let before = generations(&s2);
    s2.psql("SELECT budgetbee.reload_schema(), budgetbee.reload_jwks()");
    assert!(
        eventually(Duration::from_secs(10), || {
            assert_eq!(get(&s2, "/notes?select=id", &[]).status, 200);
            generations(&s2)
                .iter()
                .zip(&before)
                .all(|(now, was)| now > was)
        }),
        "not every worker reloaded its schema cache: {before:?} → {:?}",
        generations(&s2)
    );

    // Promotion: the standby's workers serve writes without a restart.
    let before: String = s2.psql("SELECT string_agg(pid::text, ',' ORDER BY pid) FROM pg_stat_activity WHERE backend_type = 'budgetbee'");
    s2.promote();
    assert_eq!(s2.psql("SELECT pg_is_in_recovery()"), "f");
    let r = send(&s2, "POST", "/notes", r#"{"id":5,"note":"promoted"}"#);
    assert_eq!(r.status, 201, "{}", r.text());
    let r = send(&s2, "POST", "/rpc/add_note", r#"{"id":6,"note":"called"}"#);
    assert_eq!(body(&r), (200, "6".to_string()));
    assert_eq!(
        s2.psql("SELECT string_agg(pid::text, ',' ORDER BY pid) FROM pg_stat_activity WHERE backend_type = 'budgetbee'"),
        before,
        "the workers were restarted"
    );
    assert_eq!(
        s2.psql("SELECT string_agg(note, ',' ORDER BY id) FROM notes"),
        "first,promoted,called"
    );
}
