//! Table-driven HTTP cases: a request and the exact status, headers and body PostgREST gives,
//! run against a cluster, every mismatch reported at once.

use super::{Cluster, Conn, HttpResponse};

/// In `Case::expect_headers`, a value that means "this header must not be sent".
pub const ABSENT: &str = "\u{0}absent";

/// A table-driven case: request → expected status, headers and exact body.
pub struct Case<'a> {
    pub name: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub status: u16,
    pub expect_headers: &'a [(&'a str, &'a str)],
    pub body: &'a str,
}

/// A table-driven write: request with a body → expected status, headers and exact body, then
/// a SQL query (run as superuser, psql unaligned tuples-only output) and what it must print,
/// to prove what the write did (or did not) change.
pub struct WriteCase<'a> {
    pub name: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub request_body: &'a str,
    pub status: u16,
    pub expect_headers: &'a [(&'a str, &'a str)],
    pub body: &'a str,
    /// `(sql, expected output)`, checked after the request; `("", "")` to skip.
    pub check: (&'a str, &'a str),
}

/// Runs write cases in order (they may depend on each other's effects), collecting every
/// mismatch before failing.
pub fn run_write_cases(cluster: &Cluster, cases: &[WriteCase]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let body = (!c.request_body.is_empty() || c.method != "GET")
                .then_some(c.request_body.as_bytes());
            let r = Conn::open(cluster.http_port).send_body(c.method, c.path, c.headers, body);
            let mut problems = mismatches(&r, c.status, c.expect_headers, c.body);
            if !c.check.0.is_empty() {
                let got = cluster.psql(c.check.0);
                if got.trim_end() != c.check.1 {
                    problems.push(format!(
                        "check {:?} gave {:?} (want {:?})",
                        c.check.0,
                        got.trim_end(),
                        c.check.1
                    ));
                }
            }
            failure(c.name, c.method, c.path, problems)
        })
        .collect();
    report(failures, cases.len());
}

/// Runs every case, collecting all mismatches before failing, so one run shows them all.
pub fn run_cases(cluster: &Cluster, cases: &[Case]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let r = cluster.request(c.method, c.path, c.headers);
            let problems = mismatches(&r, c.status, c.expect_headers, c.body);
            failure(c.name, c.method, c.path, problems)
        })
        .collect();
    report(failures, cases.len());
}

/// What differs between a response and the expected status, headers (`ABSENT`: not sent)
/// and exact body.
fn mismatches(r: &HttpResponse, status: u16, headers: &[(&str, &str)], body: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if r.status != status {
        problems.push(format!("status {} (want {status})", r.status));
    }
    for (name, value) in headers {
        let want = if *value == ABSENT { None } else { Some(*value) };
        if r.header(name) != want {
            problems.push(format!("{name}: {:?} (want {value:?})", r.header(name)));
        }
    }
    if r.text() != body {
        problems.push(format!("body {:?}\n      want {body:?}", r.text()));
    }
    problems
}

fn failure(name: &str, method: &str, path: &str, problems: Vec<String>) -> Option<String> {
    (!problems.is_empty())
        .then(|| format!("{name} — {method} {path}\n    {}", problems.join("\n    ")))
}

fn report(failures: Vec<String>, total: usize) {
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        total,
        failures.join("\n")
    );
}
