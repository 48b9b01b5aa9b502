# Shared by run-demo, demo-tokens and bench: where the demo cluster and its test-only keys live,
# and how to reach them. Needs PG_CONFIG and PG; sources lib.sh first.
STATE=$(state_dir)
bin=$("$PG_CONFIG" --bindir)
dir=${DEMO_DIR:-$STATE/demo-pg$PG}
data="$dir/data"
pg_port=${DEMO_PG_PORT:-54329}
keys=${DEMO_KEYS:-$STATE/demo-keys}
# Better Auth's URL in development: the tokens' iss and aud, and budgetbee's jwt_aud.
app_url=${DEMO_APP_URL:-http://localhost:3000}
# The demo users: a personal one, the owner of org_acme, a viewer of org_acme (sql/app/90-demo.sql).
demo_users=(user_alice user_olivia user_victor)

as_pg() { runuser -u postgres -- "$@"; }
psql_demo() { as_pg "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$pg_port" "$@"; }

# Test-only signing keys, made once into the ignored state directory: Ed25519 as Better Auth's
# jwt plugin makes by default, RSA as the seed's JWKS shows. Never for real tokens.
demo_keys() {
  if [ -s "$keys/ed25519.pem" ] && [ -s "$keys/rsa.pem" ]; then return; fi
  echo "generating test-only signing keys in $keys" >&2
  mkdir -p "$keys" && chmod 700 "$keys"
  (
    umask 077
    openssl genpkey -algorithm ed25519 -out "$keys/ed25519.pem" 2>/dev/null
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$keys/rsa.pem" 2>/dev/null
  )
}

demo_token() { cargo run -q -p budgetbee-e2e --bin demo_token -- "$@"; }

# The public JWKS of the demo keys, as Better Auth's /api/auth/jwks shapes it.
demo_jwks() { demo_token jwks "$keys"; }

# `<user> <token>` per demo user: Better Auth's payload, the user's organization and role (if
# any) from the members table, signed with the Ed25519 key, valid for an hour.
demo_user_tokens() {
  local id email org role
  for id in "${demo_users[@]}"; do
    IFS='|' read -r email org role < <(psql_demo -d budgetbee -At -c \
      "SELECT u.email, coalesce(m.organization_id, ''), coalesce(m.role, '')
         FROM users u LEFT JOIN members m ON m.user_id = u.id
        WHERE u.id = '$id' ORDER BY m.created_at LIMIT 1")
    echo "$id $(demo_token sign "$keys" EdDSA "$app_url" "$id" "$email" "$org" "$role")"
  done
}

# Hot standby n of the demo cluster (which must be running): pg_basebackup of it into
# $dir-standby<n>, socket port pg_port+n, streaming from it, started with the primary's PGRST_*
# (read from its postmaster) but its own API and admin ports; returns once its API answers.
demo_start_standby() { # n api-port admin-port primary-api-url
  local n=$1 api_port=$2 admin_port=$3 primary=$4 sdir="$dir-standby$1" v
  local sport=$((pg_port + n)) senv=()
  demo_stop_standby "$n"
  rm -rf "$sdir" && mkdir -p "$sdir" && chown postgres: "$sdir"
  as_pg "$bin/pg_basebackup" -h "$dir" -p "$pg_port" -U postgres -D "$sdir/data" -X stream -c fast
  # standby.signal and primary_conninfo by hand: -R writes libpq options (sslnegotiation)
  # that an older libpq in the walreceiver refuses.
  as_pg touch "$sdir/data/standby.signal"
  cat >>"$sdir/data/postgresql.conf" <<CONF
port = $sport
unix_socket_directories = '$sdir'
hot_standby = on
primary_conninfo = 'host=$dir port=$pg_port user=postgres application_name=standby$n'
budgetbee.primary_url = '$primary'
CONF
  while IFS= read -r -d '' v; do
    case "$v" in PGRST_SERVER_PORT=*|PGRST_ADMIN_SERVER_PORT=*) ;; PGRST_*) senv+=("$v") ;; esac
  done <"/proc/$(head -1 "$data/postmaster.pid")/environ"
  as_pg env "${senv[@]}" PGRST_SERVER_PORT="$api_port" PGRST_ADMIN_SERVER_PORT="$admin_port" \
    "$bin/pg_ctl" -D "$sdir/data" -l "$sdir/server.log" start -w >/dev/null
  demo_wait_api "http://127.0.0.1:$api_port" || { echo "see $sdir/server.log" >&2; return 1; }
}

# Bounded wait (60 s) until the API at the URL answers.
demo_wait_api() { # url
  local _
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$1/transactions?limit=0" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "no API answered at $1" >&2
  return 1
}

# The pids of the cluster's budgetbee workers: the postmaster's children whose title names them
# (a child that exits meanwhile is skipped quietly).
demo_worker_pids() {
  local p
  for p in $(pgrep -P "$(head -1 "$data/postmaster.pid")"); do
    if tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -q 'budgetbee worker'; then echo "$p"; fi
  done
}

# Bounded wait (300 s: a first run builds demo_token and creates the cluster) until the
# .ci/run-demo started in the background as PID serves the URL; its output is LOG.
demo_wait_run_demo() { # pid url log
  local i
  for i in $(seq 1 600); do
    curl -fsS -o /dev/null "$2/transactions?limit=0" 2>/dev/null && return 0
    if ! kill -0 "$1" 2>/dev/null || [ "$i" = 600 ]; then
      echo "run-demo did not start serving $2; its output ($3):" >&2
      cat "$3" >&2
      return 1
    fi
    sleep 0.5
  done
}

demo_stop_standby() { # n
  local sdata="$dir-standby$1/data"
  if [ -f "$sdata/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$sdata" stop -m fast >/dev/null 2>&1 || true
  fi
}
