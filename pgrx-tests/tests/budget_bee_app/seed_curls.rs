//! The seed document's `curl`s (shared/seed/budgetbee-postgrest-doc.txt, Budget Bee's page about
//! its PostgREST), extracted from the document when the test runs and run with real curl
//! through bash, against the demo: each must do what the document says it does.
//!
//! Verbatim apart from:
//! - `<jwt_token>` → alice's demo token, `<category_uuid>` → her Groceries category;
//! - `localhost:5101` → `127.0.0.1:<the test's API port>`: the test serves the API on a free
//!   port (5101 may be a developer's `make run`), on the IPv4 loopback only;
//! - observation-only curl options after `curl`: `-sS` (no progress meter), `-D <file>` (the
//!   response headers), and `-o <file> -w '%{http_code}'` unless the command redirects the
//!   output itself (the OpenAPI one, `> openapi.json`, is left to do so). None changes the
//!   request.
//!
//! The `curl`s to `localhost:3000` are Better Auth's (`GET /api/auth/jwks`, the web app's
//! signing keys), not the API's: the API never serves that path, so they are left out here
//! (counted, so a new API curl in the document cannot slip by unrun).
//!
//! PostgREST v13 behaviour each outcome is held to (PostgREST/postgrest src/PostgREST/Response.hs
//! `actionResponse`, RangeQuery `contentRangeH`, Error.hs): a read is 200 with
//! `Content-Range: 0-<n-1>/*` (`*/*` for no row, `*/<total>` with `Prefer: count=exact`) and
//! `Content-Location: /<table>`; an insert without `Prefer` is 201 with no body, no
//! Content-Type, no Location and `Content-Range: */*`; a scalar call is 200 and the value as
//! JSON; `GET /` is Swagger 2.0 as `application/openapi+json; charset=utf-8`.

use super::*;
use budgetbee_e2e::python;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The document: shared/ sits beside the clone (in CI too).
fn seed_document() -> String {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let path = std::env::var("BUDGETBEE_SEED_DOC")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo.join("../shared/seed/budgetbee-postgrest-doc.txt"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the seed document {}: {e}", path.display()))
}

/// Every `curl` command in the text: from a line starting with `curl` through its
/// continuation lines (a trailing `\`, or a single-quoted argument still open).
fn curls(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if !line.trim_start().starts_with("curl ") {
            continue;
        }
        let mut cmd = line.trim().to_string();
        loop {
            let open_quote = cmd.matches('\'').count() % 2 == 1;
            if !open_quote && !cmd.ends_with('\\') {
                break;
            }
            match lines.next() {
                Some(next) => {
                    cmd.push('\n');
                    cmd.push_str(next);
                }
                None => panic!("unterminated curl in the seed document: {cmd}"),
            }
        }
        out.push(cmd);
    }
    out
}

struct Ran {
    command: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    /// The working directory the command ran in (for files it wrote itself).
    cwd: PathBuf,
    took: Duration,
}

impl Ran {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", self.command, self.body))
    }

    fn context(&self) -> String {
        format!(
            "{}\n→ {} {:?}\n{}",
            self.command, self.status, self.headers, self.body
        )
    }
}

/// Runs one command, rewritten as the module's doc says, with bash; `n` names its files.
fn run(raw: &str, n: usize, port: u16, token: &str, work: &Path) -> Ran {
    let cwd = work.join(format!("curl-{n}"));
    let _ = std::fs::remove_dir_all(&cwd);
    std::fs::create_dir_all(&cwd).unwrap();
    let headers_file = cwd.join("headers");
    let body_file = cwd.join("body");
    let redirects = raw.contains(" > ");
    let observe = if redirects {
        format!("curl -sS -D '{}' ", headers_file.display())
    } else {
        format!(
            "curl -sS -D '{}' -o '{}' -w '%{{http_code}}' ",
            headers_file.display(),
            body_file.display()
        )
    };
    let command = raw
        .replace("<jwt_token>", token)
        .replace("<category_uuid>", ALICE_GROCERIES)
        .replace("localhost:5101", &format!("127.0.0.1:{port}"))
        .replacen("curl ", &observe, 1);
    let started = Instant::now();
    let mut child = Command::new("bash")
        .args(["-c", &command])
        .current_dir(&cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    // Bounded: the HEAD request takes as long as the server keeps the idle connection (30 s).
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("{command}\ndid not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{command}\nfailed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let head = std::fs::read_to_string(&headers_file).unwrap_or_default();
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{command}\nno status line: {head:?}"));
    if !redirects {
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            status.to_string(),
            "-w's status"
        );
    }
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect();
    let body = std::fs::read_to_string(&body_file).unwrap_or_default();
    Ran {
        command,
        status,
        headers,
        body,
        cwd,
        took,
    }
}

/// Alice's rows as the superuser reads them, by id: what her token must show.
fn alice_rows(demo: &Demo) -> Vec<Value> {
    let text = demo.psql(&format!(
        "SELECT coalesce(json_agg(t ORDER BY id), '[]') FROM transactions t WHERE {}",
        transactions_visible_to(ALICE)
    ));
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn sorted_by_id(v: &Value) -> Vec<Value> {
    let mut rows = v.as_array().expect("an array").clone();
    rows.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    rows
}

/// Which of the document's API curls a command is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seed {
    List,
    Create,
    Filter,
    Stat,
    Anonymous,
    WithToken,
    HeadCount,
    Status,
    OpenApiFile,
}

fn classify(cmd: &str) -> Seed {
    let token = cmd.contains("<jwt_token>");
    if cmd.contains("-X HEAD") {
        Seed::HeadCount
    } else if cmd.contains("> openapi.json") {
        Seed::OpenApiFile
    } else if cmd.contains("/rpc/get_filtered_transactions") {
        Seed::Filter
    } else if cmd.contains("/rpc/get_transaction_stat") {
        Seed::Stat
    } else if cmd.contains("-X POST") && cmd.contains("/transactions") {
        Seed::Create
    } else if cmd.contains("-X GET") && cmd.contains("/transactions") && token {
        Seed::List
    } else if cmd.contains("/transactions") && token {
        Seed::WithToken
    } else if cmd.contains("/transactions") {
        Seed::Anonymous
    } else if cmd.trim_end().ends_with("localhost:5101/") {
        Seed::Status
    } else {
        panic!("an API curl this test does not know: {cmd}")
    }
}

#[test]
fn the_seed_documents_curls_do_what_it_says() {
    let demo = demo();
    let port = demo.http_port;
    let token = demo.token(ALICE).to_string();
    let work = demo.dir.join("seed-curls");

    let all = curls(&seed_document());
    // Better Auth's: `curl http://localhost:3000/api/auth/jwks` (twice), not the API's.
    let (auth, api): (Vec<String>, Vec<String>) =
        all.into_iter().partition(|c| c.contains("localhost:3000"));
    assert_eq!(auth.len(), 2, "Better Auth's curls: {auth:#?}");
    assert!(
        auth.iter().all(|c| c.contains("/api/auth/jwks")),
        "{auth:#?}"
    );
    let kinds: Vec<Seed> = api.iter().map(|c| classify(c)).collect();
    use Seed::*;
    assert_eq!(
        kinds,
        [
            List,
            Create,
            Filter,
            Stat,
            Anonymous,
            WithToken,
            HeadCount,
            Status,
            OpenApiFile
        ],
        "the document's API curls, in its order: {api:#?}"
    );
    assert!(api.iter().all(|c| c.contains("localhost:5101")), "{api:#?}");

    // The HEAD request waits for a body the server never announces (no Content-Length, as
    // PostgREST's warp) until the server closes the idle connection: run it beside the others.
    // Anonymous, it is unaffected by their writes.
    let head = {
        let cmd = api[6].clone();
        let (token, work) = (token.clone(), work.clone());
        std::thread::spawn(move || run(&cmd, 6, port, &token, &work))
    };

    let _guard = exclusive();
    assert_demo_rows(demo);
    remove_test_rows(demo);
    let mut failures = Vec::new();
    let mut expect = |ok: bool, what: String| {
        if !ok {
            failures.push(what);
        }
    };

    // List Transactions: alice's rows only, all of them.
    let before = alice_rows(demo);
    assert_eq!(
        before.len(),
        124,
        "sql/app/README.md: alice sees 124 transactions"
    );
    let r = run(&api[0], 0, port, &token, &work);
    expect(r.status == 200, format!("list: status\n{}", r.context()));
    expect(
        r.header("Content-Type") == Some("application/json; charset=utf-8")
            && r.header("Content-Range") == Some("0-123/*")
            && r.header("Content-Location") == Some("/transactions"),
        format!("list: headers\n{}", r.context()),
    );
    expect(
        sorted_by_id(&r.json()) == before,
        format!("list: not exactly alice's rows\n{}", r.context()),
    );

    // Create Transaction: 201, nothing in the body, the row is alice's.
    let r = run(&api[1], 1, port, &token, &work);
    expect(
        r.status == 201 && r.body.is_empty(),
        format!("create: status/body\n{}", r.context()),
    );
    expect(
        r.header("Content-Range") == Some("*/*")
            && r.header("Content-Type").is_none()
            && r.header("Location").is_none()
            && r.header("Preference-Applied").is_none(),
        format!("create: headers\n{}", r.context()),
    );
    let created = demo.psql(
        "SELECT amount || '|' || name || '|' || category_id || '|' || transaction_date || '|' ||
                user_id || '|' || coalesce(organization_id, 'null') || '|' || status || '|' || currency
           FROM transactions WHERE id::text NOT LIKE '7a00000_-0000-4000-8000-%'",
    );
    expect(
        created
            == format!(
                "-50.00|Grocery Shopping|{ALICE_GROCERIES}|2026-03-05 10:30:00|user_alice|null|paid|usd"
            ),
        format!("create: the new row is {created:?}"),
    );

    // Filter Transactions: amount > 100 and from 2026-01-01, newest first: 7 of alice's.
    let r = run(&api[2], 2, port, &token, &work);
    let want: Value = serde_json::from_str(&demo.psql(&format!(
        "SELECT coalesce(json_agg(t ORDER BY id), '[]') FROM transactions t
          WHERE {} AND amount > 100 AND transaction_date >= '2026-01-01'",
        transactions_visible_to(ALICE)
    )))
    .unwrap();
    expect(
        r.status == 200
            && r.header("Content-Type") == Some("application/json; charset=utf-8")
            && r.header("Content-Range") == Some("0-6/*"),
        format!("filter: status/headers\n{}", r.context()),
    );
    let rows = r.json();
    expect(
        want.as_array().unwrap().len() == 7 && sorted_by_id(&rows) == *want.as_array().unwrap(),
        format!("filter: want alice's 7 rows {want}\n{}", r.context()),
    );
    let dates: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["transaction_date"].as_str().unwrap())
        .collect();
    expect(
        rows.as_array().unwrap().iter().all(|t| {
            t["amount"].as_f64().unwrap() > 100.0
                && t["transaction_date"].as_str().unwrap() >= "2026-01-01"
                && t["user_id"] == ALICE
        }) && dates.windows(2).all(|w| w[0] >= w[1]),
        format!(
            "filter: rows outside the filters or not newest first\n{}",
            r.context()
        ),
    );

    // Get Transaction Statistics for user_123, who is nobody (and not alice): 0.
    let r = run(&api[3], 3, port, &token, &work);
    expect(
        r.status == 200
            && r.body == "0"
            && r.header("Content-Type") == Some("application/json; charset=utf-8")
            && r.header("Content-Range") == Some("0-0/*"),
        format!("stat: want 200 and 0\n{}", r.context()),
    );

    // Anonymous: anon may select transactions but no policy lets it see a row.
    let r = run(&api[4], 4, port, &token, &work);
    expect(
        r.status == 200
            && r.body == "[]"
            && r.header("Content-Range") == Some("*/*")
            && r.header("Content-Type") == Some("application/json; charset=utf-8"),
        format!("anonymous: want 200 []\n{}", r.context()),
    );

    // Authenticated: alice's rows, now with the one the create added.
    let now = alice_rows(demo);
    assert_eq!(now.len(), 125);
    let r = run(&api[5], 5, port, &token, &work);
    expect(
        r.status == 200 && r.header("Content-Range") == Some("0-124/*"),
        format!("with token: status/headers\n{}", r.context()),
    );
    expect(
        sorted_by_id(&r.json()) == now,
        format!("with token: not exactly alice's rows\n{}", r.context()),
    );

    // The status check: the OpenAPI (Swagger 2.0) document of what anon may reach.
    let r = run(&api[7], 7, port, &token, &work);
    expect(
        r.status == 200
            && r.header("Content-Type") == Some("application/openapi+json; charset=utf-8"),
        format!("status check: status/headers\n{}", r.context()),
    );
    // PostgREST's default openapi-mode, follow-privileges: the tables and functions of the
    // schema that anon may use (transactions to read; the extension's claim helpers).
    let doc = r.json();
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();
    let mut want: Vec<String> = demo
        .psql(
            "SELECT '/' || relname FROM pg_class
              WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v', 'm', 'f', 'p')
                AND has_table_privilege('anon', oid, 'SELECT, INSERT, UPDATE, DELETE')
             UNION ALL
             SELECT '/rpc/' || proname FROM pg_proc
              WHERE pronamespace = 'public'::regnamespace AND prokind = 'f'
                AND has_function_privilege('anon', oid, 'EXECUTE')",
        )
        .lines()
        .map(String::from)
        .chain(["/".to_string()])
        .collect();
    want.sort();
    expect(
        doc["swagger"] == "2.0" && paths == want && want.contains(&"/transactions".to_string()),
        format!(
            "status check: want Swagger 2.0 with paths {want:?}\n{}",
            r.context()
        ),
    );
    let (ok, out) = python("validate_openapi.py", &["2.0"], &r.body);
    expect(
        ok,
        format!("status check: the document does not validate:\n{out}"),
    );

    // The OpenAPI spec into openapi.json: the same document, valid JSON.
    let f = run(&api[8], 8, port, &token, &work);
    let file = std::fs::read_to_string(f.cwd.join("openapi.json")).unwrap_or_default();
    expect(
        f.status == 200
            && f.header("Content-Type") == Some("application/openapi+json; charset=utf-8"),
        format!("openapi.json: status/headers\n{}", f.context()),
    );
    match serde_json::from_str::<Value>(&file) {
        Ok(v) => expect(
            v["swagger"] == "2.0" && file == r.body,
            format!("openapi.json: not the status check's document:\n{file}"),
        ),
        Err(e) => expect(false, format!("openapi.json is not JSON ({e}):\n{file}")),
    }

    remove_test_rows(demo);
    assert_demo_rows(demo);
    drop(_guard);

    // Prefer Counts: HEAD with count=exact, anonymous: nothing visible, so */0.
    let h = head.join().expect("the HEAD curl");
    expect(
        h.status == 200
            && h.body.is_empty()
            && h.header("Content-Range") == Some("*/0")
            && h.header("Preference-Applied") == Some("count=exact")
            && h.header("Content-Type") == Some("application/json; charset=utf-8"),
        format!(
            "HEAD count=exact: want 200 and Content-Range */0\n{}",
            h.context()
        ),
    );
    eprintln!("the HEAD curl took {:?}", h.took);

    assert!(
        failures.is_empty(),
        "{} of the seed's curls failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
