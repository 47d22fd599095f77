#!/usr/bin/env bash
# Opens psql as the app user on the app database, over TCP like the portal.
# Extra arguments go to psql, e.g.  db/psql.sh -c 'select count(*) from customers'
set -euo pipefail
# shellcheck source=db/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

load_config
host="$PG_HOST"
if is_local_host; then
  host="127.0.0.1"
  cluster_running || die "PostgreSQL is not running; start it with db/up.sh"
fi
if find_pg_bin; then
  psql_bin="$PG_BIN/psql"
else
  psql_bin="$(command -v psql)" || die "psql not found; run db/up.sh (installs PostgreSQL) or apt-get install postgresql-client"
fi
export PGPASSWORD="$PG_PASSWORD"
exec "$psql_bin" -h "$host" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DATABASE" "$@"
