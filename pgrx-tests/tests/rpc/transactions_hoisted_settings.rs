//! Function settings hoisted into a call's transaction: the isolation level, hoisted and
//! unhoisted settings, and a hoisted `statement_timeout` (PostgREST facts: `transactions`).

use super::transactions::{NO_PROFILE, PROFILE, SEND_JSON};
use super::*;

/// Function settings: the isolation level goes into BEGIN, hoisted settings into the
/// transaction; a setting that is not hoisted still applies inside the function body.
#[test]
fn function_settings_are_hoisted() {
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "SET statement_timeout on the function: 7s inside (GET)",
                method: "GET",
                path: "/rpc/my_statement_timeout",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, PROFILE],
                body: r#""7s""#,
                check: ("", ""),
            },
            WriteCase {
                name: "SET statement_timeout on the function: 7s inside (POST)",
                method: "POST",
                path: "/rpc/my_statement_timeout",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON, PROFILE],
                body: r#""7s""#,
                check: ("", ""),
            },
            WriteCase {
                name: "SET default_transaction_isolation = serializable: the transaction is BEGUN serializable (GET)",
                method: "GET",
                path: "/rpc/my_isolation",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, PROFILE],
                body: r#""serializable""#,
                check: ("", ""),
            },
            WriteCase {
                name: "SET default_transaction_isolation = serializable: serializable too over POST",
                method: "POST",
                path: "/rpc/my_isolation",
                headers: &[SEND_JSON],
                request_body: "{}",
                status: 200,
                expect_headers: &[JSON, PROFILE],
                body: r#""serializable""#,
                check: ("", ""),
            },
            WriteCase {
                name: "ASSUMPTION: SET work_mem is not hoisted, but PostgreSQL applies it on entry: 7MB inside",
                method: "GET",
                path: "/rpc/my_work_mem",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[JSON, PROFILE],
                body: r#""7MB""#,
                check: ("", ""),
            },
        ],
    );
}

/// A hoisted `statement_timeout` times the call itself, as a client statement is timed: the
/// 100 ms of `sleepy`'s `SET` cancel its half-second sleep (57014, 500 by PostgREST's table, whose
/// class 57 is a server error). Not hoisted, PostgreSQL only applies the setting once the
/// function runs, which times nothing, and the call completes. Either way the worker serves on.
#[test]
fn hoisted_statement_timeout_cancels_the_call() {
    let canceled = WriteCase {
        name: "SET statement_timeout = '100ms' hoisted: the half-second call is canceled",
        method: "POST",
        path: "/rpc/sleepy",
        headers: &[JSON],
        request_body: "{}",
        status: 500,
        expect_headers: &[("Proxy-Status", "PostgREST; error=57014"), NO_PROFILE],
        body: r#"{"code":"57014","details":null,"hint":null,"message":"canceling statement due to statement timeout"}"#,
        check: ("", ""),
    };
    run_write_cases(
        cluster(),
        &[
            WriteCase {
                name: "SET statement_timeout = '100ms' hoisted: the same over GET",
                method: "GET",
                request_body: "",
                headers: &[],
                ..canceled
            },
            canceled,
            WriteCase {
                name: "the next call on the same cluster is served",
                method: "GET",
                path: "/rpc/hello",
                headers: &[],
                request_body: "",
                status: 200,
                expect_headers: &[PROFILE],
                body: r#""hello""#,
                check: ("", ""),
            },
        ],
    );
    run_write_cases(
        unhoisted_cluster(),
        &[WriteCase {
            name: "statement_timeout not in db_hoisted_tx_settings: the call completes",
            method: "POST",
            path: "/rpc/sleepy",
            headers: &[JSON],
            request_body: "{}",
            status: 200,
            expect_headers: &[("Content-Range", "0-0/*")],
            body: "1",
            check: ("", ""),
        }],
    );
}
