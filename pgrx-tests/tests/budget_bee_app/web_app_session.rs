//! The harness of `web_app`: drives postgrest-js (`pgrx-tests/js/web_app.mjs`) as a demo user
//! and holds each call to the preflight, headers and rows PostgREST v13 gives; `browser` shares it.

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
pub(super) const READ: &str = "authorization,contenttype";
pub(super) const WRITE: &str = "authorization,content-type,contenttype";
pub(super) const UPSERT: &str = "authorization,content-type,contenttype,prefer";

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
pub(super) struct Outcome {
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

    pub(super) fn url(&self) -> &str {
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
pub(super) struct Session<'a> {
    pub(super) demo: &'a Demo,
    app: WebApp,
    pub(super) user: &'static str,
    token: String,
    failures: Vec<String>,
    calls: usize,
}

impl<'a> Session<'a> {
    pub(super) fn new(demo: &'a Demo, user: &'static str) -> Session<'a> {
        Session {
            demo,
            app: WebApp::start(&format!("http://127.0.0.1:{}", demo.http_port)),
            user,
            token: demo.token(user).to_string(),
            failures: Vec::new(),
            calls: 0,
        }
    }

    pub(super) fn fail(&mut self, what: String) {
        self.failures.push(what);
    }

    pub(super) fn expect(&mut self, ok: bool, o: &Outcome, what: &str) {
        if !ok {
            self.fail(format!("{what}\n{}", o.context()));
        }
    }

    /// Makes one call as the app does, and checks the browser's side of it: one preflight
    /// answered as PostgREST answers it, then the request, answered with CORS headers.
    pub(super) fn call(&mut self, label: &str, mut call: Value, acrh: &str) -> Outcome {
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
    pub(super) fn rows(&self, table: &str, cond: &str) -> Vec<String> {
        let out = self.demo.psql(&format!(
            "SELECT row_to_json(t) FROM {table} t WHERE {cond} ORDER BY row_to_json(t)::text"
        ));
        let mut rows: Vec<String> = out.lines().map(String::from).collect();
        rows.sort();
        rows
    }

    /// A read: 200, PostgREST's headers, exactly the rows `cond` selects (sorted by `order`
    /// when given); with `limit`, that many of them.
    pub(super) fn read(
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
    pub(super) fn created(&mut self, o: &Outcome) {
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
    pub(super) fn no_content(&mut self, o: &Outcome, range: &str) {
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
    pub(super) fn upserted(&mut self, o: &Outcome, status: u64) {
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
    pub(super) fn forbidden(&mut self, o: &Outcome, body: &str) {
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
    pub(super) fn chart(&mut self, o: &Outcome, function: &str, params: &Value) {
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

    pub(super) fn count(&mut self, got: usize, want: usize, what: &str) {
        if got != want {
            self.fail(format!("[{}] {what}: {got} rows, want {want}", self.user));
        }
    }

    /// A superuser query's one value, and that it is what it must be.
    pub(super) fn db(&mut self, sql: &str, want: &str, what: &str) {
        let got = self.demo.psql(sql);
        if got != want {
            self.fail(format!(
                "[{}] {what}: {sql}\n  gave {got:?}, want {want:?}",
                self.user
            ));
        }
    }

    pub(super) fn finish(self) {
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
