//! Budget Bee's chart call made by the client the web app uses: `@supabase/postgrest-js`
//! 1.21.4 (pinned in `pgrx-tests/js/package.json`, installed by `.ci/setup`), run by Node
//! against `jwt_cluster()` with Better Auth-shaped tokens. `client.rpc('f', {params: {...}})`
//! is the app's own call; filters, `select`, `order`, `count` and `single()` chained on it are
//! postgrest-js's builders over the TABLE result.
//!
//! What the client resolves to follows from PostgREST v13's answers (the bodies of
//! `budget_bee.rs`, produced by PostgreSQL running PostgREST's call statement): `data` is the
//! parsed body, `count` the total of `Content-Range` when `Prefer: count=exact` was sent,
//! `error` the PostgREST error object of a 4xx answer. JSON numbers are compared as numbers
//! (`-300.00` in the body is `-300` in JavaScript).

use super::budget_bee::{A_CHART, bearer_for};
use super::*;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs the calls through postgrest-js and returns what each resolved to.
fn client(cluster: &Cluster, calls: &[Value]) -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("js");
    assert!(
        dir.join("node_modules/@supabase/postgrest-js/package.json")
            .exists(),
        "postgrest-js is not installed in {}: run .ci/setup (make test does)",
        dir.display()
    );
    let input = json!({
        "url": format!("http://127.0.0.1:{}", cluster.http_port),
        "calls": calls,
    });
    let mut child = Command::new("node")
        .arg("run.mjs")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("calls written");
    let started = Instant::now();
    while child.try_wait().expect("node status").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("postgrest-js did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("node output");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the runner prints JSON")
}

/// Numbers as f64, so `-300.00` from Postgres and `-300` from JavaScript compare equal.
fn numbers_as_floats(v: Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64().expect("finite")),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_floats).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| (k, numbers_as_floats(v)))
                .collect(),
        ),
        other => other,
    }
}

fn body(text: &str) -> Value {
    serde_json::from_str(text).expect("an expected body is JSON")
}

struct ClientCase {
    name: &'static str,
    call: Value,
    status: u16,
    status_text: &'static str,
    data: Value,
    error: Value,
    count: Value,
}

fn ok(name: &'static str, call: Value, data: Value) -> ClientCase {
    ClientCase {
        name,
        call,
        status: 200,
        status_text: "OK",
        data,
        error: Value::Null,
        count: Value::Null,
    }
}

fn params(user: &str, org: Option<&str>, statuses: &[&str]) -> Value {
    let filters: Vec<Value> = if statuses.is_empty() {
        Vec::new()
    } else {
        vec![json!({"field": "status", "operation": "is", "value": statuses})]
    };
    json!({"params": {"user_id": user, "organization_id": org, "filters": filters}})
}

#[test]
fn chart_through_postgrest_js() {
    let a = bearer_for("user_a", None);
    let b = bearer_for("user_b", None);
    let b_org = bearer_for("user_b", Some(("org_1", "owner")));
    let as_user = |token: &str| json!({"Authorization": token});
    let chart = |token: &str, args: Value, chain: Value| {
        json!({
            "headers": as_user(token),
            "rpc": "get_transaction_by_category",
            "args": args,
            "chain": chain,
        })
    };
    let paid = body(
        r#"[{"amount":-10.00,"name":"Food","category_id":1},{"amount":-300.00,"name":"Travel","category_id":2},{"amount":15.00,"name":null,"category_id":null}]"#,
    );
    let cases = vec![
        ok(
            "rpc('get_transaction_by_category', {params}) as user_a: the chart",
            chart(&a, params("user_a", None, &[]), json!([])),
            body(A_CHART),
        ),
        ok(
            "the status filter inside params: only paid transactions",
            chart(&a, params("user_a", None, &["paid"]), json!([])),
            paid.clone(),
        ),
        ok(
            "an organization chart with an org_1 token: row-level security hides the category name",
            chart(&b_org, params("user_b", Some("org_1"), &[]), json!([])),
            body(r#"[{"amount":-50.00,"name":null,"category_id":1}]"#),
        ),
        ok(
            "user_b asking for user_a's chart: row-level security leaves nothing",
            chart(&b, params("user_a", None, &[]), json!([])),
            json!([]),
        ),
        ClientCase {
            count: json!(3),
            ..ok(
                "{count: 'exact'}: the count of the result's rows",
                json!({
                    "headers": as_user(&a),
                    "rpc": "get_transaction_by_category",
                    "args": params("user_a", None, &[]),
                    "options": {"count": "exact"},
                }),
                body(A_CHART),
            )
        },
        ok(
            ".eq('category_id', 2) on the result",
            chart(
                &a,
                params("user_a", None, &[]),
                json!([["eq", "category_id", 2]]),
            ),
            body(r#"[{"amount":-300.00,"name":"Travel","category_id":2}]"#),
        ),
        ok(
            ".select('name,amount').order('amount').limit(1)",
            chart(
                &a,
                params("user_a", None, &[]),
                json!([["select", "name,amount"], ["order", "amount"], ["limit", 1]]),
            ),
            body(r#"[{"name":"Travel","amount":-300.00}]"#),
        ),
        ok(
            ".is('category_id', null): the uncategorised group",
            chart(
                &a,
                params("user_a", None, &[]),
                json!([["is", "category_id", null]]),
            ),
            body(r#"[{"amount":15.00,"name":null,"category_id":null}]"#),
        ),
        ClientCase {
            status: 406,
            status_text: "Not Acceptable",
            data: Value::Null,
            error: json!({
                "code": "PGRST116",
                "details": "The result contains 3 rows",
                "hint": null,
                "message": "Cannot coerce the result to a single JSON object",
            }),
            ..ok(
                ".single() on three rows: PGRST116",
                chart(&a, params("user_a", None, &[]), json!([["single"]])),
                Value::Null,
            )
        },
        ok(
            ".single() on one row: the object",
            chart(
                &a,
                params("user_a", None, &["pending"]),
                json!([["single"]]),
            ),
            body(r#"{"amount":-20.00,"name":"Food","category_id":1}"#),
        ),
        ok(
            "rpc('whoami'): uid() and the role come from the token",
            json!({"headers": as_user(&a), "rpc": "whoami"}),
            json!({"uid": "user_a", "role": "authenticated"}),
        ),
        ok(
            "rpc('count_my_transactions'): an invoker function sees user_a's rows only",
            json!({"headers": as_user(&a), "rpc": "count_my_transactions"}),
            json!(4),
        ),
        ok(
            "rpc('count_all_transactions'): SECURITY DEFINER sees every row",
            json!({"headers": as_user(&a), "rpc": "count_all_transactions"}),
            json!(6),
        ),
        ClientCase {
            status: 404,
            status_text: "Not Found",
            data: Value::Null,
            error: json!({
                "code": "PGRST202",
                "details": "Searched for the function public.whoamii without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.",
                "hint": "Perhaps you meant to call the function public.whoami",
                "message": "Could not find the function public.whoamii without parameters in the schema cache",
            }),
            ..ok(
                "a misspelled function: PGRST202 with PostgREST's hint",
                json!({"headers": as_user(&a), "rpc": "whoamii"}),
                Value::Null,
            )
        },
    ];
    let calls: Vec<Value> = cases.iter().map(|c| c.call.clone()).collect();
    let results = client(jwt_cluster(), &calls);
    assert_eq!(results.len(), cases.len());
    let mut failures = Vec::new();
    for (case, got) in cases.iter().zip(results) {
        let want = json!({
            "status": case.status,
            "statusText": case.status_text,
            "data": case.data,
            "error": case.error,
            "count": case.count,
        });
        if numbers_as_floats(got.clone()) != numbers_as_floats(want.clone()) {
            failures.push(format!("{}\n    got  {got}\n    want {want}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} postgrest-js calls differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
