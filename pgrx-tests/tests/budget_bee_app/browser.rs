//! The web app's calls from a real browser: a page on another loopback origin than the API, in
//! Debian's headless Chromium (`pgrx-tests/js/browser.mjs`, playwright-core), calling through
//! postgrest-js 1.21.4 as the app does: the transaction list (alice's personal one, org_acme's
//! for olivia and victor), an insert, the category chart, and a viewer's refused insert.
//!
//! The browser is the judge of CORS: it sends its own preflight before each call (every call
//! carries `Authorization`), and hands the page a response only if the preflight and the
//! response allow it; a refused one reaches postgrest-js as `TypeError: Failed to fetch` and
//! status 0. What the page receives is held to the database's rows (read by the superuser
//! applying sql/app/README.md's visibility rule) and to PostgREST v13's answers (201 with no
//! body for an insert without `Prefer`, 403 and the 42501 body for a row-level security
//! refusal, the chart function's rows).

use super::web_app_session::{
    EXPOSED, METHODS, from, numbers_as_floats, rls_violation, rpc, scope, sql_literal,
};
use super::*;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `browser.mjs` with these calls; its JSON report.
fn run_in_chromium(api: &str, calls: &[Value]) -> Value {
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("js");
    let mut child = Command::new("timeout")
        .args(["180", "node", "browser.mjs", api])
        .current_dir(&js)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (.ci/setup installs it)");
    let input = json!({ "calls": calls }).to_string();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "browser.mjs failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "browser.mjs printed no report ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn call(label: &str, user: &str, demo: &Demo, mut call: Value) -> Value {
    call["label"] = json!(label);
    call["token"] = json!(demo.token(user));
    call
}

/// The list as the app asks for it: its doubled scope filters, newest first.
fn list(user: &str, org: Option<&str>, limit: Option<usize>) -> (Value, String) {
    let (mut chain, cond) = scope(user, org);
    chain.push(json!(["order", "transaction_date", {"ascending": false}]));
    if let Some(n) = limit {
        chain.push(json!(["limit", n]));
    }
    (from("transactions", Value::Array(chain)), cond)
}

/// The ids the superuser finds for `cond` among what `user` may see, newest first.
fn ids(demo: &Demo, user: &str, cond: &str, limit: Option<usize>) -> Vec<String> {
    let limit = limit.map(|n| format!("LIMIT {n}")).unwrap_or_default();
    demo.psql(&format!(
        "SELECT id FROM (SELECT id, transaction_date FROM transactions
           WHERE {} AND {cond} ORDER BY transaction_date DESC {limit}) t ORDER BY id",
        transactions_visible_to(user)
    ))
    .lines()
    .map(String::from)
    .collect()
}

#[test]
fn the_web_app_works_from_chromium_on_another_origin() {
    let demo = demo();
    let api = format!("http://127.0.0.1:{}", demo.http_port);
    let _guard = exclusive();
    assert_demo_rows(demo);

    let (alice_list, alice_cond) = list(ALICE, None, None);
    let (olivia_list, acme_cond) = list(OLIVIA, Some(ACME), Some(100));
    let (victor_list, _) = list(VICTOR, Some(ACME), None);
    let chart_params = json!({"user_id": ALICE, "organization_id": null, "filters": []});
    let new_row = json!({"name": "e2e browser groceries", "amount": -12.34, "currency": "usd",
                         "status": "paid", "category_id": ALICE_GROCERIES,
                         "transaction_date": "2026-04-05T09:00:00.000Z",
                         "user_id": ALICE, "organization_id": null});
    let planted = json!({"name": "e2e browser planted", "amount": -1, "currency": "usd",
                         "status": "paid", "user_id": VICTOR, "organization_id": ACME});
    let calls = [
        call("alice's list", ALICE, demo, alice_list),
        call(
            "olivia's org_acme list, 100 newest",
            OLIVIA,
            demo,
            olivia_list,
        ),
        call("victor's org_acme list", VICTOR, demo, victor_list),
        call(
            "alice adds a transaction",
            ALICE,
            demo,
            from("transactions", json!([["insert", new_row]])),
        ),
        call(
            "alice's category chart",
            ALICE,
            demo,
            rpc(
                "get_transaction_by_category",
                json!({ "params": chart_params }),
            ),
        ),
        call(
            "victor (viewer) adds a transaction to org_acme",
            VICTOR,
            demo,
            from("transactions", json!([["insert", planted]])),
        ),
    ];
    // What the lists must show, read before the calls write.
    let wants = [
        (0, ids(demo, ALICE, &alice_cond, None), 124),
        (1, ids(demo, OLIVIA, &acme_cond, Some(100)), 100),
        (2, ids(demo, VICTOR, &acme_cond, None), 180),
    ];
    let report = run_in_chromium(&api, &calls);
    let results = report["results"].as_array().expect("results");
    assert_eq!(results.len(), calls.len(), "{report:#}");
    let result = |i: usize| &results[i]["result"];
    let row_ids = |v: &Value| -> Vec<String> {
        let mut ids: Vec<String> = v
            .as_array()
            .unwrap_or_else(|| panic!("rows, got {v}"))
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let newest_first = |v: &Value| {
        let dates: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["transaction_date"].as_str().unwrap())
            .collect();
        dates.windows(2).all(|w| w[0] >= w[1])
    };
    let mut failures = Vec::new();
    let mut expect = |ok: bool, what: &str, i: usize| {
        if !ok {
            failures.push(format!("{what}\n{:#}", results[i]));
        }
    };

    // The lists: 200 and exactly the rows each user may see, newest first.
    for (i, want, n) in wants {
        let r = result(i);
        expect(
            r["status"] == 200 && r["statusText"] == "OK" && r["error"].is_null(),
            "a list: 200",
            i,
        );
        expect(
            want.len() == n && r["data"].is_array() && row_ids(&r["data"]) == want,
            &format!("a list: want the {n} rows the database gives"),
            i,
        );
        expect(
            r["data"].is_array() && newest_first(&r["data"]),
            "a list: newest first",
            i,
        );
    }

    // The insert: 201, no body (no Prefer), and the row is alice's.
    let r = result(3);
    expect(
        r["status"] == 201
            && r["statusText"] == "Created"
            && r["data"].is_null()
            && r["error"].is_null(),
        "insert: want 201 and no body",
        3,
    );
    let inserted = demo.psql(
        "SELECT amount || '|' || category_id || '|' || transaction_date || '|' || user_id || '|' ||
                coalesce(organization_id, 'null')
           FROM transactions WHERE name = 'e2e browser groceries'",
    );
    expect(
        inserted == format!("-12.34|{ALICE_GROCERIES}|2026-04-05 09:00:00|user_alice|null"),
        &format!("insert: the row in the database is {inserted:?}"),
        3,
    );

    // The chart: what the function returns to the superuser for the same arguments, which now
    // include the row just inserted.
    let r = result(4);
    let want: Value = serde_json::from_str(&demo.psql(&format!(
        "SELECT coalesce(json_agg(t), '[]') FROM \
         (SELECT c.* FROM public.get_transaction_by_category({}::jsonb) c) t",
        sql_literal(&chart_params.to_string())
    )))
    .unwrap();
    expect(
        r["status"] == 200
            && r["error"].is_null()
            && !want.as_array().unwrap().is_empty()
            && numbers_as_floats(&r["data"]) == numbers_as_floats(&want),
        &format!("chart: want 200 and {want}"),
        4,
    );

    // The viewer's insert: 403 and PostgREST's 42501 body, which the page can read; no row.
    let r = result(5);
    let forbidden: Value = serde_json::from_str(&rls_violation("transactions")).unwrap();
    expect(
        r["status"] == 403
            && r["statusText"] == "Forbidden"
            && r["data"].is_null()
            && r["error"] == forbidden,
        &format!("viewer insert: want 403 {forbidden}"),
        5,
    );
    let planted_rows =
        demo.psql("SELECT count(*) FROM transactions WHERE name = 'e2e browser planted'");
    expect(planted_rows == "0", "viewer insert: a row was written", 5);

    // What the browser saw on the wire: each request it sent to the API was preflighted from the
    // page's origin (answered as PostgREST does) and answered with CORS headers.
    let origin = report["origin"].as_str().unwrap();
    assert_ne!(origin, api, "the page must be on another origin");
    let requests = report["requests"].as_array().unwrap();
    let preflights = report["preflights"].as_array().unwrap();
    let mut wire = Vec::new();
    if requests.len() != calls.len() {
        wire.push(format!(
            "{} requests reached the API, want {}",
            requests.len(),
            calls.len()
        ));
    }
    for q in requests {
        let (url, method) = (q["url"].as_str().unwrap(), q["method"].as_str().unwrap());
        if q["headers"]["access-control-allow-origin"] != "*"
            || q["headers"]["access-control-expose-headers"] != EXPOSED
        {
            wire.push(format!("{method} {url}: no CORS headers: {q}"));
        }
        let preflight = preflights.iter().find(|p| {
            p["url"] == url
                && p["method"] == "OPTIONS"
                && p["requestHeaders"]["Access-Control-Request-Method"] == method
        });
        match preflight {
            None => wire.push(format!("{method} {url}: no preflight before it")),
            Some(p) => {
                let h = &p["headers"];
                let get = |n: &str| {
                    h.as_object()
                        .unwrap()
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(n))
                        .and_then(|(_, v)| v.as_str())
                };
                let ok = p["status"] == 200
                    && p["requestHeaders"]["Origin"] == origin
                    && get("Access-Control-Allow-Origin") == Some("*")
                    && get("Access-Control-Allow-Methods") == Some(METHODS)
                    && get("Access-Control-Max-Age") == Some("86400")
                    && get("Access-Control-Allow-Headers")
                        .is_some_and(|v| v.starts_with("Authorization, "));
                if !ok {
                    wire.push(format!("{method} {url}: preflight answered {p}"));
                }
            }
        }
    }
    let cors_complaints: Vec<&Value> = report["console"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m.as_str().unwrap().contains("CORS"))
        .collect();
    if !cors_complaints.is_empty() {
        wire.push(format!("the browser complained: {cors_complaints:?}"));
    }

    remove_test_rows(demo);
    assert_demo_rows(demo);
    failures.extend(wire);
    assert!(
        failures.is_empty(),
        "{} problems in Chromium:\n\n{}\n\nthe browser's report: {report:#}",
        failures.len(),
        failures.join("\n\n")
    );
}
