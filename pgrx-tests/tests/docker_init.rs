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

use budgetbee_e2e::{Conn, HttpResponse, free_port};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// `docker_process_init_files`, `docker_process_sql` and `docker_setup_db` as docker-library/
/// postgres's `17/bookworm/docker-entrypoint.sh` defines them (MIT licence), run the way its
/// `_main` runs them after `docker_temp_server_start`. Two differences, neither seen by an
/// init script: the entrypoint's `docker_process_sql` blanks PGHOST so that psql finds the
/// temporary server's socket in the compiled-in directory (/var/run/postgresql in the image),
/// while this cluster's socket is in the directory PGHOST names; and the `<<-` heredocs lost
/// their tab indentation. `$0` is the entrypoint's path, as in its messages; `$1` is the staged
/// /docker-entrypoint-initdb.d.
const ENTRYPOINT: &str = r#"
set -Eeo pipefail

docker_process_init_files() {
	# psql here for backwards compatibility "${psql[@]}"
	psql=( docker_process_sql )

	printf '\n'
	local f
	for f; do
		case "$f" in
			*.sh)
				# https://github.com/docker-library/postgres/issues/450#issuecomment-393167936
				# https://github.com/docker-library/postgres/pull/452
				if [ -x "$f" ]; then
					printf '%s: running %s\n' "$0" "$f"
					"$f"
				else
					printf '%s: sourcing %s\n' "$0" "$f"
					. "$f"
				fi
				;;
			*.sql)     printf '%s: running %s\n' "$0" "$f"; docker_process_sql -f "$f"; printf '\n' ;;
			*.sql.gz)  printf '%s: running %s\n' "$0" "$f"; gunzip -c "$f" | docker_process_sql; printf '\n' ;;
			*.sql.xz)  printf '%s: running %s\n' "$0" "$f"; xzcat "$f" | docker_process_sql; printf '\n' ;;
			*.sql.zst) printf '%s: running %s\n' "$0" "$f"; zstd -dc "$f" | docker_process_sql; printf '\n' ;;
			*)         printf '%s: ignoring %s\n' "$0" "$f" ;;
		esac
		printf '\n'
	done
}

docker_process_sql() {
	local query_runner=( psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc )
	if [ -n "$POSTGRES_DB" ]; then
		query_runner+=( --dbname "$POSTGRES_DB" )
	fi

	PGHOSTADDR= "${query_runner[@]}" "$@"
}

docker_setup_db() {
	local dbAlreadyExists
	dbAlreadyExists="$(
		POSTGRES_DB= docker_process_sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<'EOSQL'
SELECT 1 FROM pg_database WHERE datname = :'db' ;
EOSQL
	)"
	if [ -z "$dbAlreadyExists" ]; then
		POSTGRES_DB= docker_process_sql --dbname postgres --set db="$POSTGRES_DB" <<'EOSQL'
CREATE DATABASE :"db" ;
EOSQL
		printf '\n'
	fi
}

initdb_d=$1
docker_setup_db
docker_process_init_files "$initdb_d"/*
"#;

/// Where the Dockerfile's runtime stage appends docker/budgetbee.conf to the sample config.
const APPEND_CONF: &str =
    "RUN cat /usr/share/budgetbee/budgetbee.conf >> /usr/share/postgresql/postgresql.conf.sample";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bindir() -> PathBuf {
    let pg_config =
        std::env::var("PG_CONFIG").unwrap_or_else(|_| "/opt/budgetbee/pg17/bin/pg_config".into());
    let out = Command::new(&pg_config)
        .arg("--bindir")
        .output()
        .unwrap_or_else(|e| panic!("{pg_config}: {e}"));
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// The Dockerfile's instructions (continuation lines joined, comments dropped) from its last
/// `FROM` on: the runtime image.
fn runtime_stage() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("Dockerfile")).unwrap();
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || (line.is_empty() && current.is_empty()) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(part) => current.push_str(part),
            None => {
                current.push_str(line);
                instructions.push(std::mem::take(&mut current));
            }
        }
    }
    let last_from = instructions
        .iter()
        .rposition(|i| i.starts_with("FROM "))
        .expect("a FROM in the Dockerfile");
    instructions.split_off(last_from)
}

/// Copies a file, or a directory's contents (as `COPY` does), keeping permissions.
fn copy_into(src: &Path, dest: &Path) {
    if src.is_dir() {
        std::fs::create_dir_all(dest).unwrap();
        for entry in std::fs::read_dir(src).unwrap() {
            let entry = entry.unwrap();
            copy_into(&entry.path(), &dest.join(entry.file_name()));
        }
    } else {
        std::fs::copy(src, dest).unwrap_or_else(|e| panic!("copy {}: {e}", src.display()));
    }
}

/// Whether `name` matches a `COPY` source's wildcard pattern, as Go's `filepath.Match` (which
/// Docker uses) reads it: `*`, `?`, `[…]` with ranges and `^` negation, `\\` escaping.
fn wildcard_match(pattern: &[char], name: &[char]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some(('*', rest)) => (0..=name.len()).any(|i| wildcard_match(rest, &name[i..])),
        Some(('?', rest)) => !name.is_empty() && wildcard_match(rest, &name[1..]),
        Some(('[', rest)) => {
            let Some((&c, name_rest)) = name.split_first() else {
                return false;
            };
            let (negated, mut class) = match rest.split_first() {
                Some(('^', r)) => (true, r),
                _ => (false, rest),
            };
            let mut matched = false;
            loop {
                let (lo, r) = match class {
                    [']', r @ ..] => {
                        class = r;
                        break;
                    }
                    ['\\', x, r @ ..] | [x, r @ ..] => (*x, r),
                    [] => panic!("unterminated [ in a COPY pattern"),
                };
                let (hi, r) = match r {
                    ['-', '\\', x, r @ ..] | ['-', x, r @ ..] if *x != ']' => (*x, r),
                    _ => (lo, r),
                };
                matched |= lo <= c && c <= hi;
                class = r;
            }
            matched != negated && wildcard_match(class, name_rest)
        }
        Some(('\\', [x, rest @ ..])) | Some((x, rest)) => {
            name.first() == Some(x) && wildcard_match(rest, &name[1..])
        }
    }
}

/// The files a `COPY` source names in the build context: itself, or what its wildcards (in the
/// last path component) match, in name order. Docker refuses a pattern matching nothing.
fn copy_sources(src: &str) -> Vec<PathBuf> {
    let path = repo().join(src);
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    if !name.contains(['*', '?', '[']) {
        return vec![path];
    }
    let parent = path.parent().unwrap();
    let pattern: Vec<char> = name.chars().collect();
    let mut matches: Vec<PathBuf> = std::fs::read_dir(parent)
        .unwrap_or_else(|e| panic!("{}: {e}", parent.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| {
            let name: Vec<char> = p.file_name().unwrap().to_string_lossy().chars().collect();
            wildcard_match(&pattern, &name)
        })
        .collect();
    matches.sort();
    assert!(!matches.is_empty(), "COPY {src}: no file matches");
    matches
}

/// Lays out under `root` what the runtime stage's `COPY` lines from the build context put in
/// the image; returns its `ENV` as the container's environment.
fn stage_image(root: &Path) -> Vec<(String, String)> {
    let stage = runtime_stage();
    assert!(
        stage.iter().any(|i| i == APPEND_CONF),
        "the Dockerfile no longer appends budgetbee.conf to the sample config: update this test"
    );
    let mut env = Vec::new();
    for instruction in &stage {
        let words: Vec<&str> = instruction.split_whitespace().collect();
        match words[0] {
            "COPY" if !words.iter().any(|w| w.starts_with("--from=")) => {
                let args: Vec<&str> = words[1..]
                    .iter()
                    .copied()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                let (dest, srcs) = args.split_last().unwrap();
                let dest = root.join(dest.trim_start_matches('/'));
                for src in srcs.iter().flat_map(|src| copy_sources(src)) {
                    let target = if dest.to_string_lossy().ends_with('/') && src.is_file() {
                        std::fs::create_dir_all(&dest).unwrap();
                        dest.join(src.file_name().unwrap())
                    } else {
                        dest.clone()
                    };
                    copy_into(&src, &target);
                }
            }
            "ENV" => {
                for pair in &words[1..] {
                    let (k, v) = pair.split_once('=').expect("ENV key=value");
                    env.push((k.to_string(), v.to_string()));
                }
            }
            _ => {}
        }
    }
    env
}

fn run(cmd: &mut Command, what: &str) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

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

/// Budget Bee's compose file without PGRST_DB_URI: the script pins budgetbee.database to
/// POSTGRES_DB. POSTGRES_USER is a custom superuser, as in the seed's example (root).
#[test]
fn first_boot_serves_postgres_db_without_a_db_uri() {
    let mut env = SEED_ENV.to_vec();
    env.extend([("POSTGRES_USER", "root"), ("POSTGRES_DB", "budgetbee")]);
    let c = Container::first_boot("init", &env, None);
    let out = &c.init_output;
    assert!(
        out.contains("/usr/local/bin/docker-entrypoint.sh: running ")
            && out.contains("/docker-entrypoint-initdb.d/10-budgetbee.sh"),
        "the image's init script is executable, so the entrypoint runs it:\n{out}"
    );
    assert!(
        out.contains("ALTER SYSTEM SET budgetbee.database = 'budgetbee'"),
        "{out}"
    );
    assert!(!out.contains("WARNING"), "{out}");

    c.wait_for_workers(2);
    assert_roles(&c);
    assert_eq!(extension_databases(&c), ["budgetbee"]);
    assert_eq!(c.psql("budgetbee", "SHOW budgetbee.database"), "budgetbee");
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT source FROM pg_settings WHERE name = 'budgetbee.database'"
        ),
        "configuration file",
        "written by ALTER SYSTEM into postgresql.auto.conf"
    );
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT DISTINCT datname || ' ' || usename FROM pg_stat_activity \
             WHERE backend_type = 'budgetbee'"
        ),
        "budgetbee authenticator"
    );
    // The seed's PGRST_* reached the postmaster from the container's environment.
    assert_eq!(c.psql("budgetbee", "SHOW budgetbee.db_pool"), "2");
    assert_eq!(
        c.psql("budgetbee", "SHOW budgetbee.db_authenticated_role"),
        "authenticated"
    );
    assert_eq!(
        c.psql("budgetbee", "SHOW budgetbee.jwt_aud"),
        "http://localhost:3000"
    );
    // No schema unless asked for: neither its tables nor its server-side roles.
    assert!(!out.contains("BUDGETBEE_LOAD"), "{out}");
    assert_eq!(
        c.psql(
            "budgetbee",
            "SELECT to_regclass('public.transactions') IS NULL"
        ),
        "t"
    );
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT count(*) FROM pg_roles WHERE rolname IN ('auth_admin', 'subscription_admin')"
        ),
        "0"
    );
    assert_serves_a_new_table(&c, "budgetbee");
}

/// PGRST_DB_URI names the database (and the authenticator) and BUDGETBEE_LOAD_DEMO=true loads
/// Budget Bee's schema and its demo rows (sql/app/00…90). The script is given mode 0644 here:
/// the entrypoint then sources it (a checkout that lost the executable bit), which must work as
/// well.
#[test]
fn first_boot_with_db_uri_and_demo_sourced() {
    let mut env = SEED_ENV.to_vec();
    env.extend([
        ("POSTGRES_DB", "budgetbee"),
        (
            "PGRST_DB_URI",
            "postgres://authenticator:unused@bu-postgres:5432/budgetbee",
        ),
        ("BUDGETBEE_LOAD_DEMO", "true"),
    ]);
    let c = Container::first_boot("init-demo", &env, Some(0o644));
    let out = &c.init_output;
    assert!(
        out.contains("/usr/local/bin/docker-entrypoint.sh: sourcing "),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "budgetbee init: BUDGETBEE_LOAD_DEMO: Budget Bee's schema and demo rows \
             ({}/app/[0-9]*.sql) into \"budgetbee\"\n",
            c.var("BUDGETBEE_SQL_DIR")
        )),
        "{out}"
    );
    assert!(
        out.contains("PGRST_DB_URI names database \"budgetbee\"") && !out.contains("ALTER SYSTEM"),
        "{out}"
    );
    assert!(!out.contains("WARNING"), "{out}");

    c.wait_for_workers(2);
    assert_eq!(extension_databases(&c), ["budgetbee"]);
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT source FROM pg_settings WHERE name = 'budgetbee.database'"
        ),
        "default",
        "the URI decides; nothing written"
    );
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT DISTINCT datname || ' ' || usename FROM pg_stat_activity \
             WHERE backend_type = 'budgetbee'"
        ),
        "budgetbee authenticator"
    );
    assert_app_schema(&c, "budgetbee");
    // 90-demo.sql's rows (sql/app/README.md, "Demo rows").
    assert_eq!(
        c.psql(
            "budgetbee",
            "SELECT (SELECT string_agg(id, ' ' ORDER BY id) FROM public.users) || ' | ' || \
             (SELECT count(*) FROM public.transactions) || ' transactions, ' || \
             (SELECT count(*) FROM public.transactions WHERE user_id = 'user_alice' \
              AND organization_id IS NULL) || ' of alice''s, ' || \
             (SELECT count(*) FROM public.transactions WHERE organization_id = 'org_acme') || \
             ' of org_acme'"
        ),
        "user_alice user_olivia user_victor | 384 transactions, 124 of alice's, 180 of org_acme"
    );
    // Row-level security over HTTP, with tokens as Better Auth signs them: alice reads her
    // personal rows, victor (a viewer of org_acme) the organization's.
    let alice = better_auth_token("user_alice", "alice@example.com", None);
    let victor = better_auth_token(
        "user_victor",
        "victor@example.com",
        Some(("org_acme", "viewer")),
    );
    assert_eq!(
        rows(
            &get_with_token(&c, "/transactions?select=id", &alice),
            &c.log()
        ),
        124
    );
    assert_eq!(
        rows(
            &get_with_token(&c, "/transactions?select=id", &victor),
            &c.log()
        ),
        180
    );
    let r = get_with_token(
        &c,
        "/transactions?select=name,amount,category:categories(name)&order=transaction_date,id&limit=2",
        &alice,
    );
    assert_eq!(
        (r.status, r.text()),
        (200, ALICE_FIRST_TWO.to_string()),
        "server log:\n{}",
        c.log()
    );
    assert_serves_a_new_table(&c, "budgetbee");
}

/// BUDGETBEE_LOAD_APP=true: Budget Bee's schema without the demo rows (sql/app/00…80), as
/// production wants it. The image holds sql/app's numbered files and README, not check.sql.
#[test]
fn first_boot_loads_the_app_schema_without_demo_rows() {
    let mut env = SEED_ENV.to_vec();
    env.extend([("POSTGRES_DB", "budgetbee"), ("BUDGETBEE_LOAD_APP", "true")]);
    let c = Container::first_boot("init-app", &env, None);
    let out = &c.init_output;
    assert!(
        out.contains(&format!(
            "budgetbee init: BUDGETBEE_LOAD_APP: Budget Bee's schema \
             ({}/app/[0-9]*.sql but 90-demo.sql) into \"budgetbee\"\n",
            c.var("BUDGETBEE_SQL_DIR")
        )),
        "{out}"
    );
    assert!(
        out.contains("ALTER SYSTEM SET budgetbee.database = 'budgetbee'"),
        "{out}"
    );
    assert!(!out.contains("WARNING"), "{out}");

    let names = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    };
    let expected: Vec<String> = names(&repo().join("sql/app"))
        .into_iter()
        .filter(|n| n != "check.sql")
        .collect();
    assert_eq!(
        names(&Path::new(&c.var("BUDGETBEE_SQL_DIR")).join("app")),
        expected
    );
    assert!(
        expected.contains(&"90-demo.sql".to_string()) && expected.contains(&"README.md".into()),
        "{expected:?}"
    );

    c.wait_for_workers(2);
    assert_eq!(extension_databases(&c), ["budgetbee"]);
    assert_app_schema(&c, "budgetbee");
    assert_eq!(
        c.psql(
            "budgetbee",
            "SELECT (SELECT count(*) FROM public.users) || ' users, ' || \
             (SELECT count(*) FROM public.organizations) || ' organizations, ' || \
             (SELECT count(*) FROM public.categories) || ' categories, ' || \
             (SELECT count(*) FROM public.transactions) || ' transactions, ' || \
             (SELECT count(*) FROM public.feature_flags) || ' feature flags'"
        ),
        "0 users, 0 organizations, 0 categories, 0 transactions, 0 feature flags"
    );
    // A valid token finds no row either (there is none), and the functions answer it.
    let alice = better_auth_token("user_alice", "alice@example.com", None);
    let r = get_with_token(&c, "/transactions", &alice);
    assert_eq!(
        (r.status, r.text()),
        (200, "[]".to_string()),
        "server log:\n{}",
        c.log()
    );
    let auth = format!("Bearer {alice}");
    let r = Conn::open(c.http_port).send_body(
        "POST",
        "/rpc/get_transaction_stat",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        Some(b"{}"),
    );
    assert_eq!(
        (r.status, r.text()),
        (200, "0".to_string()),
        "server log:\n{}",
        c.log()
    );
    assert_serves_a_new_table(&c, "budgetbee");
}

/// The seed's block moved over unchanged: PGRST_DB_URI logs in as POSTGRES_USER, a superuser.
/// It works (the init script allows the privileged authenticator, which the workers otherwise
/// refuse), and both the init script and the workers say why it should not stay that way.
#[test]
fn first_boot_with_the_seeds_db_uri_warns_about_the_superuser() {
    let mut env = SEED_ENV.to_vec();
    env.extend([
        ("POSTGRES_USER", "root"),
        ("POSTGRES_DB", "budgetbee"),
        (
            "PGRST_DB_URI",
            "postgres://root:bee-password@bu-postgres:5432/budgetbee",
        ),
    ]);
    let c = Container::first_boot("init-seed-uri", &env, None);
    let out = &c.init_output;
    assert!(
        out.contains(
            "budgetbee init: WARNING: role \"root\" (the authenticator the workers log in as) \
             is a superuser: any SQL a request reaches can RESET ROLE to it"
        ),
        "{out}"
    );
    // The workers refuse a superuser authenticator unless allowed: the seed's block is allowed,
    // and the init script says so.
    assert!(
        out.contains(
            "budgetbee init: WARNING: ALTER SYSTEM SET budgetbee.allow_privileged_authenticator \
             = on, since PGRST_DB_URI logs in as \"root\""
        ),
        "{out}"
    );
    c.wait_for_workers(2);
    assert_eq!(
        c.psql(
            "postgres",
            "SELECT DISTINCT datname || ' ' || usename FROM pg_stat_activity \
             WHERE backend_type = 'budgetbee'"
        ),
        "budgetbee root"
    );
    assert!(
        c.log()
            .lines()
            .any(|l| l.contains("WARNING") && l.contains("\"root\", a superuser")),
        "the workers warn too:\n{}",
        c.log()
    );
    assert_serves_a_new_table(&c, "budgetbee");
}
