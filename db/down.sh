#!/usr/bin/env bash
# Stops the local PostgreSQL cluster in db/.pgdata (fast shutdown). Data is kept.
set -euo pipefail
# shellcheck source=db/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

load_config
take_lock
if cluster_running; then
  port="$RUNNING_PORT"
  find_pg_bin || die "PostgreSQL is running (PID $RUNNING_PID) but its binaries were not found"
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA_DIR" -m fast -w -t 60 stop >/dev/null; then
    die "pg_ctl stop failed; see $PG_DATA_REL/log/postgres.log"
  fi
  log "PostgreSQL stopped (was on 127.0.0.1:${port:-?}, data kept in $PG_DATA_REL)"
else
  log "PostgreSQL was not running (data: $PG_DATA_REL)"
fi
