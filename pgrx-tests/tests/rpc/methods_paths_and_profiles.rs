//! RPC with other methods, paths that are not `/rpc/<function>`, and Accept-Profile /
//! Content-Profile on calls, HEAD included (PostgREST facts: `bodies_and_arguments`).

use super::bodies_and_arguments::PUBLIC;
use super::*;

/// Other methods on /rpc, and paths that are not /rpc/<function>.
#[test]
fn methods_and_paths() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "PATCH on a function: 405 PGRST101",
                method: "PATCH",
                path: "/rpc/add",
                headers: &[],
                request_body: r#"{"a":1,"b":2}"#,
                status: 405,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "93"),
                    ("Proxy-Status", "PostgREST; error=PGRST101"),
                ],
                body: r#"{"code":"PGRST101","details":null,"hint":null,"message":"Cannot use the PATCH method on RPC"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "PUT on a function: 405 PGRST101",
                method: "PUT",
                path: "/rpc/add",
                headers: &[],
                request_body: r#"{"a":1,"b":2}"#,
                status: 405,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "91"),
                    ("Proxy-Status", "PostgREST; error=PGRST101"),
                ],
                body: r#"{"code":"PGRST101","details":null,"hint":null,"message":"Cannot use the PUT method on RPC"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "DELETE on a function: 405 PGRST101 (RpcSpec: Content-Length 94 for sayhello)",
                method: "DELETE",
                path: "/rpc/add",
                headers: &[],
                request_body: "",
                status: 405,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "94"),
                    ("Proxy-Status", "PostgREST; error=PGRST101"),
                ],
                body: r#"{"code":"PGRST101","details":null,"hint":null,"message":"Cannot use the DELETE method on RPC"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "PATCH on an unknown function is still PGRST101 (the method is checked before the function)",
                method: "PATCH",
                path: "/rpc/nope",
                headers: &[],
                request_body: "{}",
                status: 405,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "93"),
                    ("Proxy-Status", "PostgREST; error=PGRST101"),
                ],
                body: r#"{"code":"PGRST101","details":null,"hint":null,"message":"Cannot use the PATCH method on RPC"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: /rpc/a/b is not a resource: 404 PGRST125 (ApiRequest.getResource)",
                method: "GET",
                path: "/rpc/a/b",
                headers: &[],
                request_body: "",
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "96"),
                    ("Proxy-Status", "PostgREST; error=PGRST125"),
                ],
                body: r#"{"code":"PGRST125","details":null,"hint":null,"message":"Invalid path specified in request URL"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: POST /rpc/add/x: 404 PGRST125",
                method: "POST",
                path: "/rpc/add/x",
                headers: &[],
                request_body: r#"{"a":1,"b":2}"#,
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "96"),
                    ("Proxy-Status", "PostgREST; error=PGRST125"),
                ],
                body: r#"{"code":"PGRST125","details":null,"hint":null,"message":"Invalid path specified in request URL"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: r#"ASSUMPTION: /rpc/ names the function "" (Wai keeps the empty last segment): PGRST202"#,
                method: "GET",
                path: "/rpc/",
                headers: &[],
                request_body: "",
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "231"),
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function public. without parameters, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function public. without parameters in the schema cache"}"#,
                check: ("", ""),
            },
        ],
    );
}

/// Accept-Profile / Content-Profile on calls.
#[test]
fn profiles() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "GET without a profile uses the first schema and says so in Content-Profile",
                method: "GET",
                path: "/rpc/hello",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "7"),
                    PUBLIC,
                ],
                body: r#""hello""#,
                check: ("", ""),
            },
            WriteCase {
                name: "Accept-Profile: v2 calls v2.hello",
                method: "GET",
                path: "/rpc/hello",
                headers: &[("Accept-Profile", "v2")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "15"),
                    ("Content-Profile", "v2"),
                ],
                body: r#""hello from v2""#,
                check: ("", ""),
            },
            WriteCase {
                name: "Content-Profile: v2 selects the schema of a POST",
                method: "POST",
                path: "/rpc/hello",
                headers: &[("Content-Profile", "v2")],
                request_body: "{}",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "15"),
                    ("Content-Profile", "v2"),
                ],
                body: r#""hello from v2""#,
                check: ("", ""),
            },
            WriteCase {
                name: "Accept-Profile does not select the schema of a POST",
                method: "POST",
                path: "/rpc/hello",
                headers: &[("Accept-Profile", "v2")],
                request_body: "{}",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "7"),
                    PUBLIC,
                ],
                body: r#""hello""#,
                check: ("", ""),
            },
            WriteCase {
                name: "Content-Profile does not select the schema of a GET",
                method: "GET",
                path: "/rpc/hello",
                headers: &[("Content-Profile", "v2")],
                request_body: "",
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", "7"),
                    PUBLIC,
                ],
                body: r#""hello""#,
                check: ("", ""),
            },
            WriteCase {
                name: "a function missing from the profile's schema: PGRST202 names v2",
                method: "GET",
                path: "/rpc/add?a=1&b=2",
                headers: &[("Accept-Profile", "v2")],
                request_body: "",
                status: 404,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "218"),
                    ("Proxy-Status", "PostgREST; error=PGRST202"),
                ],
                body: r#"{"code":"PGRST202","details":"Searched for the function v2.add with parameters a, b, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function v2.add(a, b) in the schema cache"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "an unknown Accept-Profile: 406 PGRST106",
                method: "GET",
                path: "/rpc/hello",
                headers: &[("Accept-Profile", "nope")],
                request_body: "",
                status: 406,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "127"),
                    ("Proxy-Status", "PostgREST; error=PGRST106"),
                    ("Content-Profile", ABSENT),
                ],
                body: r#"{"code":"PGRST106","details":null,"hint":"Only the following schemas are exposed: public, v2","message":"Invalid schema: nope"}"#,
                check: ("", ""),
            },
            WriteCase {
                name: "an unknown Content-Profile on a POST: 406 PGRST106",
                method: "POST",
                path: "/rpc/hello",
                headers: &[("Content-Profile", "nope")],
                request_body: "{}",
                status: 406,
                expect_headers: &[
                    JSON,
                    ("Content-Length", "127"),
                    ("Proxy-Status", "PostgREST; error=PGRST106"),
                ],
                body: r#"{"code":"PGRST106","details":null,"hint":"Only the following schemas are exposed: public, v2","message":"Invalid schema: nope"}"#,
                check: ("", ""),
            },
        ],
    );
}

/// HEAD and Content-Profile.
#[test]
fn profiles_head() {
    run_cases(
        cluster(),
        &[
            Case {
                name: "HEAD with Accept-Profile: v2",
                method: "HEAD",
                path: "/rpc/hello",
                headers: &[("Accept-Profile", "v2")],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", ABSENT),
                    ("Content-Profile", "v2"),
                ],
                body: "",
            },
            Case {
                name: "HEAD without a profile: Content-Profile public",
                method: "HEAD",
                path: "/rpc/greet?name=x",
                headers: &[],
                status: 200,
                expect_headers: &[
                    JSON,
                    ("Content-Range", "0-0/*"),
                    ("Content-Length", ABSENT),
                    PUBLIC,
                ],
                body: "",
            },
        ],
    );
}
