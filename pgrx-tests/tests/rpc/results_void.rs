//! RPC void functions: 204 with no Content-Type; no Content-Location on calls; Content-Length;
//! POST to void functions, one that writes (PostgREST facts: `results`).

use super::results::PUBLIC;
use super::*;

const NO_CONTENT_TYPE: (&str, &str) = ("Content-Type", ABSENT);

/// void → 204; no Content-Location on calls; Content-Length.
#[test]
fn void_and_headers() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "a void function: 204, no body, no Content-Type, Content-Range still sent",
                method: "GET",
                path: "/rpc/do_nothing",
                headers: &[],
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", ABSENT),
                    ("Content-Profile", ABSENT),
                ],
                body: "",
            },
            Case {
                name: "ASSUMPTION: HEAD of a void function: 204 as well",
                method: "HEAD",
                path: "/rpc/do_nothing",
                headers: &[],
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", ABSENT),
                    ("Content-Profile", ABSENT),
                ],
                body: "",
            },
            Case {
                name: "a call has no Content-Location (Response.hs: only table reads send it)",
                method: "GET",
                path: "/rpc/hello",
                headers: &[],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "7"),
                    PUBLIC,
                    ("Content-Location", ABSENT),
                    ("Preference-Applied", ABSENT),
                ],
                body: r#""hello""#,
            },
            Case {
                name: "no Content-Location on SETOF either; Content-Length is the body length",
                method: "GET",
                path: "/rpc/numbers?n=3&limit=2",
                headers: &[],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-1/*"),
                    ("Content-Length", "6"),
                    PUBLIC,
                    ("Content-Location", ABSENT),
                ],
                body: "[1, 2]",
            },
        ],
    );
}

/// POST to void functions, one that writes.
#[test]
fn void_writes() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "POST a void function: 204",
                method: "POST",
                path: "/rpc/do_nothing",
                headers: &[],
                request_body: "{}",
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", ABSENT),
                    ("Content-Profile", ABSENT),
                ],
                body: "",
                check: ("", ""),
            },
            WriteCase {
                name: "a void function that writes: 204 and the row is there",
                method: "POST",
                path: "/rpc/add_audit",
                headers: &[],
                request_body: r#"{"note":"results.rs: void write"}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", ABSENT),
                    ("Content-Profile", ABSENT),
                ],
                body: "",
                check: (
                    "SELECT count(*) FROM audit WHERE note = 'results.rs: void write'",
                    "1",
                ),
            },
            WriteCase {
                name: "ASSUMPTION: count=exact on a void call: the 204 carries Content-Range 0-0/1 and Preference-Applied",
                method: "POST",
                path: "/rpc/add_audit",
                headers: &[("Prefer", "count=exact")],
                request_body: r#"{"note":"results.rs: void count"}"#,
                status: 204,
                expect_headers: &[
                    NO_CONTENT_TYPE,
                    ("Content-Range", "0-0/1"),
                    ("Content-Length", ABSENT),
                    ("Content-Profile", ABSENT),
                    ("Preference-Applied", "count=exact"),
                ],
                body: "",
                check: (
                    "SELECT count(*) FROM audit WHERE note = 'results.rs: void count'",
                    "1",
                ),
            },
        ],
    );
}
