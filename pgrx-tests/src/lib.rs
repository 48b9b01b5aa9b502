//! End-to-end harness: a real PostgreSQL cluster with budgetbee preloaded (here), a small
//! HTTP/1.1 client that shows exactly what went over the wire (`http`), table-driven cases
//! (`cases`), and `make run`'s demo (`demo`).
//!
//! Postgres refuses to run as root, so the cluster runs as the `postgres` OS user in a directory
//! it owns under /var/tmp (CI's clone may sit in a private home). `PG_CONFIG` picks the
//! installation the extension was installed into (the Makefile sets it).

mod cases;
mod demo;
mod http;

pub use cases::{ABSENT, Case, WriteCase, run_cases, run_write_cases};
pub use demo::{Demo, pg_major};
pub use http::{Conn, HttpResponse};
use std::io::Write;
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

/// Stops this process's clusters and removes their data directories: a suite leaves ~4 GB of
/// clusters per Postgres major otherwise, and CI ran out of disk on its second major. The server
/// log sits beside `data` and stays for reading after a failure.
extern "C" fn stop_all() {
    if let Ok(list) = STARTED.lock() {
        for (bin, data) in list.iter() {
            stop_immediately(bin, data);
            let _ = std::fs::remove_dir_all(data);
        }
    }
}

/// `pg_config <arg>` of the installation `$PG_CONFIG` names (PG17's by default).
pub fn pg_config(arg: &str) -> String {
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

/// A port nobody listens on, taken below the kernel's ephemeral range (32768–60999 by
/// default): a port the kernel handed out for `:0` may be handed out again as the local port
/// of an outgoing connection before the cluster binds it, or while it restarts (seen once: an
/// admin server's "Address already in use"). Ports go round 20000–31999 from a point set by
/// the process id, so test binaries and the threads of one do not ask for the same one.
pub fn free_port() -> u16 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    const FIRST: u32 = 20000;
    const COUNT: u32 = 12000;
    let start = std::process::id().wrapping_mul(997) % COUNT;
    for _ in 0..COUNT {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let port = (FIRST + (start + n) % COUNT) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port in {FIRST}..{}", FIRST + COUNT)
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
        let major = pg_major();
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
        self.pg_ctl_stop("fast");
        t.elapsed()
    }

    /// `pg_ctl stop -m immediate`: every process ends at once, as in a crash, and the next
    /// start recovers from the WAL written out by then.
    pub fn crash(&self) {
        self.pg_ctl_stop("immediate");
    }

    fn pg_ctl_stop(&self, mode: &str) {
        let data = self.data.to_string_lossy();
        let args = ["stop", "-m", mode, "-w", "-t", "60", "-D", &data];
        check(as_postgres(&self.bin.join("pg_ctl"), &args), "pg_ctl stop");
    }

    /// Starts the cluster again after `crash` or `stop_fast`; returns once `pool` workers serve.
    pub fn start_again(&self, pool: u32) {
        self.pg_ctl_start();
        self.wait_for_workers(pool);
    }

    /// Stops the cluster (fast), appends `conf` to its postgresql.conf and starts it again.
    pub fn restart_with(&self, conf: &str) {
        self.stop_fast();
        append_conf(&self.data, conf);
        self.pg_ctl_start();
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

    /// Waits (bounded) until `n` workers are ready (connected and past loading the schema
    /// cache: `idle` or `busy` in `budgetbee.status()`) and one answers HTTP. A worker's I/O
    /// thread accepts while its main thread is still loading, and a test that spreads requests
    /// over the pool (concurrency.rs) saw one worker take two of four connections then.
    pub fn wait_for_workers(&self, n: u32) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let up: u32 = self
                .psql(
                    "SELECT count(*) FROM budgetbee.status() s \
                     JOIN pg_stat_activity a ON a.pid = s.pid AND a.backend_type = 'budgetbee' \
                     WHERE s.state IN ('idle', 'busy')",
                )
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
