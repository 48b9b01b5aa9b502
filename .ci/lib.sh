# Shared by the .ci scripts: where each Postgres major lives and where clusters are kept.

# pg_config of a supported major.
pg_config_for() {
  case "$1" in
    15) echo /usr/lib/postgresql/15/bin/pg_config ;;
    17) echo /opt/budgetbee/pg17/bin/pg_config ;;
    *) echo "unsupported PG=$1 (15 or 17)" >&2; return 2 ;;
  esac
}

# Clusters run as the postgres OS user, which must reach every directory on the way to them.
# The project-local .state/ is used when it can; a clone inside a private home (/root is 0700)
# gets a per-clone directory under /var/tmp instead, linked from .state so it is still found
# in the project.
state_dir() {
  local root local_dir shared
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  local_dir="$root/.state"
  if [ -L "$local_dir" ]; then readlink -f "$local_dir"; return; fi
  if runuser -u postgres -- test -x "$root" 2>/dev/null; then
    mkdir -p "$local_dir" && chown postgres: "$local_dir"
    echo "$local_dir"
  else
    shared="/var/tmp/budgetbee-$(printf %s "$root" | cksum | cut -d' ' -f1)"
    mkdir -p "$shared" && chown postgres: "$shared"
    ln -sfn "$shared" "$local_dir"
    echo "$shared"
  fi
}
