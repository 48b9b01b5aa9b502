//! End-to-end harness: a real PostgreSQL cluster with budgetbee preloaded, and a small HTTP/1.1
//! client that shows exactly what went over the wire (status line, header names, body bytes).
//!
//! Postgres refuses to run as root, so the cluster runs as the `postgres` OS user in a directory
//! it owns under /var/tmp (CI's clone may sit in a private home). `PG_CONFIG` picks the
//! installation the extension was installed into (the Makefile sets it).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const DB: &str = "budgetbee_test";

/// Roles and grants shared by every test cluster, PostgREST-style: a NOINHERIT authenticator
/// that may switch to the API roles.
const ROLES: &str = "
CREATE ROLE authenticator LOGIN NOINHERIT NOSUPERUSER;
CREATE ROLE anon NOLOGIN;
CREATE ROLE other_anon NOLOGIN;
GRANT anon, other_anon TO authenticator;
";

static STARTED: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

extern "C" fn stop_all() {
    if let Ok(list) = STARTED.lock() {
        for (bin, data) in list.iter() {
            stop_immediately(bin, data);
        }
    }
}

fn pg_config(arg: &str) -> String {
    let pg_config =
        std::env::var("PG_CONFIG").unwrap_or_else(|_| "/opt/budgetbee/pg17/bin/pg_config".into());
    let out = Command::new(&pg_config)
        .arg(arg)
        .output()
        .unwrap_or_else(|e| panic!("{pg_config}: {e}"));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn as_postgres(program: &Path, args: &[&str]) -> Output {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("runuser {}: {e}", program.display()))
}

fn check(out: Output, what: &str) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Where the end-to-end clusters live: `$BUDGETBEE_E2E_DIR` (.ci/test points it at the
/// clone's own state directory), else a shared default.
fn e2e_root() -> PathBuf {
    PathBuf::from(
        std::env::var("BUDGETBEE_E2E_DIR").unwrap_or_else(|_| "/var/tmp/budgetbee-e2e".into()),
    )
}

/// `pg_ctl stop -m immediate` of the cluster in `data`, if it runs.
fn stop_immediately(bin: &Path, data: &Path) {
    if data.join("postmaster.pid").exists() {
        let _ = as_postgres(
            &bin.join("pg_ctl"),
            &[
                "stop",
                "-m",
                "immediate",
                "-w",
                "-D",
                &data.to_string_lossy(),
            ],
        );
    }
}

/// `chown postgres:` of one directory (not recursive: other tests' files come and go in it).
fn give_to_postgres(path: &Path) {
    let chown = Command::new("chown")
        .args(["postgres:", &path.to_string_lossy()])
        .status()
        .unwrap();
    assert!(chown.success(), "chown {}", path.display());
}

/// Appends lines to a cluster's postgresql.conf (later lines win).
fn append_conf(data: &Path, conf: &str) {
    std::fs::OpenOptions::new()
        .append(true)
        .open(data.join("postgresql.conf"))
        .unwrap()
        .write_all(conf.as_bytes())
        .unwrap();
}

/// Records a cluster this process started, to stop it at exit whatever happens to the test.
fn remember(bin: &Path, data: &Path) {
    let mut started = STARTED.lock().unwrap();
    started.push((bin.to_path_buf(), data.to_path_buf()));
    if started.len() == 1 {
        // SAFETY: registers a plain extern "C" function once.
        unsafe { libc::atexit(stop_all) };
    }
}

/// Stops a cluster left in `dir` by an earlier run (immediately: its data is thrown away) and
/// removes the directory.
fn discard_cluster(bin: &Path, dir: &Path) {
    stop_immediately(bin, &dir.join("data"));
    let _ = std::fs::remove_dir_all(dir);
}

/// SQL as the superuser through the cluster's socket directory; unaligned, tuples-only output,
/// trimmed; fails the test on an error.
fn psql_at(bin: &Path, socket_dir: &Path, port: u16, db: &str, sql: &str) -> String {
    let port = port.to_string();
    let host = socket_dir.to_string_lossy().into_owned();
    let args = [
        "-X",
        "-q",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        &host,
        "-p",
        &port,
        "-d",
        db,
        "-c",
        sql,
    ];
    check(
        as_postgres(&bin.join("psql"), &args),
        &format!("psql {sql}"),
    )
    .trim()
    .to_string()
}

/// Runs one of `pgrx-tests/python/`'s scripts with the validators `.ci/setup` installs
/// (`/opt/budgetbee/pytools`), `input` on stdin; returns whether it succeeded and its stdout.
pub fn python(script: &str, args: &[&str], input: &str) -> (bool, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("python");
    let tools = Path::new("/opt/budgetbee/pytools");
    assert!(
        tools.join(".requirements.txt").exists(),
        "the Python validators are not installed in {}: run .ci/setup (make test does)",
        tools.display()
    );
    let mut child = Command::new("python3")
        .arg(dir.join(script))
        .args(args)
        .env("PYTHONPATH", tools)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("input written");
    let out = child.wait_with_output().expect("python3 finishes");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct ClusterBuilder {
    name: String,
    settings: Vec<(String, String)>,
    env: Vec<(String, String)>,
    fixture: String,
    pool: u32,
}

pub struct Cluster {
    pub dir: PathBuf,
    pub data: PathBuf,
    pub bin: PathBuf,
    pub pg_port: u16,
    pub http_port: u16,
    env: Vec<(String, String)>,
}

impl ClusterBuilder {
    pub fn new(name: &str) -> ClusterBuilder {
        ClusterBuilder {
            name: name.into(),
            settings: Vec::new(),
            env: Vec::new(),
            fixture: String::new(),
            pool: 2,
        }
    }

    pub fn pool(mut self, n: u32) -> Self {
        self.pool = n;
        self
    }

    /// A postgresql.conf line, `name = 'value'`.
    pub fn setting(mut self, name: &str, value: &str) -> Self {
        self.settings.push((name.into(), value.into()));
        self
    }

    /// An environment variable for the postmaster (e.g. `PGRST_*`).
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// SQL run as superuser in the test database after `CREATE EXTENSION budgetbee`.
    pub fn fixture(mut self, sql: &str) -> Self {
        self.fixture.push_str(sql);
        self
    }

    /// initdb + roles + database without the extension preloaded; returns the cluster running.
    pub fn init_without_preload(&self) -> Cluster {
        let major = pg_config("--version")
            .split_whitespace()
            .nth(1)
            .unwrap_or("x")
            .split('.')
            .next()
            .unwrap()
            .to_string();
        // .ci/test points this at the clone's own state directory, so two checkouts testing at
        // once never share a cluster.
        let root = e2e_root();
        let dir = root.join(format!("pg{major}-{}", self.name));
        let bin = PathBuf::from(pg_config("--bindir"));
        let data = dir.join("data");
        discard_cluster(&bin, &dir);
        std::fs::create_dir_all(&dir).unwrap();
        // Only this cluster's directory and its parent: other tests run beside it and their
        // files come and go while we work.
        for path in [&root, &dir] {
            give_to_postgres(path);
        }
        check(
            as_postgres(
                &bin.join("initdb"),
                &[
                    "-D",
                    &data.to_string_lossy(),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "-N",
                ],
            ),
            "initdb",
        );
        let cluster = Cluster {
            dir: dir.clone(),
            data: data.clone(),
            bin,
            pg_port: free_port(),
            http_port: free_port(),
            env: self.env.clone(),
        };
        let mut conf = format!(
            "\nport = {}\nlisten_addresses = ''\nunix_socket_directories = '{}'\nfsync = off\n\
             max_worker_processes = 32\nlog_min_messages = warning\n",
            cluster.pg_port,
            dir.display()
        );
        conf.push_str("log_line_prefix = '%m [%p] %b: '\n");
        append_conf(&data, &conf);
        remember(&cluster.bin, &data);
        cluster.pg_ctl_start();
        cluster.psql_db("postgres", ROLES);
        cluster.psql_db("postgres", &format!("CREATE DATABASE {DB}"));
        cluster
    }

    /// The usual cluster: budgetbee preloaded, its workers serving, the fixture loaded.
    pub fn start(self) -> Cluster {
        let mut cluster = self.init_without_preload();
        if let Some((_, port)) = self.env.iter().find(|(k, _)| k == "PGRST_SERVER_PORT") {
            cluster.http_port = port.parse().expect("PGRST_SERVER_PORT");
        }
        cluster.stop_fast();
        let mut conf = format!(
            "shared_preload_libraries = 'budgetbee'\nbudgetbee.database = '{DB}'\n\
             budgetbee.authenticator = 'authenticator'\nbudgetbee.db_anon_role = 'anon'\n\
             budgetbee.db_pool = {}\n",
            self.pool
        );
        if !self.env.iter().any(|(k, _)| k == "PGRST_SERVER_PORT") {
            conf.push_str(&format!("budgetbee.server_port = {}\n", cluster.http_port));
        }
        for (k, v) in &self.settings {
            conf.push_str(&format!("{k} = '{}'\n", v.replace('\'', "''")));
        }
        append_conf(&cluster.data, &conf);
        cluster.pg_ctl_start();
        cluster.psql(&format!("CREATE EXTENSION budgetbee;\n{}", self.fixture));
        cluster.wait_for_workers(self.pool);
        cluster
    }
}

impl Cluster {
    /// A hot standby of this cluster, streaming from it: `pg_basebackup` of its data directory
    /// into `name`'s (standby.signal and primary_conninfo written here: `-R` adds options,
    /// such as libpq 17's `sslnegotiation`, that an older libpq in the walreceiver refuses),
    /// with its own port and API port and `settings` appended (e.g.
    /// `max_standby_streaming_delay`); started, its workers serving.
    pub fn standby(&self, name: &str, pool: u32, settings: &[(&str, &str)]) -> Cluster {
        let root = e2e_root();
        let dir = root.join(format!(
            "{}-{name}",
            self.dir.file_name().unwrap().to_string_lossy()
        ));
        discard_cluster(&self.bin, &dir);
        std::fs::create_dir_all(&dir).unwrap();
        give_to_postgres(&dir);
        let data = dir.join("data");
        let port = self.pg_port.to_string();
        check(
            as_postgres(
                &self.bin.join("pg_basebackup"),
                &[
                    "-h",
                    &self.dir.to_string_lossy(),
                    "-p",
                    &port,
                    "-U",
                    "postgres",
                    "-D",
                    &data.to_string_lossy(),
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                ],
            ),
            "pg_basebackup",
        );
        let standby = Cluster {
            dir: dir.clone(),
            data: data.clone(),
            bin: self.bin.clone(),
            pg_port: free_port(),
            http_port: free_port(),
            env: self.env.clone(),
        };
        let mut conf = format!(
            "\nport = {}\nunix_socket_directories = '{}'\nbudgetbee.server_port = {}\n\
             budgetbee.db_pool = {pool}\nhot_standby = on\n\
             primary_conninfo = 'host={} port={} user=postgres application_name={name}'\n",
            standby.pg_port,
            dir.display(),
            standby.http_port,
            self.dir.display(),
            self.pg_port
        );
        std::fs::write(data.join("standby.signal"), "").unwrap();
        for (k, v) in settings {
            conf.push_str(&format!("{k} = '{}'\n", v.replace('\'', "''")));
        }
        append_conf(&data, &conf);
        remember(&standby.bin, &data);
        standby.pg_ctl_start();
        standby.wait_for_workers(pool);
        standby
    }

    /// `pg_ctl promote`: a standby becomes a primary (waits until it is).
    pub fn promote(&self) {
        check(
            as_postgres(
                &self.bin.join("pg_ctl"),
                &[
                    "promote",
                    "-w",
                    "-t",
                    "60",
                    "-D",
                    &self.data.to_string_lossy(),
                ],
            ),
            "pg_ctl promote",
        );
    }

    fn pg_ctl_start(&self) {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--", "env"]);
        for (k, v) in &self.env {
            cmd.arg(format!("{k}={v}"));
        }
        cmd.arg(self.bin.join("pg_ctl"))
            .args(["start", "-w", "-t", "60", "-D"])
            .arg(&self.data)
            .arg("-l")
            .arg(self.dir.join("server.log"));
        let out = cmd.output().unwrap();
        if !out.status.success() {
            panic!("pg_ctl start failed:\n{}", self.log());
        }
    }

    /// `pg_ctl stop -m fast`; returns how long it took.
    pub fn stop_fast(&self) -> Duration {
        let t = Instant::now();
        check(
            as_postgres(
                &self.bin.join("pg_ctl"),
                &[
                    "stop",
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    "60",
                    "-D",
                    &self.data.to_string_lossy(),
                ],
            ),
            "pg_ctl stop",
        );
        t.elapsed()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// Runs SQL as the superuser in the test database; returns unaligned, tuples-only output.
    pub fn psql(&self, sql: &str) -> String {
        self.psql_db(DB, sql)
    }

    pub fn psql_db(&self, db: &str, sql: &str) -> String {
        psql_at(&self.bin, &self.dir, self.pg_port, db, sql)
    }

    /// Like `psql` but returns the error text instead of failing.
    pub fn psql_err(&self, db: &str, sql: &str) -> String {
        let port = self.pg_port.to_string();
        let host = self.dir.to_string_lossy().into_owned();
        let out = as_postgres(
            &self.bin.join("psql"),
            &[
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                &host,
                "-p",
                &port,
                "-d",
                db,
                "-c",
                sql,
            ],
        );
        assert!(!out.status.success(), "expected {sql} to fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Waits (bounded) until `n` workers are connected and one answers HTTP.
    pub fn wait_for_workers(&self, n: u32) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let up: u32 = self
                .psql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'budgetbee'")
                .parse()
                .unwrap_or(0);
            if up >= n && TcpStream::connect(("127.0.0.1", self.http_port)).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "workers did not start ({up}/{n}):\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        Conn::open(self.http_port).send("GET", path, &[])
    }

    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
        Conn::open(self.http_port).send(method, path, headers)
    }
}

#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// `HTTP/1.1 200 OK`
    pub status_line: String,
    pub status: u16,
    /// Names exactly as sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// One HTTP/1.1 connection; requests on it reuse it (keep-alive).
pub struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    pub fn open(port: u16) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", port))
            .unwrap_or_else(|e| panic!("connect :{port}: {e}"));
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.set_nodelay(true).unwrap();
        Conn {
            reader: BufReader::new(stream),
        }
    }

    pub fn send(&mut self, method: &str, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
        self.send_body(method, path, headers, None)
    }

    /// Sends a request with a body (`Content-Length` is added).
    pub fn send_body(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> HttpResponse {
        self.write_request(method, path, headers, body);
        self.read_response(method == "HEAD")
    }

    /// Sends a request and does not wait for its answer (to hang up on it, say).
    pub fn write_request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\n");
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(b) = body {
            req.push_str(&format!("Content-Length: {}\r\n", b.len()));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body.unwrap_or_default());
        self.reader.get_mut().write_all(&bytes).unwrap();
    }

    fn read_line(&mut self) -> String {
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .unwrap_or_else(|e| panic!("reading response: {e}"));
        line.trim_end_matches(['\r', '\n']).to_string()
    }

    fn read_response(&mut self, head: bool) -> HttpResponse {
        let status_line = self.read_line();
        assert!(
            status_line.starts_with("HTTP/1.1 "),
            "bad status line {status_line:?}"
        );
        let status = status_line[9..12].parse().unwrap();
        let mut headers = Vec::new();
        loop {
            let line = self.read_line();
            if line.is_empty() {
                break;
            }
            let (k, v) = line.split_once(':').unwrap();
            headers.push((k.to_string(), v.trim().to_string()));
        }
        let find = |n: &str| {
            headers
                .iter()
                .find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.clone())
        };
        let mut body = Vec::new();
        if !head {
            if let Some(len) = find("content-length") {
                body.resize(len.parse().unwrap(), 0);
                self.reader.read_exact(&mut body).unwrap();
            } else if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
                loop {
                    let size = usize::from_str_radix(&self.read_line(), 16).unwrap();
                    let mut chunk = vec![0; size];
                    self.reader.read_exact(&mut chunk).unwrap();
                    body.extend(chunk);
                    self.read_line();
                    if size == 0 {
                        break;
                    }
                }
            }
        }
        HttpResponse {
            status_line,
            status,
            headers,
            body,
        }
    }
}

/// Polls `probe` every 10 ms until it returns true or `limit` passes; returns whether it did.
pub fn eventually(limit: Duration, mut probe: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if probe() {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

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

/// Budget Bee's demo as `make run` serves it: `.ci/run-demo` itself (sql/app/ applied, test-only
/// keys, the API with their JWKS and `jwt_aud` http://localhost:3000), in a fresh directory under
/// `$BUDGETBEE_E2E_DIR`, on free loopback ports. The script is told this process's pid
/// (`DEMO_WATCH_PID`), so it stops the cluster when the tests are gone however they end; an
/// `atexit` handler also stops it (SIGTERM: the script's own clean `pg_ctl stop`) when they end
/// normally.
pub struct Demo {
    /// `DEMO_DIR`: the cluster (`data/`), its socket and `server.log`.
    pub dir: PathBuf,
    pub bin: PathBuf,
    /// The Postgres major, as `PG` is given to the script.
    pub pg: String,
    pub pg_port: u16,
    /// `PGRST_SERVER_PORT`: the API.
    pub http_port: u16,
    /// `PGRST_ADMIN_SERVER_PORT`.
    pub admin_port: u16,
    /// What the script printed up to its banner's last line.
    pub banner: String,
    /// `user_alice` → her token, as the banner prints them (`export ALICE=…`).
    pub tokens: Vec<(String, String)>,
    /// run-demo's stdout and stderr.
    pub output: PathBuf,
}

static DEMOS: Mutex<Vec<(u32, PathBuf, PathBuf)>> = Mutex::new(Vec::new());

extern "C" fn stop_demos() {
    let Ok(list) = DEMOS.lock() else { return };
    for (pid, bin, data) in list.iter() {
        // The script's trap stops the cluster (pg_ctl stop -m fast) and exits.
        unsafe { libc::kill(*pid as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let mut status = 0;
            let r = unsafe { libc::waitpid(*pid as i32, &mut status, libc::WNOHANG) };
            if r != 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Killed before its trap was set (still starting), or stuck: stop the cluster directly.
        stop_immediately(bin, data);
    }
}

/// The major version of the installation `PG_CONFIG` points at ("17" for "PostgreSQL 17.11").
pub fn pg_major() -> String {
    pg_config("--version")
        .split_whitespace()
        .nth(1)
        .unwrap_or("x")
        .split('.')
        .next()
        .unwrap()
        .to_string()
}

impl Demo {
    /// Starts `.ci/run-demo` in `$BUDGETBEE_E2E_DIR/pg<major>-<name>` (removed first: every run
    /// starts from sql/app's demo rows) and waits, at most `timeout`, for its banner.
    pub fn start(name: &str, timeout: Duration) -> Demo {
        let pg = pg_major();
        let root = e2e_root();
        std::fs::create_dir_all(&root).unwrap();
        give_to_postgres(&root);
        let dir = root.join(format!("pg{pg}-{name}"));
        // Outside DEMO_DIR: the script recreates that directory for a new cluster.
        let keys = root.join(format!("pg{pg}-{name}-keys"));
        let output = root.join(format!("pg{pg}-{name}.out"));
        let bin = PathBuf::from(pg_config("--bindir"));
        let data = dir.join("data");
        discard_cluster(&bin, &dir);
        let (pg_port, http_port, admin_port) = (free_port(), free_port(), free_port());
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let log = std::fs::File::create(&output).unwrap();
        let mut cmd = Command::new("bash");
        cmd.arg(repo.join(".ci/run-demo"))
            .current_dir(repo)
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        // Only the settings given here: a developer's PGRST_* must not leak into the test.
        for (k, _) in std::env::vars() {
            if k.starts_with("PGRST_") || k.starts_with("DEMO_") {
                cmd.env_remove(k);
            }
        }
        let pg_config = std::env::var("PG_CONFIG")
            .unwrap_or_else(|_| "/opt/budgetbee/pg17/bin/pg_config".into());
        cmd.env("PG_CONFIG", pg_config)
            .env("PG", &pg)
            .env("DEMO_DIR", &dir)
            .env("DEMO_KEYS", &keys)
            .env("DEMO_PG_PORT", pg_port.to_string())
            .env("PGRST_SERVER_PORT", http_port.to_string())
            .env("PGRST_ADMIN_SERVER_PORT", admin_port.to_string())
            .env("DEMO_WATCH_PID", std::process::id().to_string());
        let mut child = cmd.spawn().expect("bash .ci/run-demo");
        {
            let mut list = DEMOS.lock().unwrap();
            list.push((child.id(), bin.clone(), data.clone()));
            if list.len() == 1 {
                unsafe { libc::atexit(stop_demos) };
            }
        }
        let deadline = Instant::now() + timeout;
        let banner = loop {
            let text = std::fs::read_to_string(&output).unwrap_or_default();
            if text.contains("Ctrl-C stops the cluster.") {
                break text;
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!("run-demo exited ({status}) before its banner:\n{text}");
            }
            assert!(
                Instant::now() < deadline,
                "run-demo printed no banner within {timeout:?}:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        // `export ALICE=<token>    # user_alice: …`
        let tokens = banner
            .lines()
            .filter_map(|l| l.trim().strip_prefix("export "))
            .filter_map(|l| {
                let (name, rest) = l.split_once('=')?;
                let token = rest.split_whitespace().next()?;
                Some((format!("user_{}", name.to_lowercase()), token.to_string()))
            })
            .collect();
        // Dropping the handle neither kills nor waits: the atexit handler reaps the script.
        drop(child);
        Demo {
            dir,
            bin,
            pg,
            pg_port,
            http_port,
            admin_port,
            banner,
            tokens,
            output,
        }
    }

    /// The demo user's token from the banner.
    pub fn token(&self, user: &str) -> &str {
        self.tokens
            .iter()
            .find(|(u, _)| u == user)
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("no token for {user} in the banner:\n{}", self.banner))
    }

    /// Runs SQL as the superuser in database `budgetbee`; unaligned, tuples-only output.
    pub fn psql(&self, sql: &str) -> String {
        psql_at(&self.bin, &self.dir, self.pg_port, "budgetbee", sql)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }
}
