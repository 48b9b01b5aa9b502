//! The image staged without Docker: the entrypoint's init functions, and what the Dockerfile's
//! runtime stage puts in the image (`COPY` sources and their wildcards, `ENV`) laid out on disk.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `docker_process_init_files`, `docker_process_sql` and `docker_setup_db` as docker-library/
/// postgres's `17/bookworm/docker-entrypoint.sh` defines them (MIT licence), run the way its
/// `_main` runs them after `docker_temp_server_start`. Two differences, neither seen by an
/// init script: the entrypoint's `docker_process_sql` blanks PGHOST so that psql finds the
/// temporary server's socket in the compiled-in directory (/var/run/postgresql in the image),
/// while this cluster's socket is in the directory PGHOST names; and the `<<-` heredocs lost
/// their tab indentation. `$0` is the entrypoint's path, as in its messages; `$1` is the staged
/// /docker-entrypoint-initdb.d.
pub(super) const ENTRYPOINT: &str = r#"
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

pub(super) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub(super) fn bindir() -> PathBuf {
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
pub(super) fn stage_image(root: &Path) -> Vec<(String, String)> {
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

pub(super) fn run(cmd: &mut Command, what: &str) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
