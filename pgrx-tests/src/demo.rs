//! Budget Bee's demo cluster as `make run` serves it, driven through `.ci/run-demo` itself.

use super::{
    discard_cluster, e2e_root, free_port, give_to_postgres, pg_config, psql_at, stop_immediately,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
        // As lib.rs's stop_all: the data goes, the script's output and server log stay.
        let _ = std::fs::remove_dir_all(data);
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
