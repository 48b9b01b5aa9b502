//! Every call Budget Bee's web app makes (shared/reference/budgetbee-app.md, "What the web app
//! sends"), made by the client it uses, `@supabase/postgrest-js` 1.21.4, with the headers it
//! sends (`Authorization: Bearer`, `Accept: application/json`, `contenttype: application/json`),
//! each preceded by the CORS preflight Chrome would send from the app's origin
//! (`pgrx-tests/js/web_app.mjs`, `cors_fetch.mjs`), as each demo user: alice (personal), olivia
//! (owner of org_acme, whose token carries it) and victor (viewer of org_acme).
//!
//! What is right comes from outside budgetbee:
//! - rows: the superuser reads the demo data applying sql/app/README.md's visibility rule and
//!   the filter's meaning (`amount=gt.100` is `amount > 100`, …), and checks the README's fixed
//!   counts (alice 124, olivia 80 + 180, victor 0 + 180); a call's function result is the
//!   superuser calling the same function (its arguments pick the rows; they are the caller's);
//! - statuses, headers and bodies: PostgREST v13 (PostgREST/postgrest src/PostgREST/
//!   Response.hs `actionResponse`: a read is 200 with `Content-Range: 0-<n-1>/*` (`*/*` for no
//!   row) and `Content-Location` = the table and the query string canonicalised by
//!   `QueryParams.qsCanonical` (parameters sorted by name, repeated ones joined with `,`, each
//!   part percent-encoded as Network.HTTP.Base.urlEncode); an insert without `Prefer` is 201
//!   with no body, `Content-Range: */*`, no Location; PATCH and DELETE without `Prefer` are 204
//!   with `Content-Range: 0-<n-1>/*` / `*/*`; an upsert is 200 when nothing was inserted with
//!   merge-duplicates, else 201, `Preference-Applied: resolution=merge-duplicates`; a void
//!   function is 204 with `Content-Range: 0-0/*`. Error.hs: SQLSTATE 42501 is 403 for an
//!   authenticated role, `{"code","details","hint","message"}`, `Proxy-Status: PostgREST;
//!   error=42501`. The body of a read is PostgreSQL's `json_agg` of the rows, rows as
//!   `row_to_json` prints them, joined by `", \n "`);
//! - CORS: PostgREST's Cors.hs through wai-cors 0.2.7 (no `server-cors-allowed-origins`):
//!   the preflight is 200 with `Access-Control-Allow-Origin: *`, `Access-Control-Allow-Methods:
//!   GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD`, `Access-Control-Allow-Headers:
//!   Authorization, <the requested names as sent>, <Accept, Accept-Language, Content-Language
//!   unless requested>`, `Access-Control-Max-Age: 86400`; every other answer carries
//!   `Access-Control-Allow-Origin: *` and PostgREST's `Access-Control-Expose-Headers`.
//!
//! Writes are made on rows the test creates (or refused); each user's run removes what it
//! created, so the other parts see sql/app's demo rows.

use super::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// The web app's origin (Better Auth's URL in development, the tokens' audience).
pub const APP_ORIGIN: &str = "http://localhost:3000";

pub(super) const METHODS: &str = "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD";
pub(super) const EXPOSED: &str = "Content-Encoding, Content-Location, Content-Range, Content-Type, Date, \
                       Location, Server, Transfer-Encoding, Range-Unit";
const JSON_CT: &str = "application/json; charset=utf-8";

/// What Chrome puts in `Access-Control-Request-Headers` for the app's calls: the headers that
/// are not CORS-safelisted (`Accept: application/json` is; `Content-Type: application/json`,
/// which postgrest-js sets on every non-GET, is not), lower-case, sorted, comma-separated.
const READ: &str = "authorization,contenttype";
const WRITE: &str = "authorization,content-type,contenttype";
const UPSERT: &str = "authorization,content-type,contenttype,prefer";

/// `pgrx-tests/js/web_app.mjs`: one Node process, one call per line.
struct WebApp {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl WebApp {
    fn start(api: &str) -> WebApp {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("js");
        assert!(
            dir.join("node_modules/@supabase/postgrest-js/package.json")
                .exists(),
            "postgrest-js is not installed in {}: run .ci/setup (make test does)",
            dir.display()
        );
        let mut child = Command::new("node")
            .args(["web_app.mjs", api, APP_ORIGIN])
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        WebApp {
            child,
            stdin,
            lines,
        }
    }

    fn call(&mut self, call: &Value) -> (Value, Vec<Value>) {
        writeln!(self.stdin, "{call}").expect("the web app reads its calls");
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|e| panic!("the web app did not answer {call} within 30 s: {e}"));
        let v: Value = serde_json::from_str(&line).expect("the web app prints JSON");
        (
            v["result"].clone(),
            v["exchanges"].as_array().unwrap().clone(),
        )
    }
}

impl Drop for WebApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One call's outcome: what postgrest-js resolved to, and the one exchange it made.
struct Outcome {
    label: String,
    result: Value,
    exchange: Value,
}

impl Outcome {
    fn status(&self) -> u64 {
        self.exchange["response"]["status"].as_u64().unwrap_or(0)
    }

    fn header(&self, name: &str) -> Option<&str> {
        header_in(&self.exchange["response"]["headers"], name)
    }

    fn body(&self) -> &str {
        self.exchange["response"]["body"].as_str().unwrap_or("")
    }

    fn url(&self) -> &str {
        self.exchange["request"]["url"].as_str().unwrap_or("")
    }

    fn context(&self) -> String {
        format!(
            "{}\n  request:  {}\n  response: {}\n  postgrest-js: {}",
            self.label, self.exchange["request"], self.exchange["response"], self.result
        )
    }
}

fn header_in<'a>(headers: &'a Value, name: &str) -> Option<&'a str> {
    headers.as_array()?.iter().find_map(|h| {
        (h[0].as_str()?.eq_ignore_ascii_case(name))
            .then(|| h[1].as_str())
            .flatten()
    })
}

/// Network.HTTP.Base.urlEncode: ASCII letters, digits and `-_.~` as they are, every other
/// byte of the UTF-8 encoding as `%XX` (upper-case hex).
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// http-types' query decoding: `+` is a space, `%XX` a byte.
fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).expect("percent-encoded byte"));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// PostgREST's `Content-Location` of a read: `/<table>` and `qsCanonical` of the request's
/// query string (QueryParams.hs: `urlEncodeVars . sortOn fst . parseSimpleQuery`).
fn content_location(url: &str) -> String {
    let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path_and_query = &after_scheme[after_scheme.find('/').unwrap_or(after_scheme.len())..];
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut params: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (url_decode(k), url_decode(v))
        })
        .collect();
    params.sort_by(|a, b| a.0.cmp(&b.0));
    // urlEncodeVars: a name's values, in order, after the first `name=`, joined by `,`.
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < params.len() {
        let name = &params[i].0;
        let values: Vec<String> = params[i..]
            .iter()
            .take_while(|(k, _)| k == name)
            .map(|(_, v)| url_encode(v))
            .collect();
        i += values.len();
        parts.push(format!("{}={}", url_encode(name), values.join(",")));
    }
    if parts.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

/// The rows of a `json_agg` body: `[` rows joined by `", \n "` `]` (no demo value holds a
/// newline).
fn body_rows(body: &str) -> Option<Vec<String>> {
    let inner = body.strip_prefix('[')?.strip_suffix(']')?;
    if inner.is_empty() {
        return Some(Vec::new());
    }
    Some(inner.split(", \n ").map(String::from).collect())
}

/// Numbers as f64, so `-300.00` in a body and `-300` in JavaScript compare equal.
pub(super) fn numbers_as_floats(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64().expect("finite")),
        Value::Array(items) => Value::Array(items.iter().map(numbers_as_floats).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), numbers_as_floats(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// PostgREST's error body for 42501 from a row-level security `WITH CHECK`.
pub(super) fn rls_violation(table: &str) -> String {
    format!(
        r#"{{"code":"42501","details":null,"hint":null,"message":"new row violates row-level security policy for table \"{table}\""}}"#
    )
}

/// A user's run: the web app as that user, and what failed so far (all reported at the end).
struct Session<'a> {
    demo: &'a Demo,
    app: WebApp,
    user: &'static str,
    token: String,
    failures: Vec<String>,
    calls: usize,
}

impl<'a> Session<'a> {
    fn new(demo: &'a Demo, user: &'static str) -> Session<'a> {
        Session {
            demo,
            app: WebApp::start(&format!("http://127.0.0.1:{}", demo.http_port)),
            user,
            token: demo.token(user).to_string(),
            failures: Vec::new(),
            calls: 0,
        }
    }

    fn fail(&mut self, what: String) {
        self.failures.push(what);
    }

    fn expect(&mut self, ok: bool, o: &Outcome, what: &str) {
        if !ok {
            self.fail(format!("{what}\n{}", o.context()));
        }
    }

    /// Makes one call as the app does, and checks the browser's side of it: one preflight
    /// answered as PostgREST answers it, then the request, answered with CORS headers.
    fn call(&mut self, label: &str, mut call: Value, acrh: &str) -> Outcome {
        call["token"] = json!(self.token);
        self.calls += 1;
        let (result, exchanges) = self.app.call(&call);
        let label = format!("[{}] {label}", self.user);
        let exchange = exchanges.first().cloned().unwrap_or(Value::Null);
        let o = Outcome {
            label,
            result,
            exchange,
        };
        if exchanges.len() != 1 {
            self.fail(format!(
                "{} exchanges, want 1: {exchanges:?}\n{}",
                exchanges.len(),
                o.context()
            ));
            return o;
        }
        let problems = o.exchange["problems"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        self.expect(problems.is_empty(), &o, &format!("CORS: {problems:?}"));
        let pf = &o.exchange["preflight"];
        let method = o.exchange["request"]["method"].as_str().unwrap_or("");
        let sent = &pf["request"]["headers"];
        let want_allowed = {
            let mut names = vec!["Authorization".to_string()];
            names.extend(acrh.split(',').map(String::from));
            for simple in ["Accept", "Accept-Language", "Content-Language"] {
                if !names.iter().any(|n| n.eq_ignore_ascii_case(simple)) {
                    names.push(simple.to_string());
                }
            }
            names.join(", ")
        };
        let got = &pf["response"]["headers"];
        let preflight_ok = header_in(sent, "Access-Control-Request-Headers") == Some(acrh)
            && header_in(sent, "Access-Control-Request-Method") == Some(method)
            && header_in(sent, "Origin") == Some(APP_ORIGIN)
            && pf["response"]["status"] == 200
            && pf["response"]["body"] == ""
            && header_in(got, "Access-Control-Allow-Origin") == Some("*")
            && header_in(got, "Access-Control-Allow-Methods") == Some(METHODS)
            && header_in(got, "Access-Control-Allow-Headers") == Some(want_allowed.as_str())
            && header_in(got, "Access-Control-Max-Age") == Some("86400")
            && header_in(got, "Access-Control-Allow-Credentials").is_none();
        self.expect(
            preflight_ok,
            &o,
            &format!(
                "preflight: want Access-Control-Request-Headers {acrh:?}, answered 200 with \
                 Allow-Headers {want_allowed:?}; got {pf}"
            ),
        );
        let req = &o.exchange["request"]["headers"];
        let app_headers = header_in(req, "authorization")
            == Some(&format!("Bearer {}", self.token))
            && header_in(req, "accept") == Some("application/json")
            && header_in(req, "contenttype") == Some("application/json")
            && header_in(req, "origin") == Some(APP_ORIGIN);
        self.expect(app_headers, &o, "the request lacks the app's headers");
        let cors_ok = o.header("Access-Control-Allow-Origin") == Some("*")
            && o.header("Access-Control-Expose-Headers") == Some(EXPOSED);
        self.expect(cors_ok, &o, "the response's CORS headers");
        o
    }

    /// Rows as the superuser sees them, one `row_to_json` text each, sorted.
    fn rows(&self, table: &str, cond: &str) -> Vec<String> {
        let out = self.demo.psql(&format!(
            "SELECT row_to_json(t) FROM {table} t WHERE {cond} ORDER BY row_to_json(t)::text"
        ));
        let mut rows: Vec<String> = out.lines().map(String::from).collect();
        rows.sort();
        rows
    }

    /// A read: 200, PostgREST's headers, exactly the rows `cond` selects (sorted by `order`
    /// when given); with `limit`, that many of them.
    fn read(
        &mut self,
        o: &Outcome,
        table: &str,
        cond: &str,
        order: Option<&str>,
        limit: Option<usize>,
    ) -> usize {
        let want = self.rows(table, cond);
        let got = body_rows(o.body());
        let n = got.as_ref().map_or(0, Vec::len);
        let range = if n == 0 {
            "*/*".to_string()
        } else {
            format!("0-{}/*", n - 1)
        };
        let headers_ok = o.status() == 200
            && o.header("Content-Type") == Some(JSON_CT)
            && o.header("Content-Range") == Some(range.as_str())
            && o.header("Content-Location") == Some(content_location(o.url()).as_str());
        self.expect(
            headers_ok,
            o,
            &format!(
                "want 200, {JSON_CT}, Content-Range {range}, Content-Location {}",
                content_location(o.url())
            ),
        );
        let Some(mut got) = got else {
            self.fail(format!("not a JSON array body\n{}", o.context()));
            return 0;
        };
        let in_order = match order {
            Some(col) => {
                let keys: Vec<Value> = got
                    .iter()
                    .map(|r| serde_json::from_str::<Value>(r).unwrap()[col].clone())
                    .collect();
                keys.windows(2)
                    .all(|w| w[0].as_str().unwrap_or("") <= w[1].as_str().unwrap_or(""))
            }
            None => true,
        };
        self.expect(in_order, o, &format!("rows not ordered by {order:?}"));
        got.sort();
        let rows_ok = match limit {
            None => got == want,
            Some(l) => {
                got.len() == want.len().min(l)
                    && got.iter().all(|r| want.binary_search(r).is_ok())
                    && got.windows(2).all(|w| w[0] != w[1])
            }
        };
        self.expect(
            rows_ok,
            o,
            &format!(
                "rows: want {} ({table} where {cond}{}), got {}",
                want.len(),
                limit.map(|l| format!(", limit {l}")).unwrap_or_default(),
                got.len()
            ),
        );
        let body: Value = serde_json::from_str(o.body()).unwrap_or(Value::Null);
        let client_ok = o.result["status"] == 200
            && o.result["statusText"] == "OK"
            && o.result["error"].is_null()
            && o.result["count"].is_null()
            && numbers_as_floats(&o.result["data"]) == numbers_as_floats(&body);
        self.expect(client_ok, o, "postgrest-js: want 200 OK, the rows as data");
        n
    }

    /// An insert without `Prefer`: 201 and nothing else.
    fn created(&mut self, o: &Outcome) {
        let ok = o.status() == 201
            && o.body().is_empty()
            && o.header("Content-Range") == Some("*/*")
            && o.header("Content-Type").is_none()
            && o.header("Location").is_none()
            && o.header("Preference-Applied").is_none()
            && o.result["status"] == 201
            && o.result["statusText"] == "Created"
            && o.result["data"].is_null()
            && o.result["error"].is_null();
        self.expect(
            ok,
            o,
            "want 201, empty body, Content-Range */*, no Content-Type/Location",
        );
    }

    /// PATCH, DELETE or a void call: 204 with this Content-Range.
    fn no_content(&mut self, o: &Outcome, range: &str) {
        let ok = o.status() == 204
            && o.body().is_empty()
            && o.header("Content-Range") == Some(range)
            && o.header("Content-Type").is_none()
            && o.result["status"] == 204
            && o.result["statusText"] == "No Content"
            && o.result["data"].is_null()
            && o.result["error"].is_null();
        self.expect(
            ok,
            o,
            &format!("want 204, empty body, Content-Range {range}"),
        );
    }

    /// The bulk edit: 200 when every row existed, else 201.
    fn upserted(&mut self, o: &Outcome, status: u64) {
        let text = if status == 200 { "OK" } else { "Created" };
        let ok = o.status() == status
            && o.body().is_empty()
            && o.header("Content-Range") == Some("*/*")
            && o.header("Preference-Applied") == Some("resolution=merge-duplicates")
            && o.header("Content-Type").is_none()
            && o.result["status"] == status
            && o.result["statusText"] == text
            && o.result["data"].is_null()
            && o.result["error"].is_null();
        self.expect(
            ok,
            o,
            &format!("want {status}, empty body, Preference-Applied: resolution=merge-duplicates"),
        );
    }

    /// 403 with exactly this PostgREST error body.
    fn forbidden(&mut self, o: &Outcome, body: &str) {
        let ok = o.status() == 403
            && o.body() == body
            && o.header("Content-Type") == Some(JSON_CT)
            && o.header("Proxy-Status") == Some("PostgREST; error=42501")
            && o.result["status"] == 403
            && o.result["statusText"] == "Forbidden"
            && o.result["data"].is_null()
            && o.result["error"] == serde_json::from_str::<Value>(body).unwrap();
        self.expect(ok, o, &format!("want 403 {body}"));
    }

    /// A chart call: 200 and exactly what the function returns to the superuser with the same
    /// arguments (which select the caller's rows), as PostgREST's `json_agg`.
    fn chart(&mut self, o: &Outcome, function: &str, params: &Value) {
        let want = self.demo.psql(&format!(
            "SELECT coalesce(json_agg(_postgrest_t), '[]') FROM \
             (SELECT pgrst_call.* FROM public.{function}({}::jsonb) pgrst_call) _postgrest_t",
            sql_literal(&params.to_string())
        ));
        let rows = serde_json::from_str::<Value>(&want).unwrap();
        let n = rows.as_array().unwrap().len();
        let range = if n == 0 {
            "*/*".to_string()
        } else {
            format!("0-{}/*", n - 1)
        };
        let ok = o.status() == 200
            && o.body() == want
            && o.header("Content-Type") == Some(JSON_CT)
            && o.header("Content-Range") == Some(range.as_str())
            && o.result["status"] == 200
            && o.result["error"].is_null()
            && numbers_as_floats(&o.result["data"]) == numbers_as_floats(&rows);
        self.expect(
            ok,
            o,
            &format!("want 200, Content-Range {range}, {n} rows: {want}"),
        );
        if n == 0 {
            self.fail(format!(
                "{function}({params}) has no row: a chart check that proves nothing"
            ));
        }
    }

    fn count(&mut self, got: usize, want: usize, what: &str) {
        if got != want {
            self.fail(format!("[{}] {what}: {got} rows, want {want}", self.user));
        }
    }

    /// A superuser query's one value, and that it is what it must be.
    fn db(&mut self, sql: &str, want: &str, what: &str) {
        let got = self.demo.psql(sql);
        if got != want {
            self.fail(format!(
                "[{}] {what}: {sql}\n  gave {got:?}, want {want:?}",
                self.user
            ));
        }
    }

    fn finish(self) {
        let Session {
            failures,
            calls,
            user,
            ..
        } = self;
        assert!(
            failures.is_empty(),
            "{} problems in {calls} calls of the web app as {user}:\n\n{}",
            failures.len(),
            failures.join("\n\n")
        );
        eprintln!(
            "{user}: {calls} calls of the web app, each preflighted, as PostgREST answers them"
        );
    }
}

pub(super) fn sql_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `from(table)` with a chain of builder calls.
pub(super) fn from(table: &str, chain: Value) -> Value {
    json!({"from": table, "chain": chain})
}

pub(super) fn rpc(function: &str, args: Value) -> Value {
    json!({"rpc": function, "args": args})
}

/// The transaction list's scope, as the app adds it twice: a user's personal rows, or an
/// organization's.
pub(super) fn scope(user: &str, org: Option<&str>) -> (Vec<Value>, String) {
    match org {
        None => (
            vec![
                json!(["select", "*"]),
                json!(["is", "organization_id", null]),
                json!(["eq", "user_id", user]),
                json!(["is", "organization_id", null]),
                json!(["eq", "user_id", user]),
            ],
            format!("organization_id IS NULL AND user_id = '{user}'"),
        ),
        Some(org) => (
            vec![
                json!(["select", "*"]),
                json!(["eq", "organization_id", org]),
                json!(["eq", "organization_id", org]),
            ],
            format!("organization_id = '{org}'"),
        ),
    }
}

/// The list page's filters: postgrest-js builder calls, the SQL they mean, and the limit.
fn list_filters(categories: &[String]) -> Vec<(&'static str, Vec<Value>, String, Option<usize>)> {
    let (c1, c2) = (&categories[0], &categories[1]);
    let quoted = |cs: &[&String]| {
        cs.iter()
            .map(|c| format!("'{c}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        ("no filter", vec![], "true".into(), None),
        (
            "amount=eq",
            vec![json!(["eq", "amount", -1200])],
            "amount = -1200".into(),
            None,
        ),
        (
            "amount=gt",
            vec![json!(["gt", "amount", 100])],
            "amount > 100".into(),
            None,
        ),
        (
            "amount=gte",
            vec![json!(["gte", "amount", 3400])],
            "amount >= 3400".into(),
            None,
        ),
        (
            "amount=lt, a negative decimal",
            vec![json!(["lt", "amount", -82.81])],
            "amount < -82.81".into(),
            None,
        ),
        (
            "amount=lte, a negative decimal",
            vec![json!(["lte", "amount", -50.5])],
            "amount <= -50.5".into(),
            None,
        ),
        (
            "amount=eq, a negative decimal",
            vec![json!(["eq", "amount", -23.4])],
            "amount = -23.4".into(),
            None,
        ),
        (
            "category_id=in.(…)",
            vec![json!(["in", "category_id", [c1, c2]])],
            format!("category_id IN ({})", quoted(&[c1, c2])),
            None,
        ),
        (
            "category_id=not.in.(…)",
            vec![json!(["not", "category_id", "in", format!("({c1},{c2})")])],
            format!("NOT (category_id IN ({}))", quoted(&[c1, c2])),
            None,
        ),
        (
            "category_id=is.null",
            vec![json!(["is", "category_id", null])],
            "category_id IS NULL".into(),
            None,
        ),
        (
            "status=in.(…)",
            vec![json!(["in", "status", ["pending", "overdue"]])],
            "status IN ('pending', 'overdue')".into(),
            None,
        ),
        (
            "status=not.in.(…)",
            vec![json!(["not", "status", "in", "(paid)"])],
            "NOT (status IN ('paid'))".into(),
            None,
        ),
        (
            "status=is.null",
            vec![json!(["is", "status", null])],
            "status IS NULL".into(),
            None,
        ),
        (
            "status, category and amount together",
            vec![
                json!(["in", "status", ["paid", "pending"]]),
                json!(["not", "category_id", "in", format!("({c1})")]),
                json!(["lt", "amount", 0]),
            ],
            format!(
                "status IN ('paid', 'pending') AND NOT (category_id IN ('{c1}')) AND amount < 0"
            ),
            None,
        ),
        (
            "limit=10",
            vec![json!(["limit", 10])],
            "true".into(),
            Some(10),
        ),
        (
            "limit=50 with a filter",
            vec![json!(["lt", "amount", 0]), json!(["limit", 50])],
            "amount < 0".into(),
            Some(50),
        ),
        (
            "limit=1000",
            vec![json!(["limit", 1000])],
            "true".into(),
            Some(1000),
        ),
    ]
}

/// The transaction list page: every filter, in the scope the app sends; returns the rows of
/// the unfiltered list.
fn list_page(s: &mut Session, user: &str, org: Option<&str>, categories: &[String]) -> usize {
    let (chain, cond) = scope(user, org);
    let mut unfiltered = 0;
    for (what, filters, filter_sql, limit) in list_filters(categories) {
        let mut c = chain.clone();
        c.extend(filters);
        let o = s.call(
            &format!("transactions {} list, {what}", org.unwrap_or("personal")),
            from("transactions", Value::Array(c)),
            READ,
        );
        let visible = transactions_visible_to(s.user);
        let n = s.read(
            &o,
            "transactions",
            &format!("{visible} AND {cond} AND {filter_sql}"),
            None,
            limit,
        );
        if what == "no filter" {
            unfiltered = n;
        }
    }
    unfiltered
}

fn category_id(demo: &Demo, owner: &str, name: &str) -> String {
    demo.psql(&format!(
        "SELECT id FROM categories WHERE user_id = '{owner}' AND organization_id IS NULL AND name = '{name}'"
    ))
}

/// The charts, as the app calls them: `{user_id, organization_id, filters}`.
fn charts(s: &mut Session, user: &str, org: Option<&str>, category: &str) {
    let filter_sets = [
        json!([]),
        json!([{"field": "amount", "operation": "lt", "value": 0}]),
        json!([
            {"field": "status", "operation": "is", "value": ["paid", "pending"]},
            {"field": "transaction_date", "operation": "between", "value": ["2026-02-01", "2026-04-30T23:59:59"]}
        ]),
        json!([{"field": "category", "operation": "is not", "value": [category]}]),
    ];
    for function in [
        "get_transaction_by_category",
        "get_transaction_distribution_by_category",
        "get_transaction_distribution_by_status",
    ] {
        for filters in &filter_sets {
            let params = json!({"user_id": user, "organization_id": org, "filters": filters});
            let o = s.call(
                &format!("{function} {}", filters),
                rpc(function, json!({"params": params})),
                WRITE,
            );
            s.chart(&o, function, &params);
        }
    }
}

/// Categories: list, insert, rename, delete, and `/rpc/delete_category` both ways. `org` makes
/// them the organization's (olivia).
fn categories_page(s: &mut Session, org: Option<&str>) {
    let user = s.user;
    let list = |s: &mut Session, label: &str| {
        let o = s.call(
            label,
            from(
                "categories",
                json!([["select", "*"], ["eq", "user_id", user], ["order", "name", {"ascending": true}]]),
            ),
            READ,
        );
        let cond = format!("user_id = '{user}' AND {}", owned_rows_visible_to(user));
        s.read(&o, "categories", &cond, Some("name"), None)
    };
    let before = list(s, "categories list");
    let o = s.call(
        "categories insert",
        from(
            "categories",
            json!([["insert", {"name": "e2e Pets", "description": "made by the web app test",
                               "color": "orange", "user_id": user, "organization_id": org}]]),
        ),
        WRITE,
    );
    s.created(&o);
    let org_sql = org.map(|o| format!("'{o}'")).unwrap_or("NULL".into());
    s.db(
        &format!(
            "SELECT count(*) FROM categories WHERE name = 'e2e Pets' AND user_id = '{user}'
               AND organization_id IS NOT DISTINCT FROM {org_sql} AND color = 'orange'"
        ),
        "1",
        "the new category",
    );
    let after = list(s, "categories list after the insert");
    if after != before + 1 {
        s.fail(format!(
            "[{user}] categories: {before} before the insert, {after} after"
        ));
    }
    let id = s
        .demo
        .psql("SELECT id FROM categories WHERE name = 'e2e Pets'");
    let o = s.call(
        "categories update",
        from(
            "categories",
            json!([["update", {"name": "e2e Pets & vet", "color": "red"}], ["eq", "id", id]]),
        ),
        WRITE,
    );
    s.no_content(&o, "0-0/*");
    s.db(
        &format!("SELECT name || ' ' || color FROM categories WHERE id = '{id}'"),
        "e2e Pets & vet red",
        "the renamed category",
    );
    let o = s.call(
        "categories delete",
        from("categories", json!([["delete"], ["eq", "id", id]])),
        WRITE,
    );
    s.no_content(&o, "*/*");
    s.db(
        &format!("SELECT count(*) FROM categories WHERE id = '{id}'"),
        "0",
        "the deleted category",
    );

    // delete_category, keeping and then deleting the category's transactions.
    for cascade in [false, true] {
        let name = format!("e2e Old {cascade}");
        let o = s.call(
            "categories insert",
            from(
                "categories",
                json!([["insert", {"name": name, "user_id": user, "organization_id": org}]]),
            ),
            WRITE,
        );
        s.created(&o);
        let cat = s
            .demo
            .psql(&format!("SELECT id FROM categories WHERE name = '{name}'"));
        let o = s.call(
            "transactions insert in the category",
            from(
                "transactions",
                json!([["insert", {"name": format!("e2e in {name}"), "amount": -5,
                                   "category_id": cat, "user_id": user, "organization_id": org,
                                   "transaction_date": "2026-05-01T12:00:00.000Z"}]]),
            ),
            WRITE,
        );
        s.created(&o);
        let o = s.call(
            &format!("rpc delete_category, p_cascade_delete {cascade}"),
            rpc(
                "delete_category",
                json!({"p_category_id": cat, "p_cascade_delete": cascade}),
            ),
            WRITE,
        );
        s.no_content(&o, "0-0/*");
        s.db(
            &format!(
                "SELECT (SELECT count(*) FROM categories WHERE id = '{cat}') || ' ' ||
                        (SELECT count(*) FROM transactions WHERE name = 'e2e in {name}' AND category_id IS NULL)"
            ),
            if cascade { "0 0" } else { "0 1" },
            "delete_category: the category gone, its transaction kept uncategorized or deleted",
        );
    }
}

/// Transactions written as the app does: insert, bulk edit twice, delete. `org` makes them the
/// organization's (olivia).
fn transactions_writes(s: &mut Session, org: Option<&str>, category: &str) {
    let user = s.user;
    for (name, amount, status, date) in [
        ("e2e tx coffee", -3.8, "paid", "2026-04-02T08:15:00.000Z"),
        ("e2e tx train", -42.5, "pending", "2026-04-03T17:45:30.250Z"),
    ] {
        let o = s.call(
            "transactions insert",
            from(
                "transactions",
                json!([["insert", {"name": name, "amount": amount, "currency": "usd",
                                   "status": status, "category_id": category,
                                   "transaction_date": date, "user_id": user,
                                   "organization_id": org}]]),
            ),
            WRITE,
        );
        s.created(&o);
    }
    let org_sql = org.map(|o| format!("'{o}'")).unwrap_or("NULL".into());
    s.db(
        &format!(
            "SELECT string_agg(name || '|' || amount || '|' || status || '|' || transaction_date || '|' ||
                               user_id || '|' || coalesce(organization_id, 'null'), ', ' ORDER BY name)
               FROM transactions WHERE name LIKE 'e2e tx %' AND organization_id IS NOT DISTINCT FROM {org_sql}"
        ),
        &format!(
            "e2e tx coffee|-3.80|paid|2026-04-02 08:15:00|{user}|{o}, e2e tx train|-42.50|pending|2026-04-03 17:45:30.25|{user}|{o}",
            o = org.unwrap_or("null")
        ),
        "the inserted transactions (transaction_date from the ISO string, zone dropped)",
    );

    // The bulk edit: the rows as the list gave them, edited, plus a new one → 201; then only
    // existing rows → 200.
    let rows: Value =
        serde_json::from_str(&s.demo.psql(
            "SELECT json_agg(t ORDER BY name) FROM transactions t WHERE name LIKE 'e2e tx %'",
        ))
        .unwrap();
    let mut edited: Vec<Value> = rows.as_array().unwrap().clone();
    for r in &mut edited {
        r["name"] = json!(format!("{} (edited)", r["name"].as_str().unwrap()));
        r["status"] = json!("overdue");
    }
    let new_id = s.demo.psql("SELECT gen_random_uuid()");
    let mut fresh = edited[0].clone();
    fresh["id"] = json!(new_id);
    fresh["name"] = json!("e2e tx bulk new");
    fresh["amount"] = json!(-7.25);
    let mut batch = edited.clone();
    batch.push(fresh);
    let o = s.call(
        "transactions bulk edit with a new row",
        from("transactions", json!([["upsert", batch]])),
        UPSERT,
    );
    // postgrest-js names every key of the rows, quoted, in the order the rows have them.
    let keys: Vec<String> = batch[0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| format!("%22{k}%22"))
        .collect();
    let columns = o
        .url()
        .ends_with(&format!("/transactions?columns={}", keys.join("%2C")));
    s.expect(
        columns,
        &o,
        "the bulk edit names every column of its rows (?columns=\"amount\",\"category_id\",…)",
    );
    s.upserted(&o, 201);
    s.db(
        "SELECT string_agg(name || '|' || status || '|' || amount, ', ' ORDER BY name)
           FROM transactions WHERE name LIKE 'e2e tx %'",
        "e2e tx bulk new|overdue|-7.25, e2e tx coffee (edited)|overdue|-3.80, e2e tx train (edited)|overdue|-42.50",
        "after the bulk edit",
    );
    for r in &mut edited {
        r["status"] = json!("paid");
        r["amount"] = json!(-1.5);
    }
    let o = s.call(
        "transactions bulk edit of existing rows",
        from("transactions", json!([["upsert", edited]])),
        UPSERT,
    );
    s.upserted(&o, 200);
    s.db(
        "SELECT string_agg(name || '|' || status || '|' || amount || '|' || (updated_at > created_at), ', ' ORDER BY name)
           FROM transactions WHERE name LIKE 'e2e tx %'",
        "e2e tx bulk new|overdue|-7.25|false, e2e tx coffee (edited)|paid|-1.50|true, e2e tx train (edited)|paid|-1.50|true",
        "after the second bulk edit (the trigger set updated_at)",
    );

    // Delete the selection.
    let ids: Vec<String> = s
        .demo
        .psql("SELECT id FROM transactions WHERE name LIKE 'e2e tx %' ORDER BY name")
        .lines()
        .map(String::from)
        .collect();
    let o = s.call(
        "transactions delete selected",
        from("transactions", json!([["delete"], ["in", "id", ids]])),
        WRITE,
    );
    s.no_content(&o, "*/*");
    s.db(
        "SELECT count(*) FROM transactions WHERE name LIKE 'e2e tx %'",
        "0",
        "the deleted selection",
    );
}

/// Subscriptions: the list, and an insert (personal, or the organization's).
fn subscriptions_page(s: &mut Session, org: Option<&str>) -> usize {
    let user = s.user;
    let o = s.call(
        "subscriptions list",
        from("subscriptions", json!([["select", "*"]])),
        READ,
    );
    let n = s.read(
        &o,
        "subscriptions",
        &owned_rows_visible_to(user),
        None,
        None,
    );
    let o = s.call(
        "subscriptions insert",
        from(
            "subscriptions",
            json!([["insert", {"title": "e2e Music", "amount": 10.99, "period": "monthly",
                               "interval_in_days": 30, "user_id": user, "organization_id": org}]]),
        ),
        WRITE,
    );
    s.created(&o);
    let org_sql = org.map(|o| format!("'{o}'")).unwrap_or("NULL".into());
    s.db(
        &format!(
            "SELECT count(*) FROM subscriptions WHERE title = 'e2e Music' AND amount = 10.99
               AND period = 'monthly' AND user_id = '{user}' AND organization_id IS NOT DISTINCT FROM {org_sql}"
        ),
        "1",
        "the new subscription",
    );
    let o = s.call(
        "subscriptions list after the insert",
        from("subscriptions", json!([["select", "*"]])),
        READ,
    );
    let after = s.read(
        &o,
        "subscriptions",
        &owned_rows_visible_to(user),
        None,
        None,
    );
    if after != n + 1 {
        s.fail(format!(
            "[{user}] subscriptions: {n} before the insert, {after} after"
        ));
    }
    n
}

/// Deletes two of org_acme's rows as a user whose token may not: row-level security leaves
/// nothing to delete, so 204 and `Content-Range: */*`.
fn delete_acme_rows_in_vain(s: &mut Session) {
    let o = s.call(
        "delete org_acme's rows",
        from(
            "transactions",
            json!([
                ["delete"],
                [
                    "in",
                    "id",
                    [
                        "7a000003-0000-4000-8000-000000000001",
                        "7a000003-0000-4000-8000-000000000002"
                    ]
                ]
            ]),
        ),
        WRITE,
    );
    s.no_content(&o, "*/*");
}

/// Writes the policies refuse: 403 42501 in PostgREST's shape, nothing written.
fn refused_insert(s: &mut Session, label: &str, row: Value) {
    let o = s.call(label, from("transactions", json!([["insert", row]])), WRITE);
    s.forbidden(&o, &rls_violation("transactions"));
}

/// The same user's unscoped list: every row the token reaches, the README's count.
fn everything(s: &mut Session, want: usize) {
    let o = s.call(
        "transactions, all the token reaches",
        from("transactions", json!([["select", "*"]])),
        READ,
    );
    let n = s.read(
        &o,
        "transactions",
        &transactions_visible_to(s.user),
        None,
        None,
    );
    s.count(
        n,
        want,
        "all transactions the token reaches (sql/app/README.md)",
    );
}

#[test]
fn alice_personal_budget() {
    let demo = demo();
    let _guard = exclusive();
    assert_demo_rows(demo);
    let mut s = Session::new(demo, ALICE);
    let groceries = ALICE_GROCERIES.to_string();
    let rent = "0b1c2d3e-0000-4000-8000-000000000002".to_string();

    everything(&mut s, 124);
    let n = list_page(&mut s, ALICE, None, &[groceries.clone(), rent]);
    s.count(n, 124, "alice's personal list");
    // Scopes that are not hers: nothing.
    let o = s.call(
        "olivia's personal rows",
        from("transactions", Value::Array(scope(OLIVIA, None).0)),
        READ,
    );
    s.read(&o, "transactions", "false", None, None);
    let o = s.call(
        "org_acme's rows",
        from("transactions", Value::Array(scope(ALICE, Some(ACME)).0)),
        READ,
    );
    s.read(&o, "transactions", "false", None, None);

    categories_page(&mut s, None);
    transactions_writes(&mut s, None, &groceries);
    let subs = subscriptions_page(&mut s, None);
    s.count(subs, 3, "alice's subscriptions (sql/app/90-demo.sql)");
    charts(&mut s, ALICE, None, &groceries);

    // Policies: another user's rows, an organization she is not in.
    refused_insert(
        &mut s,
        "insert for org_acme",
        json!({"name": "e2e planted", "amount": -1, "user_id": ALICE, "organization_id": ACME}),
    );
    refused_insert(
        &mut s,
        "insert for olivia",
        json!({"name": "e2e planted", "amount": -1, "user_id": OLIVIA, "organization_id": null}),
    );
    let o = s.call(
        "categories insert for org_acme",
        from(
            "categories",
            json!([["insert", {"name": "e2e planted", "user_id": ALICE, "organization_id": ACME}]]),
        ),
        WRITE,
    );
    s.forbidden(&o, &rls_violation("categories"));
    let before = s.rows(
        "transactions",
        "organization_id IS NOT NULL OR user_id <> 'user_alice'",
    );
    let o = s.call(
        "update olivia's row",
        from(
            "transactions",
            json!([["update", {"name": "e2e hijacked"}], ["eq", "id", "7a000002-0000-4000-8000-000000000001"]]),
        ),
        WRITE,
    );
    s.no_content(&o, "*/*");
    delete_acme_rows_in_vain(&mut s);
    let after = s.rows(
        "transactions",
        "organization_id IS NOT NULL OR user_id <> 'user_alice'",
    );
    if before != after {
        s.fail("[user_alice] another user's rows changed".into());
    }
    s.db(
        "SELECT count(*) FROM transactions WHERE name = 'e2e planted'",
        "0",
        "nothing planted",
    );

    remove_test_rows(demo);
    assert_demo_rows(demo);
    s.finish();
}

#[test]
fn olivia_owner_of_acme() {
    let demo = demo();
    let _guard = exclusive();
    assert_demo_rows(demo);
    let mut s = Session::new(demo, OLIVIA);
    let revenue = "0b1c2d3e-0000-4000-8000-000000000021".to_string();
    let payroll = "0b1c2d3e-0000-4000-8000-000000000022".to_string();
    let groceries = "0b1c2d3e-0000-4000-8000-000000000011".to_string();
    let hobbies = "0b1c2d3e-0000-4000-8000-000000000013".to_string();

    everything(&mut s, 260);
    let personal = list_page(&mut s, OLIVIA, None, &[groceries.clone(), hobbies]);
    s.count(personal, 80, "olivia's personal list");
    let acme = list_page(&mut s, OLIVIA, Some(ACME), &[revenue.clone(), payroll]);
    s.count(acme, 180, "org_acme's list");

    categories_page(&mut s, Some(ACME));
    transactions_writes(&mut s, Some(ACME), &revenue);
    transactions_writes(&mut s, None, &groceries);
    let subs = subscriptions_page(&mut s, Some(ACME));
    s.count(subs, 4, "olivia's subscription and org_acme's three");
    charts(&mut s, OLIVIA, None, &groceries);
    charts(&mut s, OLIVIA, Some(ACME), &revenue);

    refused_insert(
        &mut s,
        "insert for alice",
        json!({"name": "e2e planted", "amount": -1, "user_id": ALICE, "organization_id": null}),
    );
    refused_insert(
        &mut s,
        "insert for another organization",
        json!({"name": "e2e planted", "amount": -1, "user_id": OLIVIA, "organization_id": "org_other"}),
    );

    remove_test_rows(demo);
    assert_demo_rows(demo);
    s.finish();
}

#[test]
fn victor_viewer_of_acme() {
    let demo = demo();
    let _guard = exclusive();
    assert_demo_rows(demo);
    let mut s = Session::new(demo, VICTOR);
    let revenue = "0b1c2d3e-0000-4000-8000-000000000021".to_string();
    let payroll = "0b1c2d3e-0000-4000-8000-000000000022".to_string();
    let food = category_id(demo, VICTOR, "Food");

    everything(&mut s, 180);
    let personal = list_page(&mut s, VICTOR, None, &[food.clone(), revenue.clone()]);
    s.count(personal, 0, "victor has no personal transaction");
    let acme = list_page(&mut s, VICTOR, Some(ACME), &[revenue.clone(), payroll]);
    s.count(acme, 180, "org_acme's list, read-only");
    charts(&mut s, VICTOR, Some(ACME), &revenue);
    let o = s.call(
        "subscriptions list",
        from("subscriptions", json!([["select", "*"]])),
        READ,
    );
    let subs = s.read(
        &o,
        "subscriptions",
        &owned_rows_visible_to(VICTOR),
        None,
        None,
    );
    s.count(subs, 3, "org_acme's subscriptions");
    let o = s.call(
        "categories list",
        from(
            "categories",
            json!([["select", "*"], ["eq", "user_id", VICTOR], ["order", "name", {"ascending": true}]]),
        ),
        READ,
    );
    s.read(
        &o,
        "categories",
        &format!("user_id = '{VICTOR}' AND {}", owned_rows_visible_to(VICTOR)),
        Some("name"),
        None,
    );

    // The viewer writes nothing of the organization's.
    let org_rows = "organization_id = 'org_acme'";
    let before = (
        s.rows("transactions", org_rows),
        s.rows("categories", org_rows),
        s.rows("subscriptions", org_rows),
    );
    refused_insert(
        &mut s,
        "insert for org_acme",
        json!({"name": "e2e by the viewer", "amount": -9.99, "currency": "usd", "status": "paid",
               "category_id": revenue, "transaction_date": "2026-05-02T09:00:00.000Z",
               "user_id": VICTOR, "organization_id": ACME}),
    );
    let o = s.call(
        "update org_acme's row",
        from(
            "transactions",
            json!([["update", {"name": "e2e renamed by the viewer"}], ["eq", "id", "7a000003-0000-4000-8000-000000000001"]]),
        ),
        WRITE,
    );
    s.no_content(&o, "*/*");
    delete_acme_rows_in_vain(&mut s);
    let rows: Value = serde_json::from_str(&demo.psql(
        "SELECT json_agg(t ORDER BY id) FROM transactions t
          WHERE id IN ('7a000003-0000-4000-8000-000000000001', '7a000003-0000-4000-8000-000000000002')",
    ))
    .unwrap();
    let mut edited = rows.as_array().unwrap().clone();
    for r in &mut edited {
        r["name"] = json!("e2e bulk-edited by the viewer");
    }
    let o = s.call(
        "bulk edit of org_acme's rows",
        from("transactions", json!([["upsert", edited]])),
        UPSERT,
    );
    s.forbidden(&o, &rls_violation("transactions"));
    let o = s.call(
        "categories insert for org_acme",
        from(
            "categories",
            json!([["insert", {"name": "e2e by the viewer", "user_id": VICTOR, "organization_id": ACME}]]),
        ),
        WRITE,
    );
    s.forbidden(&o, &rls_violation("categories"));
    let o = s.call(
        "categories update of org_acme's",
        from(
            "categories",
            json!([["update", {"name": "e2e renamed by the viewer"}], ["eq", "id", revenue]]),
        ),
        WRITE,
    );
    s.no_content(&o, "*/*");
    // sql/app/70-functions.sql: a category the caller sees but may not delete is refused.
    for cascade in [false, true] {
        let o = s.call(
            &format!("rpc delete_category of org_acme's, p_cascade_delete {cascade}"),
            rpc(
                "delete_category",
                json!({"p_category_id": revenue, "p_cascade_delete": cascade}),
            ),
            WRITE,
        );
        let visible = demo.psql(&format!(
            "SELECT count(*) FROM transactions WHERE category_id = '{revenue}'"
        ));
        let body = if cascade {
            format!(
                r#"{{"code":"42501","details":"0 of its {visible} transactions may be deleted by you","hint":"call delete_category with p_cascade_delete = false to keep them, uncategorized","message":"permission denied to delete the transactions of category {revenue}"}}"#
            )
        } else {
            format!(
                r#"{{"code":"42501","details":null,"hint":"deleting an organization's category needs its 'transaction' delete right","message":"permission denied to delete category {revenue}"}}"#
            )
        };
        s.forbidden(&o, &body);
    }
    let o = s.call(
        "subscriptions insert for org_acme",
        from(
            "subscriptions",
            json!([["insert", {"title": "e2e by the viewer", "amount": 1, "period": "monthly",
                               "user_id": VICTOR, "organization_id": ACME}]]),
        ),
        WRITE,
    );
    s.forbidden(&o, &rls_violation("subscriptions"));
    let after = (
        s.rows("transactions", org_rows),
        s.rows("categories", org_rows),
        s.rows("subscriptions", org_rows),
    );
    if before != after {
        s.fail("[user_victor] the viewer changed org_acme's rows".into());
    }

    // His own personal budget he may write.
    let food_cat = food.clone();
    let o = s.call(
        "transactions insert, personal",
        from(
            "transactions",
            json!([["insert", {"name": "e2e victor lunch", "amount": -14.2, "category_id": food_cat,
                               "transaction_date": "2026-05-03T12:30:00.000Z", "user_id": VICTOR,
                               "organization_id": null}]]),
        ),
        WRITE,
    );
    s.created(&o);
    let id = demo.psql("SELECT id FROM transactions WHERE name = 'e2e victor lunch'");
    let o = s.call(
        "transactions delete, personal",
        from("transactions", json!([["delete"], ["eq", "id", id]])),
        WRITE,
    );
    s.no_content(&o, "*/*");
    s.db(
        "SELECT count(*) FROM transactions WHERE name = 'e2e victor lunch'",
        "0",
        "victor's own row deleted",
    );

    remove_test_rows(demo);
    assert_demo_rows(demo);
    s.finish();
}

#[test]
fn content_location_is_postgrests_canonical_query() {
    // QueryParams.qsCanonical, as PostgREST's own spec (QuerySpec "Content-Location")
    // shows: sorted by name, repeated names joined with ",", values percent-encoded.
    assert_eq!(
        content_location("http://h:1/items?select=id,name&order=id.desc&limit=2"),
        "/items?limit=2&order=id.desc&select=id%2Cname"
    );
    assert_eq!(
        content_location("http://h:1/items?select=id&qty=gte.5&qty=lte.10&order=id"),
        "/items?order=id&qty=gte.5,lte.10&select=id"
    );
    assert_eq!(
        content_location("http://h:1/docs?select=id&tsv=plfts.fat+rats"),
        "/docs?select=id&tsv=plfts.fat%20rats"
    );
    assert_eq!(content_location("http://h:1/items"), "/items");
}
