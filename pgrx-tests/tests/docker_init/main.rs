//! The Docker image's first boot, without Docker: a fresh cluster gets what the Dockerfile puts
//! in the image (its runtime stage's `COPY` lines, its `ENV`, the lines appended to
//! postgresql.conf.sample), then goes through the official entrypoint's init sequence with the
//! container's environment: initdb as POSTGRES_USER, the temporary socket-only server (with
//! budgetbee preloaded, so its workers and HTTP port are up during the init too),
//! `docker_setup_db` and `docker_process_init_files` over the image's
//! /docker-entrypoint-initdb.d, the temporary server's fast stop, and the real start. Then the
//! roles, the extension in POSTGRES_DB, Budget Bee's schema (sql/app) when BUDGETBEE_LOAD_APP or
//! BUDGETBEE_LOAD_DEMO asks for it, and the API serving POSTGRES_DB over HTTP are checked.
//!
//! What differs from a container, and why: the cluster's socket lives in its own directory
//! (named by PGHOST, see `ENTRYPOINT`), Postgres and the API listen on free ports of 127.0.0.1
//! only (PGPORT, PGRST_SERVER_HOST/PORT), and the files the image keeps under / are staged
//! under the cluster's directory (BUDGETBEE_SQL_DIR names where roles.sql and app/ went).

mod first_boot;
mod image;

use budgetbee_e2e::{Conn, HttpResponse, free_port};
use image::{ENTRYPOINT, bindir, repo, run, stage_image};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A cluster booted as the image boots; stopped when dropped.
struct Container {
    dir: PathBuf,
    data: PathBuf,
    bin: PathBuf,
    pg_port: u16,
    http_port: u16,
    /// The container's environment, as the postmaster and the init scripts get it.
    env: Vec<(String, String)>,
    /// What the init sequence printed (stdout, then stderr).
    init_output: String,
}

impl Container {
    /// `env` is the container's `environment:` block (it wins over the image's `ENV`).
    /// `mode` overrides the init scripts' file mode (None: as the image has them).
    fn first_boot(name: &str, env: &[(&str, &str)], mode: Option<u32>) -> Container {
        let bin = bindir();
        let root = PathBuf::from(
            std::env::var("BUDGETBEE_E2E_DIR").unwrap_or_else(|_| "/var/tmp/budgetbee-e2e".into()),
        );
        let dir = root.join(format!("pg17-docker-{name}"));
        let data = dir.join("data");
        if data.join("postmaster.pid").exists() {
            let _ = Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(bin.join("pg_ctl"))
                .args(["stop", "-m", "immediate", "-w", "-D"])
                .arg(&data)
                .output();
        }
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let image = dir.join("image");
        let mut container_env = stage_image(&image);
        let initdb_d = image.join("docker-entrypoint-initdb.d");
        if let Some(mode) = mode {
            for entry in std::fs::read_dir(&initdb_d).unwrap() {
                let path = entry.unwrap().path();
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            }
        }
        // Only this cluster's directory and its parent: other tests' files come and go beside.
        run(Command::new("chown").arg("postgres:").arg(&root), "chown");
        run(
            Command::new("chown").args(["-R", "postgres:"]).arg(&dir),
            "chown",
        );

        let (pg_port, http_port) = (free_port(), free_port());
        let mut set = |k: &str, v: &str| {
            container_env.retain(|(key, _)| key != k);
            container_env.push((k.into(), v.into()));
        };
        // The official image's own ENV and what docker_setup_env exports.
        set("PATH", &format!("{}:/usr/bin:/bin", bin.display()));
        set("HOME", &dir.to_string_lossy());
        set("PGDATA", &data.to_string_lossy());
        set("POSTGRES_USER", "postgres");
        set("POSTGRES_PASSWORD", "bee-password");
        // _main exports it before the temporary server starts and unsets it after its stop.
        set("PGPASSWORD", "bee-password");
        // Where this cluster differs from a container (see the module comment).
        set("PGHOST", &dir.to_string_lossy());
        set("PGPORT", &pg_port.to_string());
        set("PGRST_SERVER_HOST", "127.0.0.1");
        set("PGRST_SERVER_PORT", &http_port.to_string());
        set(
            "BUDGETBEE_SQL_DIR",
            &image.join("usr/share/budgetbee").to_string_lossy(),
        );
        for (k, v) in env {
            set(k, v);
        }
        let get = |k: &str| {
            container_env
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        let user = get("POSTGRES_USER").unwrap();
        // docker_setup_env: POSTGRES_DB defaults to POSTGRES_USER.
        if get("POSTGRES_DB").is_none() {
            container_env.push(("POSTGRES_DB".into(), user.clone()));
        }
        let mut c = Container {
            dir,
            data,
            bin,
            pg_port,
            http_port,
            env: container_env,
            init_output: String::new(),
        };

        // docker_init_database_dir: initdb --username --pwfile (its locale and encoding here
        // are the test suite's, C and UTF8).
        let pwfile = c.dir.join("pwfile");
        std::fs::write(&pwfile, format!("{}\n", c.var("POSTGRES_PASSWORD"))).unwrap();
        run(
            c.as_postgres(&c.bin.join("initdb"), &[])
                .arg(format!("--username={user}"))
                .arg(format!("--pwfile={}", pwfile.display()))
                .args(["-E", "UTF8", "--locale=C", "-N", "-D"])
                .arg(&c.data),
            "initdb",
        );
        // What initdb copied from the image's sample, then what this cluster needs (see above).
        let mut conf = std::fs::read_to_string(image.join("usr/share/budgetbee/budgetbee.conf"))
            .expect("the image's budgetbee.conf");
        conf.push_str(&format!(
            "\n# test cluster\nunix_socket_directories = '{}'\nlisten_addresses = ''\n\
             fsync = off\nlog_line_prefix = '%m [%p] %b: '\n",
            c.dir.display()
        ));
        std::fs::OpenOptions::new()
            .append(true)
            .open(c.data.join("postgresql.conf"))
            .unwrap()
            .write_all(conf.as_bytes())
            .unwrap();

        // docker_temp_server_start: socket only, on PGPORT, as POSTGRES_USER.
        let options = format!("-c listen_addresses='' -p {}", c.pg_port);
        run(
            c.as_postgres(
                &c.bin.join("pg_ctl"),
                &[("NOTIFY_SOCKET", ""), ("PGUSER", &user)],
            )
            .arg("-D")
            .arg(&c.data)
            .args(["-o", &options, "-w", "-t", "60", "-l"])
            .arg(c.dir.join("server.log"))
            .arg("start"),
            "the temporary server's start",
        );

        // docker_setup_db + docker_process_init_files /docker-entrypoint-initdb.d/*
        let out = c
            .as_postgres(Path::new("bash"), &[])
            .args(["-c", ENTRYPOINT, "/usr/local/bin/docker-entrypoint.sh"])
            .arg(&initdb_d)
            .output()
            .unwrap();
        c.init_output = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success(),
            "the init scripts failed:\n{}\nserver log:\n{}",
            c.init_output,
            c.log()
        );

        // docker_temp_server_stop, then `unset PGPASSWORD` and `exec postgres`.
        run(
            c.as_postgres(&c.bin.join("pg_ctl"), &[("PGUSER", &user)])
                .arg("-D")
                .arg(&c.data)
                .args(["-m", "fast", "-w", "-t", "60", "stop"]),
            "the temporary server's stop",
        );
        c.env.retain(|(k, _)| k != "PGPASSWORD");
        run(
            c.as_postgres(&c.bin.join("pg_ctl"), &[])
                .arg("-D")
                .arg(&c.data)
                .args(["-w", "-t", "60", "-l"])
                .arg(c.dir.join("server.log"))
                .arg("start"),
            "the server's start",
        );
        c
    }

    fn var(&self, name: &str) -> String {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// `program` run as the postgres OS user with exactly the container's environment, and
    /// `extra` on top (the entrypoint's `NAME=value command` prefixes).
    fn as_postgres(&self, program: &Path, extra: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--", "env", "-i"]);
        for (k, v) in self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(extra.iter().copied())
        {
            cmd.arg(format!("{k}={v}"));
        }
        cmd.arg(program);
        cmd
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// SQL as POSTGRES_USER in `db`; unaligned, tuples-only output.
    fn psql(&self, db: &str, sql: &str) -> String {
        let out = run(
            self.as_postgres(&self.bin.join("psql"), &[])
                .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-U"])
                .arg(self.var("POSTGRES_USER"))
                .args(["-d", db, "-c", sql]),
            &format!("psql {sql}"),
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Waits (bounded) until `n` workers are connected and the API accepts connections.
    fn wait_for_workers(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let up: usize = self
                .psql(
                    "postgres",
                    "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'budgetbee'",
                )
                .parse()
                .unwrap_or(0);
            if up >= n && std::net::TcpStream::connect(("127.0.0.1", self.http_port)).is_ok() {
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

    fn get(&self, path: &str) -> HttpResponse {
        Conn::open(self.http_port).send("GET", path, &[])
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["stop", "-m", "fast", "-w", "-t", "30", "-D"])
            .arg(&self.data)
            .output();
        // Disk: CI runs two majors in one clone. The init output is kept in memory for asserts.
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// Alice's two earliest transactions with their category (90-demo.sql), as the API answers
/// `/transactions?select=name,amount,category:categories(name)&order=transaction_date,id&limit=2`.
const ALICE_FIRST_TWO: &str = concat!(
    r#"[{"name":"Lunch","amount":-92.67,"category":{"name": "Food"}}, "#,
    "\n",
    r#" {"name":"Lunch","amount":-3.31,"category":{"name": "Food"}}]"#
);

/// The seed's bu-postgrest environment block as it moves to bu-postgres (a smaller pool).
const SEED_ENV: &[(&str, &str)] = &[
    ("PGRST_DB_SCHEMA", "public"),
    ("PGRST_DB_POOL", "2"),
    (
        "PGRST_JWT_SECRET",
        "a-test-secret-that-is-at-least-32-characters",
    ),
    ("PGRST_JWT_AUD", "http://localhost:3000"),
    ("PGRST_DB_ANON_ROLE", "anon"),
    ("PGRST_DB_AUTHENTICATED_ROLE", "authenticated"),
];

/// Roles, their attributes and memberships, as the workers need them.
fn assert_roles(c: &Container) {
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT string_agg(format('%s login=%s inherit=%s super=%s', rolname, rolcanlogin, \
             rolinherit, rolsuper), E'\\n' ORDER BY rolname) FROM pg_roles \
             WHERE rolname IN ('authenticator', 'anon', 'authenticated')"
        ),
        "anon login=f inherit=t super=f\n\
         authenticated login=f inherit=t super=f\n\
         authenticator login=t inherit=f super=f"
    );
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT pg_has_role('authenticator', 'anon', 'MEMBER'), \
             pg_has_role('authenticator', 'authenticated', 'MEMBER')"
        ),
        "t|t"
    );
}

/// The databases budgetbee is installed in.
fn extension_databases(c: &Container) -> Vec<String> {
    let dbs = c.psql(
        "postgres",
        "SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1",
    );
    dbs.lines()
        .filter(|db| {
            !c.psql(
                db,
                "SELECT extversion FROM pg_extension WHERE extname = 'budgetbee'",
            )
            .is_empty()
        })
        .map(String::from)
        .collect()
}

/// A table created after the boot is served at once, from POSTGRES_DB.
fn assert_serves_a_new_table(c: &Container, db: &str) {
    c.psql(
        db,
        "CREATE TABLE hives (id int PRIMARY KEY, name text NOT NULL); \
         INSERT INTO hives VALUES (1, 'meadow'), (2, 'orchard'); \
         GRANT SELECT ON hives TO anon;",
    );
    let r = c.get("/hives?order=id");
    assert_eq!(
        (r.status, r.text()),
        (
            200,
            "[{\"id\":1,\"name\":\"meadow\"}, \n {\"id\":2,\"name\":\"orchard\"}]".to_string()
        ),
        "server log:\n{}",
        c.log()
    );
}

/// A token with the payload Better Auth's jwt plugin signs for Budget Bee (user_id, role, email,
/// claims.organization_id / organization_role, iat, iss, aud, exp, sub), signed here with the
/// seed's HS256 secret (PGRST_JWT_SECRET of SEED_ENV) and its audience.
fn better_auth_token(user: &str, email: &str, organization: Option<(&str, &str)>) -> String {
    let setting = |name: &str| SEED_ENV.iter().find(|(k, _)| *k == name).unwrap().1;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let payload = json!({
        "user_id": user,
        "role": "authenticated",
        "email": email,
        "claims": {
            "organization_id": organization.map(|(id, _)| id),
            "organization_role": organization.map(|(_, role)| role),
        },
        "iat": now,
        "iss": setting("PGRST_JWT_AUD"),
        "aud": setting("PGRST_JWT_AUD"),
        "exp": now + 3600,
        "sub": user,
    });
    let mut header = Header::new(Algorithm::HS256);
    header.typ = None;
    let key = EncodingKey::from_secret(setting("PGRST_JWT_SECRET").as_bytes());
    encode(&header, &payload, &key).unwrap()
}

fn get_with_token(c: &Container, path: &str, token: &str) -> HttpResponse {
    let auth = format!("Bearer {token}");
    Conn::open(c.http_port).send("GET", path, &[("Authorization", &auth)])
}

/// The number of elements of a 200 response's JSON array.
fn rows(r: &HttpResponse, log: &str) -> usize {
    assert_eq!(r.status, 200, "{}\nserver log:\n{log}", r.text());
    r.json().as_array().expect("a JSON array").len()
}

/// Budget Bee's schema as sql/app builds it: the roles of 01-roles.sql, Better Auth's and the
/// app's tables, every one under row-level security, the /rpc functions, and the API's answer
/// to an anonymous GET /transactions: 200 [] (anon may select it, no policy lets a row through).
fn assert_app_schema(c: &Container, db: &str) {
    assert_roles(c);
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT string_agg(format('%s login=%s bypassrls=%s super=%s', rolname, rolcanlogin, \
             rolbypassrls, rolsuper), E'\\n' ORDER BY rolname) FROM pg_roles \
             WHERE rolname IN ('auth_admin', 'subscription_admin')"
        ),
        "auth_admin login=t bypassrls=t super=f\n\
         subscription_admin login=t bypassrls=t super=f"
    );
    assert_eq!(
        c.psql(
            db,
            "SELECT string_agg(relname || CASE WHEN relrowsecurity THEN '' ELSE ' (no RLS)' END, \
             ' ' ORDER BY relname) FROM pg_class \
             WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
        ),
        "accounts app_subscriptions categories feature_flags invitations jwks line_items members \
         organizations sessions subscriptions tags transaction_line_items transaction_tags \
         transactions users verifications"
    );
    assert_eq!(
        c.psql(
            db,
            "SELECT string_agg(proname, ' ' ORDER BY proname) FROM pg_proc \
             WHERE pronamespace = 'public'::regnamespace \
             AND (proname LIKE 'get\\_transaction%' OR proname = 'get_filtered_transactions' \
             OR proname = 'delete_category')"
        ),
        "delete_category get_filtered_transactions get_transaction_aggregate \
         get_transaction_by_category get_transaction_distribution_by_category \
         get_transaction_distribution_by_status get_transaction_stat"
    );
    let r = c.get("/transactions");
    assert_eq!(
        (r.status, r.text()),
        (200, "[]".to_string()),
        "server log:\n{}",
        c.log()
    );
}
