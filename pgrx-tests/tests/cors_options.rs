//! OPTIONS and CORS, as PostgREST v13 answers them.
//!
//! Sources of the expected values:
//! - `test/spec/Feature/OptionsSpec.hs`: the `Allow` header of a writable table
//!   (`OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE`), of views by what they take (PUT needs a
//!   primary key), of a VOLATILE function (`OPTIONS,POST`), a STABLE or IMMUTABLE one
//!   (`OPTIONS,GET,HEAD,POST`) and of the root (`OPTIONS,GET,HEAD`); 404 for an unknown table.
//! - `Response.hs` `respondInfo`: 200, `Content-Length: 0`, `Access-Control-Allow-Origin: *`,
//!   `Allow`, no body. `RelInfoPlan` of an unknown table is `TableNotFound` (PGRST205, with the
//!   body every unknown table gets); `RoutineInfoPlan` plans the call as a GET (`InvRead`), so an
//!   unknown function is the GET's PGRST202. No plan of these runs SQL (`NoDb`), so
//!   `db-pre-request` is not called.
//! - `test/spec/Feature/CorsSpec.hs`: the permissive preflight (`Allow-Methods` "GET, POST,
//!   PATCH, PUT, DELETE, OPTIONS, HEAD", `Allow-Headers` "Authorization, Foo, Bar, Accept,
//!   Accept-Language, Content-Language", `Max-Age` 86400), `Access-Control-Expose-Headers` on a
//!   regular request, and an OPTIONS with `Origin` but no `Access-Control-Request-Method`
//!   reaching the app ("allows INFO body through").
//! - `Cors.hs` with wai-cors 0.2.7: the middleware wraps the whole app, so a preflight is
//!   answered before routing (any path), and every other answer, errors included, gets
//!   `Access-Control-Allow-Origin` and `Access-Control-Expose-Headers` after its own headers.
//!   With `server-cors-allowed-origins` set, a listed origin is echoed with
//!   `Access-Control-Allow-Credentials: true`; another origin is a CORS failure, which PostgREST
//!   ignores (`corsIgnoreFailures = True`): the request is served without CORS headers.

use budgetbee_e2e::{ABSENT, Case, Cluster, ClusterBuilder, run_cases};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const FIXTURE: &str = r#"
CREATE TABLE items (id int PRIMARY KEY, name text);
INSERT INTO items VALUES (1, 'one');
GRANT SELECT ON items TO anon;
CREATE TABLE logs (msg text);
CREATE VIEW items_view AS SELECT id, name FROM items;
CREATE VIEW item_names AS SELECT name, count(*) AS n FROM items GROUP BY name;
CREATE FUNCTION reset_items() RETURNS void LANGUAGE sql AS $$ DELETE FROM items WHERE false $$;
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql STABLE AS $$ SELECT a + b $$;
CREATE FUNCTION answer() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 42 $$;
-- Refuses every request that runs SQL: what gets through without it ran none.
CREATE FUNCTION refuse() RETURNS void LANGUAGE plpgsql AS
  $$ BEGIN RAISE SQLSTATE 'PT403' USING MESSAGE = 'refused by db-pre-request'; END $$;
"#;

const ALL: &str = "OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE";
const ANY_ORIGIN: (&str, &str) = ("Access-Control-Allow-Origin", "*");
const EMPTY: (&str, &str) = ("Content-Length", "0");
const JSON: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");
const EXPOSED: (&str, &str) = (
    "Access-Control-Expose-Headers",
    "Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, Server, Transfer-Encoding, Range-Unit",
);
const NOT_EXPOSED: (&str, &str) = ("Access-Control-Expose-Headers", ABSENT);
const METHODS: (&str, &str) = (
    "Access-Control-Allow-Methods",
    "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD",
);
const MAX_AGE: (&str, &str) = ("Access-Control-Max-Age", "86400");
const NO_ALLOW: (&str, &str) = ("Allow", ABSENT);
const NO_CREDENTIALS: (&str, &str) = ("Access-Control-Allow-Credentials", ABSENT);

/// What postgrest-js sends from a browser page: Chrome lists the requested headers lower-case
/// and sorted.
const BROWSER_PREFLIGHT: &[(&str, &str)] = &[
    ("Origin", "http://127.0.0.1:3000"),
    ("Access-Control-Request-Method", "PATCH"),
    (
        "Access-Control-Request-Headers",
        "accept-profile,authorization,content-profile,content-type,prefer,x-client-info",
    ),
];

fn open() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| ClusterBuilder::new("cors_open").fixture(FIXTURE).start())
}

/// Origins restricted through PostgREST's environment variable, and a pre-request function
/// that refuses everything. One worker, so a reload is seen by the next request.
fn restricted() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("cors_restricted")
            .pool(1)
            .env(
                "PGRST_SERVER_CORS_ALLOWED_ORIGINS",
                "http://localhost:3000, http://127.0.0.1:3000",
            )
            .setting("budgetbee.db_pre_request", "public.refuse")
            .fixture(FIXTURE)
            .start()
    })
}

/// A plain OPTIONS answered `200` with this `Allow`, PostgREST's `respondInfo`.
macro_rules! info {
    ($name:expr, $path:expr, $allow:expr $(,)?) => {
        Case {
            name: $name,
            method: "OPTIONS",
            path: $path,
            headers: &[],
            status: 200,
            expect_headers: &[
                EMPTY,
                ANY_ORIGIN,
                ("Allow", $allow),
                ("Content-Type", ABSENT),
            ],
            body: "",
        }
    };
}

#[test]
fn options_allow_header() {
    run_cases(
        open(),
        &[
            info!("writable table with a primary key", "/items", ALL),
            info!(
                "table without a primary key: no PUT",
                "/logs", "OPTIONS,GET,HEAD,POST,PATCH,DELETE",
            ),
            info!(
                "auto-updatable view keyed through its table",
                "/items_view", ALL,
            ),
            info!(
                "view that is not auto-updatable: reads only",
                "/item_names", "OPTIONS,GET,HEAD",
            ),
            info!(
                "VOLATILE function: POST only",
                "/rpc/reset_items", "OPTIONS,POST",
            ),
            info!(
                "STABLE function, found by its arguments",
                "/rpc/add?a=1&b=2", "OPTIONS,GET,HEAD,POST",
            ),
            info!("IMMUTABLE function", "/rpc/answer", "OPTIONS,GET,HEAD,POST"),
            info!("the root", "/", "OPTIONS,GET,HEAD"),
            Case {
                name: "privileges are not consulted: anon has no right on logs, same answer",
                method: "OPTIONS",
                path: "/logs",
                headers: &[("Accept", "text/csv")],
                status: 200,
                expect_headers: &[ANY_ORIGIN, ("Allow", "OPTIONS,GET,HEAD,POST,PATCH,DELETE")],
                body: "",
            },
            Case {
                name: "unknown table: 404 PGRST205",
                method: "OPTIONS",
                path: "/itemz",
                headers: &[],
                status: 404,
                expect_headers: &[
                    JSON,
                    NO_ALLOW,
                    ("Proxy-Status", "PostgREST; error=PGRST205"),
                ],
                body: r#"{"code":"PGRST205","details":null,"hint":"Perhaps you meant the table 'public.items'","message":"Could not find the table 'public.itemz' in the schema cache"}"#,
            },
            Case {
                name: "unknown function: the GET's 404 PGRST202",
                method: "OPTIONS",
                path: "/rpc/zzqqx",
                headers: &[],
                status: 404,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST202")],
                body: r#"{"code":"PGRST202","details":"Searched for the function public.zzqqx without parameters, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function public.zzqqx without parameters in the schema cache"}"#,
            },
            Case {
                name: "Accept-Profile names a schema that is not exposed: 406 PGRST106",
                method: "OPTIONS",
                path: "/items",
                headers: &[("Accept-Profile", "private")],
                status: 406,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PGRST106")],
                body: r#"{"code":"PGRST106","details":null,"hint":"Only the following schemas are exposed: public","message":"Invalid schema: private"}"#,
            },
        ],
    );
}

#[test]
fn cors_with_any_origin() {
    run_cases(
        open(),
        &[
            Case {
                name: "CorsSpec: replies naively and permissively to preflight request",
                method: "OPTIONS",
                path: "/",
                headers: &[
                    ("Accept", "*/*"),
                    ("Origin", "http://example.com"),
                    ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "Foo,Bar"),
                ],
                status: 200,
                expect_headers: &[
                    ANY_ORIGIN,
                    METHODS,
                    (
                        "Access-Control-Allow-Headers",
                        "Authorization, Foo, Bar, Accept, Accept-Language, Content-Language",
                    ),
                    MAX_AGE,
                    NO_CREDENTIALS,
                    NOT_EXPOSED,
                    NO_ALLOW,
                ],
                body: "",
            },
            Case {
                name: "a browser's preflight, before routing: any path",
                method: "OPTIONS",
                path: "/no/such/path",
                headers: BROWSER_PREFLIGHT,
                status: 200,
                expect_headers: &[
                    ANY_ORIGIN,
                    METHODS,
                    (
                        "Access-Control-Allow-Headers",
                        "Authorization, accept-profile, authorization, content-profile, content-type, prefer, x-client-info, Accept, Accept-Language, Content-Language",
                    ),
                    MAX_AGE,
                    NO_ALLOW,
                ],
                body: "",
            },
            Case {
                name: "CorsSpec: exposes necessary response headers to regular request",
                method: "GET",
                path: "/items",
                headers: &[("Origin", "http://example.com")],
                status: 200,
                expect_headers: &[ANY_ORIGIN, EXPOSED, NO_CREDENTIALS, JSON],
                body: r#"[{"id":1,"name":"one"}]"#,
            },
            Case {
                name: "an error gets the CORS headers too",
                method: "GET",
                path: "/itemz",
                headers: &[("Origin", "http://example.com")],
                status: 404,
                expect_headers: &[ANY_ORIGIN, EXPOSED, JSON],
                body: r#"{"code":"PGRST205","details":null,"hint":"Perhaps you meant the table 'public.items'","message":"Could not find the table 'public.itemz' in the schema cache"}"#,
            },
            Case {
                name: "CorsSpec: allows INFO body through to postflight request",
                method: "OPTIONS",
                path: "/items",
                headers: &[
                    ("Origin", "http://localhost:8000"),
                    ("Accept", "text/csv, */*; q=0.01"),
                    ("Accept-Language", "en-US,en;q=0.5"),
                    ("Referer", "http://localhost:8000/"),
                ],
                status: 200,
                expect_headers: &[ANY_ORIGIN, ("Allow", ALL), NOT_EXPOSED],
                body: "",
            },
            Case {
                name: "a preflight for a method wai-cors does not know is the app's OPTIONS",
                method: "OPTIONS",
                path: "/items",
                headers: &[
                    ("Origin", "http://example.com"),
                    ("Access-Control-Request-Method", "TRACE"),
                ],
                status: 200,
                expect_headers: &[
                    ANY_ORIGIN,
                    ("Allow", ALL),
                    ("Access-Control-Allow-Methods", ABSENT),
                ],
                body: "",
            },
            Case {
                name: "no Origin: no CORS headers",
                method: "GET",
                path: "/items",
                headers: &[],
                status: 200,
                expect_headers: &[("Access-Control-Allow-Origin", ABSENT), NOT_EXPOSED],
                body: r#"[{"id":1,"name":"one"}]"#,
            },
        ],
    );
}

const REFUSED: &str =
    r#"{"code":"PT403","details":null,"hint":null,"message":"refused by db-pre-request"}"#;

/// The listed-origins cases and the reload test take turns: the reload changes the list.
static ORIGINS: Mutex<()> = Mutex::new(());

#[test]
fn cors_with_listed_origins() {
    let _turn = ORIGINS.lock().unwrap_or_else(|p| p.into_inner());
    run_cases(
        restricted(),
        &[
            Case {
                name: "a listed origin's preflight: echoed, with credentials; no SQL runs",
                method: "OPTIONS",
                path: "/items",
                headers: BROWSER_PREFLIGHT,
                status: 200,
                expect_headers: &[
                    ("Access-Control-Allow-Origin", "http://127.0.0.1:3000"),
                    ("Access-Control-Allow-Credentials", "true"),
                    METHODS,
                    MAX_AGE,
                    NO_ALLOW,
                ],
                body: "",
            },
            Case {
                name: "a listed origin's request: echoed with credentials, after the app's headers",
                method: "GET",
                path: "/items",
                headers: &[("Origin", "http://localhost:3000")],
                status: 403,
                expect_headers: &[
                    ("Access-Control-Allow-Origin", "http://localhost:3000"),
                    ("Access-Control-Allow-Credentials", "true"),
                    EXPOSED,
                    JSON,
                ],
                body: REFUSED,
            },
            Case {
                name: "another origin: served, without CORS headers",
                method: "GET",
                path: "/items",
                headers: &[("Origin", "http://evil.test")],
                status: 403,
                expect_headers: &[
                    ("Access-Control-Allow-Origin", ABSENT),
                    NO_CREDENTIALS,
                    NOT_EXPOSED,
                ],
                body: REFUSED,
            },
            Case {
                name: "another origin's preflight falls through to the app's OPTIONS",
                method: "OPTIONS",
                path: "/items",
                headers: &[
                    ("Origin", "http://evil.test"),
                    ("Access-Control-Request-Method", "GET"),
                ],
                status: 200,
                expect_headers: &[
                    ANY_ORIGIN,
                    ("Allow", ALL),
                    ("Access-Control-Allow-Methods", ABSENT),
                    NO_CREDENTIALS,
                ],
                body: "",
            },
            Case {
                name: "plain OPTIONS runs no SQL either: db-pre-request is not called",
                method: "OPTIONS",
                path: "/rpc/reset_items",
                headers: &[],
                status: 200,
                expect_headers: &[ANY_ORIGIN, ("Allow", "OPTIONS,POST")],
                body: "",
            },
        ],
    );
}

/// `budgetbee.server_cors_allowed_origins` reloads without a restart.
#[test]
fn allowed_origins_reload() {
    let _turn = ORIGINS.lock().unwrap_or_else(|p| p.into_inner());
    let c = restricted();
    let newcomer = || {
        c.request(
            "OPTIONS",
            "/items",
            &[
                ("Origin", "http://app.example"),
                ("Access-Control-Request-Method", "GET"),
            ],
        )
    };
    assert_eq!(newcomer().header("Access-Control-Allow-Origin"), Some("*"));
    c.psql("ALTER SYSTEM SET budgetbee.server_cors_allowed_origins = 'http://app.example'");
    c.psql("SELECT pg_reload_conf()");
    let start = Instant::now();
    loop {
        let r = newcomer();
        if r.header("Access-Control-Allow-Origin") == Some("http://app.example") {
            assert_eq!(r.header("Access-Control-Allow-Credentials"), Some("true"));
            assert_eq!(r.header("Allow"), None);
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the new origin list never applied: {:?}",
            r.headers
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    c.psql("ALTER SYSTEM RESET budgetbee.server_cors_allowed_origins");
    c.psql("SELECT pg_reload_conf()");
    // Back to the environment's list: the newcomer falls through to the app's OPTIONS again.
    let start = Instant::now();
    while newcomer().header("Allow").is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the reset never applied"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
