#!/usr/bin/env bash
# Drops and recreates the app database (all local portal data is lost).
# The portal re-applies migrations and demo data on its next start.
set -euo pipefail
# shellcheck source=db/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

db_up
is_local_host || die "ConnectionStrings.Portal points at host '$PG_HOST'; db/reset.sh only resets the local database"

log "Dropping and recreating database $PG_DATABASE"
psql_super -v role="$PG_USER" -v db="$PG_DATABASE" <<'SQL' || die "Reset failed"
SELECT count(pg_terminate_backend(pid)) AS terminated
  FROM pg_stat_activity WHERE datname = :'db' AND pid <> pg_backend_pid() \gset
DROP DATABASE IF EXISTS :"db" WITH (FORCE);
CREATE DATABASE :"db" OWNER :"role" ENCODING 'UTF8' TEMPLATE template0;
SQL
log "Database $PG_DATABASE is empty again (owner $PG_USER); start the portal to migrate and seed it"
