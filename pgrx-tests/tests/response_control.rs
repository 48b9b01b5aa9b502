//! SQL in control of the response, as in PostgREST: `db-pre-request` runs before every query
//! and may refuse it; `response.headers` / `response.status` set by SQL change the response;
//! `RAISE ... ERRCODE 'PTnnn'` picks the status; `RAISE SQLSTATE 'PGRST'` with JSON message and
//! detail decides the whole error.

use budgetbee_e2e::{ABSENT, Case, Cluster, ClusterBuilder, run_cases};
use std::sync::OnceLock;

const FIXTURE: &str = r#"
CREATE FUNCTION public.check_request() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('request.headers', true)::json->>'x-block' = 'yes' THEN
    RAISE SQLSTATE 'PT403' USING message = 'blocked by the pre-request function';
  END IF;
  PERFORM set_config('response.headers', '[{"X-Pre-Request": "ran"}]', true);
END $$;
GRANT EXECUTE ON FUNCTION public.check_request() TO anon;

CREATE TABLE items (id int);
INSERT INTO items VALUES (1);
GRANT SELECT ON items TO anon;

CREATE FUNCTION teapot() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('response.status', '418', true);
  PERFORM set_config('response.headers',
    '[{"X-Custom": "one"}, {"X-Custom": "two"}, {"Content-Type": "application/vnd.tea+json"}]', true);
  RETURN 1;
END $$;
CREATE VIEW teapot AS SELECT teapot() AS x;

CREATE FUNCTION bad_status() RETURNS int LANGUAGE plpgsql AS $$
BEGIN PERFORM set_config('response.status', 'soon', true); RETURN 1; END $$;
CREATE VIEW bad_status AS SELECT bad_status() AS x;

CREATE FUNCTION bad_headers() RETURNS int LANGUAGE plpgsql AS $$
BEGIN PERFORM set_config('response.headers', '{"X-Not": "an array"}', true); RETURN 1; END $$;
CREATE VIEW bad_headers AS SELECT bad_headers() AS x;

CREATE FUNCTION pay() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  RAISE SQLSTATE 'PT402' USING message = 'Payment Required', detail = 'Quota exceeded', hint = 'Upgrade your plan';
END $$;
CREATE VIEW pay AS SELECT pay() AS x;

CREATE FUNCTION pgrst_raise() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  RAISE SQLSTATE 'PGRST' USING
    message = '{"code":"123","message":"Payment Required","details":"Quota exceeded","hint":"Upgrade your plan"}',
    detail = '{"status":402,"headers":{"X-Powered-By":"Nerd Rage"}}';
END $$;
CREATE VIEW pgrst_raise AS SELECT pgrst_raise() AS x;

CREATE FUNCTION pgrst_bad_message() RETURNS int LANGUAGE plpgsql AS $$
BEGIN RAISE SQLSTATE 'PGRST' USING message = 'oops', detail = '{"status":402,"headers":{}}'; END $$;
CREATE VIEW pgrst_bad_message AS SELECT pgrst_bad_message() AS x;

CREATE FUNCTION pgrst_no_detail() RETURNS int LANGUAGE plpgsql AS $$
BEGIN RAISE SQLSTATE 'PGRST' USING message = '{"code":"1","message":"m"}'; END $$;
CREATE VIEW pgrst_no_detail AS SELECT pgrst_no_detail() AS x;

GRANT SELECT ON teapot, bad_status, bad_headers, pay, pgrst_raise, pgrst_bad_message, pgrst_no_detail TO anon;
"#;

fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        ClusterBuilder::new("response-control")
            .pool(1)
            .setting("budgetbee.db_pre_request", "public.check_request")
            .fixture(FIXTURE)
            .start()
    })
}

const JSON: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");

#[test]
fn sql_controls_the_response() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "the pre-request function runs before the query and can add headers",
                method: "GET",
                path: "/items",
                headers: &[],
                status: 200,
                expect_headers: &[JSON, ("X-Pre-Request", "ran")],
                body: r#"[{"id":1}]"#,
            },
            Case {
                name: "the pre-request function can refuse the request with PTnnn",
                method: "GET",
                path: "/items",
                headers: &[("X-Block", "yes")],
                status: 403,
                expect_headers: &[JSON, ("X-Pre-Request", ABSENT)],
                body: r#"{"code":"PT403","details":null,"hint":null,"message":"blocked by the pre-request function"}"#,
            },
            Case {
                name: "response.status and response.headers set by SQL win",
                method: "GET",
                path: "/teapot",
                headers: &[],
                status: 418,
                expect_headers: &[
                    ("Content-Type", "application/vnd.tea+json"),
                    ("X-Custom", "one"),
                ],
                body: r#"[{"x":1}]"#,
            },
            Case {
                name: "an invalid response.status is PGRST112",
                method: "GET",
                path: "/bad_status",
                headers: &[],
                status: 500,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST112","details":null,"hint":null,"message":"response.status guc must be a valid status code"}"#,
            },
            Case {
                name: "an invalid response.headers is PGRST111",
                method: "GET",
                path: "/bad_headers",
                headers: &[],
                status: 500,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST111","details":null,"hint":null,"message":"response.headers guc must be a JSON array composed of objects with a single key and a string value"}"#,
            },
            Case {
                name: "RAISE with ERRCODE PT402 answers 402",
                method: "GET",
                path: "/pay",
                headers: &[],
                status: 402,
                expect_headers: &[JSON, ("Proxy-Status", "PostgREST; error=PT402")],
                body: r#"{"code":"PT402","details":"Quota exceeded","hint":"Upgrade your plan","message":"Payment Required"}"#,
            },
            Case {
                name: "RAISE SQLSTATE 'PGRST' decides status, headers and body",
                method: "GET",
                path: "/pgrst_raise",
                headers: &[],
                status: 402,
                expect_headers: &[JSON, ("X-Powered-By", "Nerd Rage")],
                body: r#"{"code":"123","details":"Quota exceeded","hint":"Upgrade your plan","message":"Payment Required"}"#,
            },
            Case {
                name: "an unparsable PGRST message is PGRST121",
                method: "GET",
                path: "/pgrst_bad_message",
                headers: &[],
                status: 500,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST121","details":"Invalid JSON value for MESSAGE: 'oops'","hint":"MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.","message":"Could not parse JSON in the \"RAISE SQLSTATE 'PGRST'\" error"}"#,
            },
            Case {
                name: "a PGRST raise without detail is PGRST121",
                method: "GET",
                path: "/pgrst_no_detail",
                headers: &[],
                status: 500,
                expect_headers: &[JSON],
                body: r#"{"code":"PGRST121","details":"DETAIL is missing in the RAISE statement","hint":"DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.","message":"Could not parse JSON in the \"RAISE SQLSTATE 'PGRST'\" error"}"#,
            },
        ],
    );
}
