#!/usr/bin/env bash
# budgetbee's first-boot setup in the postgres image. docker-entrypoint.sh runs it from
# /docker-entrypoint-initdb.d once, on an empty data directory, while its temporary server is
# up (socket only; budgetbee is preloaded there too, so its workers already run):
#   1. the API roles from roles.sql (authenticator: NOINHERIT login; anon; authenticated);
#   2. CREATE EXTENSION budgetbee in POSTGRES_DB;
#   3. with BUDGETBEE_LOAD_APP=true, Budget Bee's schema into POSTGRES_DB: app/[0-9]*.sql in
#      name order but 90-demo.sql (roles auth_admin and subscription_admin too, Better Auth's
#      and the app's tables, row-level security, functions, grants); with
#      BUDGETBEE_LOAD_DEMO=true, the same and the demo rows of app/90-demo.sql. One transaction:
#      a failing file leaves nothing behind;
#   4. when neither budgetbee.database nor PGRST_DB_URI names a database, ALTER SYSTEM SET
#      budgetbee.database = POSTGRES_DB: the workers of the real server, started after this,
#      then serve POSTGRES_DB instead of the default "postgres" (a restart option, so the
#      temporary server's workers keep theirs);
#   5. warnings about the roles the workers use (missing, a superuser authenticator, …), as
#      they are once everything above ran.
# It reaches the temporary server as the entrypoint's own psql does: as POSTGRES_USER through
# the default socket, or PGHOST/PGPORT when set. The image installs it executable; sourced (a
# checkout that lost the mode) it works the same and leaves only its budgetbee_* functions.
# BUDGETBEE_SQL_DIR says where roles.sql and app/ are (the image: /usr/share/budgetbee).
set -Eeo pipefail

budgetbee_say() { printf 'budgetbee init: %s\n' "$*"; }
budgetbee_warn() { printf >&2 'budgetbee init: WARNING: %s\n' "$*"; }

budgetbee_psql() {
	psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc \
		--dbname "$POSTGRES_DB" "$@"
}

# One setting as the temporary server has it. It runs with the container's environment and
# command line, so budgetbee's PGRST_* fallbacks are already applied.
budgetbee_show() {
	budgetbee_psql -A -t --set name="$1" <<-'EOSQL'
		SELECT current_setting(:'name');
	EOSQL
}

budgetbee_urldecode() {
	local s=${1//\\/\\\\}
	printf '%b' "${s//%/\\x}"
}

# The user or database ($1: user | dbname) PGRST_DB_URI names, read as budgetbee reads it
# (parse_db_uri in src/config.rs): postgres[ql]://user:password@host:port/db?dbname=…&user=…
# or libpq keywords "user=a dbname=b". Prints nothing when the URI does not name it.
budgetbee_uri_part() {
	local want=$1 uri='' rest path='' query='' value='' kv
	local -a pairs=()
	read -r uri <<<"${PGRST_DB_URI:-}" || true
	case $uri in
	postgres://* | postgresql://*)
		rest=${uri#*://}
		if [[ $rest == */* ]]; then path=${rest#*/}; fi
		if [[ $path == *'?'* ]]; then query=${path#*'?'}; fi
		path=${path%%'?'*}
		rest=${rest%%/*}
		if [ "$want" = dbname ]; then
			value=$(budgetbee_urldecode "$path")
		elif [[ $rest == *@* ]]; then
			rest=${rest%@*}
			value=$(budgetbee_urldecode "${rest%%:*}")
		fi
		IFS='&' read -r -a pairs <<<"$query" || true
		for kv in "${pairs[@]}"; do
			if [ "${kv%%=*}" = "$want" ] && [[ $kv == *=* ]]; then
				kv=${kv#*=}
				value=$(budgetbee_urldecode "${kv//+/ }")
			fi
		done
		;;
	*)
		read -r -a pairs <<<"$uri" || true
		for kv in "${pairs[@]}"; do
			if [ "${kv%%=*}" = "$want" ] && [[ $kv == *=* ]]; then
				kv=${kv#*=}
				kv=${kv##\'}
				value=${kv%%\'}
			fi
		done
		;;
	esac
	printf '%s' "$value"
}

# Warns about a role the workers need that is missing or unfit ($1: the role, $2: what it is
# for, $3: the authenticator, which must be a non-superuser login role granted the others).
budgetbee_check_role() {
	local problem
	problem=$(budgetbee_psql -A -t --set role="$1" --set auth="$3" <<-'EOSQL'
		SELECT CASE
		  WHEN NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') THEN 'does not exist'
		  WHEN :'role' = :'auth' AND (SELECT rolsuper FROM pg_roles WHERE rolname = :'role')
		    THEN 'is a superuser: any SQL a request reaches can RESET ROLE to it'
		  WHEN :'role' = :'auth' AND NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = :'role')
		    THEN 'cannot log in'
		  WHEN :'role' <> :'auth' AND EXISTS (SELECT FROM pg_roles WHERE rolname = :'auth')
		    AND NOT pg_has_role(:'auth', :'role', 'MEMBER')
		    THEN format('is not granted to %I', :'auth')
		  ELSE '' END;
	EOSQL
	)
	if [ -n "$problem" ]; then budgetbee_warn "role \"$1\" ($2) $problem"; fi
}

# true or false from a yes/no environment variable ($1: its name, $2: its value).
budgetbee_flag() {
	case ${2,,} in
	true | on | yes | 1) echo true ;;
	false | off | no | 0 | '') echo false ;;
	*)
		printf >&2 'budgetbee init: %s=%s: use true or false\n' "$1" "$2"
		return 1
		;;
	esac
}

# Budget Bee's schema from $1/app into POSTGRES_DB, the demo rows too when $2 is true.
budgetbee_load_app() {
	local app=$1/app demo=$2 f
	local -a files=()
	case $POSTGRES_USER in
	anon | authenticated | authenticator | auth_admin | subscription_admin)
		printf >&2 'budgetbee init: POSTGRES_USER=%s is a role Budget Bee'"'"'s schema creates and restricts (app/01-roles.sql): choose another name for the superuser\n' "$POSTGRES_USER"
		return 1
		;;
	esac
	for f in "$app"/[0-9]*.sql; do
		if [ -f "$f" ] && { [ "$demo" = true ] || [ "${f##*/}" != 90-demo.sql ]; }; then
			files+=(-f "$f")
		fi
	done
	if [ ${#files[@]} -eq 0 ]; then
		printf >&2 'budgetbee init: no schema files in %s\n' "$app"
		return 1
	fi
	PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" budgetbee_psql -q -1 "${files[@]}"
}

budgetbee_init() {
	local sql_dir=${BUDGETBEE_SQL_DIR:-/usr/share/budgetbee} app demo
	local database uri_db authenticator role
	demo=$(budgetbee_flag BUDGETBEE_LOAD_DEMO "${BUDGETBEE_LOAD_DEMO:-false}")
	app=$(budgetbee_flag BUDGETBEE_LOAD_APP "${BUDGETBEE_LOAD_APP:-false}")

	budgetbee_say "roles ($sql_dir/roles.sql)"
	budgetbee_psql -q -f "$sql_dir/roles.sql"

	budgetbee_say "CREATE EXTENSION budgetbee in database \"$POSTGRES_DB\""
	budgetbee_psql -q -c 'CREATE EXTENSION IF NOT EXISTS budgetbee'

	if [ "$demo" = true ]; then
		budgetbee_say "BUDGETBEE_LOAD_DEMO: Budget Bee's schema and demo rows ($sql_dir/app/[0-9]*.sql) into \"$POSTGRES_DB\""
		budgetbee_load_app "$sql_dir" true
	elif [ "$app" = true ]; then
		budgetbee_say "BUDGETBEE_LOAD_APP: Budget Bee's schema ($sql_dir/app/[0-9]*.sql but 90-demo.sql) into \"$POSTGRES_DB\""
		budgetbee_load_app "$sql_dir" false
	fi

	database=$(budgetbee_show budgetbee.database)
	uri_db=$(budgetbee_uri_part dbname)
	if [ -n "$database" ]; then
		budgetbee_say "budgetbee.database is set to \"$database\"; left as it is"
	elif [ -n "$uri_db" ]; then
		database=$uri_db
		budgetbee_say "PGRST_DB_URI names database \"$database\""
	else
		database=$POSTGRES_DB
		budgetbee_say "ALTER SYSTEM SET budgetbee.database = '$database' (PGRST_DB_URI names no database)"
		budgetbee_psql -q --set db="$database" <<-'EOSQL'
			ALTER SYSTEM SET budgetbee.database = :'db';
		EOSQL
	fi
	if [ "$database" != "$POSTGRES_DB" ]; then
		budgetbee_warn "the workers will serve database \"$database\", not POSTGRES_DB \"$POSTGRES_DB\"; run CREATE EXTENSION budgetbee there"
	fi

	authenticator=$(budgetbee_show budgetbee.authenticator)
	if [ -z "$authenticator" ]; then authenticator=$(budgetbee_uri_part user); fi
	if [ -z "$authenticator" ]; then authenticator=authenticator; fi
	budgetbee_check_role "$authenticator" 'the authenticator the workers log in as' "$authenticator"
	# The workers refuse to serve as a superuser or a BYPASSRLS role unless allowed. The seed's
	# PGRST_DB_URI logs in as POSTGRES_USER, a superuser: allowed here, so that block moves
	# over unchanged, and said loudly (budgetbee_check_role warned above).
	if [ "$(budgetbee_psql -A -t --set auth="$authenticator" <<-'EOSQL'
		SELECT coalesce((SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = :'auth'), false);
	EOSQL
	)" = t ] && [ "$(budgetbee_show budgetbee.allow_privileged_authenticator)" != on ]; then
		budgetbee_warn "ALTER SYSTEM SET budgetbee.allow_privileged_authenticator = on, since PGRST_DB_URI logs in as \"$authenticator\"; without it the workers refuse to serve (503). Create a NOINHERIT login role without superuser and name it in PGRST_DB_URI instead."
		budgetbee_psql -q <<-'EOSQL'
			ALTER SYSTEM SET budgetbee.allow_privileged_authenticator = on;
		EOSQL
	fi
	for role in "$(budgetbee_show budgetbee.db_anon_role)" "$(budgetbee_show budgetbee.db_authenticated_role)"; do
		if [ -n "$role" ]; then
			budgetbee_check_role "$role" 'a role requests switch to' "$authenticator"
		fi
	done

	budgetbee_say "once the server restarts, the API serves database \"$database\" as \"$authenticator\" on port $(budgetbee_show budgetbee.server_port) ($(budgetbee_show budgetbee.db_pool) workers)"
}

budgetbee_init
