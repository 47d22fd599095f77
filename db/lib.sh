# shellcheck shell=bash
# Shared helpers for db/*.sh, run.sh and test.sh. Source it; do not run it.
#
# The local PostgreSQL cluster lives in db/.pgdata, its unix socket in db/.run.
# It listens on 127.0.0.1 only, on the port of ConnectionStrings.Portal.
# Connection details come from appsettings.json (repo root), or from the
# environment variable ConnectionStrings__Portal when set (ASP.NET Core rule).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PG_DATA_DIR="$REPO_ROOT/db/.pgdata"
PG_RUN_DIR="$REPO_ROOT/db/.run"
PG_LOG_FILE="$PG_DATA_DIR/log/postgres.log"
PG_DATA_REL="db/.pgdata"
LOG_PREFIX="db" # run.sh/test.sh set their own after sourcing

log() { printf '[%s] %s\n' "$LOG_PREFIX" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$LOG_PREFIX" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$LOG_PREFIX" "$*" >&2; exit 1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# --------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------

# Prints the raw connection string: env override first, then appsettings.json.
portal_connection_string() {
  if [[ -n "${ConnectionStrings__Portal:-}" ]]; then
    printf '%s\n' "$ConnectionStrings__Portal"
    return 0
  fi
  local file="$REPO_ROOT/appsettings.json" cs
  [[ -f "$file" ]] || die "Config file not found: $file"
  # Flatten the file, then take "Portal": "..." inside the "ConnectionStrings": { ... } object.
  cs="$(tr -d '\r' <"$file" | tr '\n\t' '  ' |
    sed -n 's/.*"ConnectionStrings"[[:space:]]*:[[:space:]]*{[^}]*"Portal"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')"
  [[ -n "$cs" ]] || die "Could not read ConnectionStrings.Portal from $file"
  printf '%s\n' "$cs"
}

trim() {
  local s="$1"
  s="${s#"${s%%[![:space:]]*}"}"
  s="${s%"${s##*[![:space:]]}"}"
  printf '%s' "$s"
}

# Sets PG_HOST PG_PORT PG_DATABASE PG_USER PG_PASSWORD (Npgsql key names and aliases).
# Values containing ';' or quotes are not supported (none are needed locally).
load_config() {
  local cs part key val
  local -a parts
  cs="$(portal_connection_string)"
  PG_HOST="127.0.0.1" PG_PORT="5432" PG_DATABASE="" PG_USER="" PG_PASSWORD=""
  IFS=';' read -r -a parts <<<"$cs"
  for part in "${parts[@]}"; do
    [[ "$part" == *=* ]] || continue
    key="${part%%=*}"
    val="$(trim "${part#*=}")"
    key="${key//[[:space:]]/}"
    case "${key,,}" in
      host | server) PG_HOST="$val" ;;
      port) PG_PORT="$val" ;;
      database | db) PG_DATABASE="$val" ;;
      username | userid | user | uid) PG_USER="$val" ;;
      password | pwd | psw) PG_PASSWORD="$val" ;;
    esac
  done
  [[ "$PG_PORT" =~ ^[0-9]+$ ]] && ((PG_PORT > 0 && PG_PORT < 65536)) ||
    die "Invalid Port '$PG_PORT' in ConnectionStrings.Portal"
  [[ -n "$PG_DATABASE" ]] || die "ConnectionStrings.Portal has no Database"
  [[ -n "$PG_USER" ]] || die "ConnectionStrings.Portal has no Username"
  [[ -n "$PG_PASSWORD" ]] || die "ConnectionStrings.Portal has no Password"

  # Unix socket path must fit in sun_path (107 bytes); deep checkouts fall back to /tmp.
  PG_SOCKET_DIR="$PG_RUN_DIR"
  if (("${#PG_SOCKET_DIR}" + 20 > 107)); then
    PG_SOCKET_DIR="/tmp/portal-pg-$(printf '%s' "$REPO_ROOT" | cksum | cut -d' ' -f1)"
  fi
}

# We only manage a server for 127.0.0.1 / localhost.
is_local_host() {
  case "${PG_HOST,,}" in
    127.0.0.1 | localhost) return 0 ;;
    *) return 1 ;;
  esac
}

# --------------------------------------------------------------------------
# Binaries and OS user
# --------------------------------------------------------------------------

# Sets PG_BIN to the directory holding initdb/pg_ctl/postgres/psql, or returns 1.
# Prefers the version the existing data folder was created with, else the highest.
find_pg_bin() {
  PG_BIN=""
  local want="" dir best=""
  want="$(cat "$PG_DATA_DIR/PG_VERSION" 2>/dev/null || true)"
  if [[ -n "$want" && -x "/usr/lib/postgresql/$want/bin/pg_ctl" ]]; then
    PG_BIN="/usr/lib/postgresql/$want/bin"
    return 0
  fi
  best="$(for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/pg_ctl" && -x "$dir/initdb" ]] && basename "$(dirname "$dir")"
  done | sort -V | tail -n 1)"
  if [[ -n "$best" ]]; then
    PG_BIN="/usr/lib/postgresql/$best/bin"
  elif command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    PG_BIN="$(dirname "$(command -v pg_ctl)")"
  else
    return 1
  fi
  if [[ -n "$want" ]]; then
    local have
    have="$("$PG_BIN/pg_ctl" --version | sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p')"
    [[ "$have" == "$want" ]] ||
      die "$PG_DATA_REL was created by PostgreSQL $want but only PostgreSQL ${have:-?} is installed ($PG_BIN). Remove $PG_DATA_REL (local data is lost) or install postgresql-$want."
  fi
  return 0
}

# apt-get install, running `apt-get update` first unless the package lists are fresh.
apt_install() {
  is_root || die "Installing $* needs root: sudo apt-get update && sudo apt-get install -y $*"
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install these packages yourself: $*"
  if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -60 2>/dev/null | head -n 1)" ]]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -q || die "apt-get update failed"
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" </dev/null || die "apt-get install $* failed"
}

ensure_pg_installed() {
  find_pg_bin && return 0
  if ! is_root; then
    die "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin). Install them: sudo apt-get update && sudo apt-get install -y postgresql"
  fi
  log "PostgreSQL not found; installing Debian's postgresql package"
  apt_install postgresql
  find_pg_bin || die "PostgreSQL still not found under /usr/lib/postgresql/*/bin after installing"
  log "Using $PG_BIN"
}

ensure_postgres_user() {
  is_root || return 0
  id -u postgres >/dev/null 2>&1 && return 0
  command -v runuser >/dev/null 2>&1 || die "runuser (util-linux) is required to run PostgreSQL as root"
  log "Creating system user postgres"
  useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres ||
    die "Could not create the postgres user"
}

# Runs a command as the OS user that owns the cluster: postgres when we are root
# (initdb/pg_ctl/postgres refuse root), otherwise the current user.
# All descriptors above 2 are closed first, so a started postmaster holds neither
# our lock (fd 9) nor any pipe of the caller (a CI runner would wait on it).
as_pg() {
  (
    local fd
    for fd in /proc/self/fd/*; do
      fd="${fd##*/}"
      if [[ "$fd" =~ ^[0-9]+$ ]] && ((fd > 2)); then
        eval "exec $fd>&-" 2>/dev/null || true
      fi
    done
    cd /
    if is_root; then
      exec runuser -u postgres -- "$@"
    else
      exec "$@"
    fi
  )
}

# --------------------------------------------------------------------------
# Folders and permissions
# --------------------------------------------------------------------------

# Serialises concurrent up/down/reset (e.g. run.sh and test.sh at the same time).
take_lock() {
  mkdir -p "$PG_RUN_DIR"
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>>"$PG_RUN_DIR/.lock"
  flock -w 120 9 || die "Timed out waiting for another db script (lock $PG_RUN_DIR/.lock)"
}

# As root: make sure user postgres can traverse every directory down to db/.
ensure_traversable() {
  is_root || return 0
  local path="$REPO_ROOT/db" dir="" comp
  local -a comps fixed=()
  IFS='/' read -r -a comps <<<"${path#/}"
  for comp in "${comps[@]}"; do
    dir="$dir/$comp"
    if ! (cd / && runuser -u postgres -- test -x "$dir") 2>/dev/null; then
      chmod o+x "$dir" || die "Could not add o+x to $dir"
      fixed+=("$dir")
    fi
  done
  if ((${#fixed[@]} > 0)); then
    log "Added o+x to ${fixed[*]} so user postgres can reach $PG_DATA_REL"
  fi
}

# Creates db/.pgdata and the socket folder with the right owner and mode 0700.
prepare_dirs() {
  local d owner
  for d in "$PG_DATA_DIR" "$PG_RUN_DIR" "$PG_SOCKET_DIR"; do
    mkdir -p "$d"
    owner="$(stat -c %U "$d")"
    if is_root; then
      if [[ "$owner" != postgres ]]; then
        chown -R postgres:postgres "$d"
      fi
    elif [[ "$owner" != "$(id -un)" ]]; then
      die "$d belongs to user $owner (created by an earlier run as root?). Run as root, or remove $d."
    fi
    chmod 700 "$d"
  done
}

# --------------------------------------------------------------------------
# Cluster state
# --------------------------------------------------------------------------

# True when our postmaster is alive; sets RUNNING_PID and RUNNING_PORT.
cluster_running() {
  RUNNING_PID="" RUNNING_PORT=""
  local pidfile="$PG_DATA_DIR/postmaster.pid" pid comm stat
  [[ -f "$pidfile" ]] || return 1
  pid="$(sed -n 1p "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -d "/proc/$pid" ]] || return 1
  comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
  [[ "$comm" == postgres* || "$comm" == postmaster* ]] || return 1
  # A killed postmaster may linger as a zombie until it is reaped: not running.
  stat="$(cat "/proc/$pid/stat" 2>/dev/null || true)"
  stat="${stat##*) }"
  [[ "${stat%% *}" != [ZX] ]] || return 1
  RUNNING_PID="$pid"
  RUNNING_PORT="$(sed -n 4p "$pidfile" 2>/dev/null || true)"
  return 0
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
  local port="$1"
  if command -v timeout >/dev/null 2>&1; then
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
  else
    bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
  fi
}

# After a crash: postmaster.pid (and the socket lock) may name a PID that is now
# some other process, which makes postgres refuse to start. Remove them.
clear_stale_pid() {
  local pidfile="$PG_DATA_DIR/postmaster.pid" pid
  if [[ -f "$pidfile" ]]; then
    pid="$(sed -n 1p "$pidfile" 2>/dev/null || true)"
    log "Removing stale postmaster.pid (PID ${pid:-?} is no longer a running PostgreSQL)"
    rm -f "$pidfile"
  fi
  rm -f "$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT" "$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT.lock"
}

init_cluster() {
  local locale_opt=(--locale=C.UTF-8) out="$PG_RUN_DIR/initdb.log"
  if ! locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    locale_opt=(--no-locale)
  fi
  log "Creating a new cluster in $PG_DATA_REL ($("$PG_BIN/initdb" --version), ${locale_opt[0]})"
  if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA_DIR" --auth-local=trust --auth-host=scram-sha-256 \
    -U postgres --encoding=UTF8 "${locale_opt[@]}" >"$out" 2>&1; then
    cat "$out" >&2
    die "initdb failed (output above)"
  fi
  as_pg mkdir -p "$PG_DATA_DIR/log"
}

start_cluster() {
  local sock="${PG_SOCKET_DIR//\'/\'\\\'\'}" out="$PG_RUN_DIR/pg_ctl.log"
  as_pg mkdir -p "$PG_DATA_DIR/log"
  log "Starting PostgreSQL on 127.0.0.1:$PG_PORT (data: $PG_DATA_REL, log: $PG_DATA_REL/log/postgres.log)"
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA_DIR" -l "$PG_LOG_FILE" -w -t 60 \
    -o "-p $PG_PORT -k '$sock' -c listen_addresses=127.0.0.1 -c unix_socket_permissions=0700 -c max_connections=200 -c synchronous_commit=off" \
    start >"$out" 2>&1; then
    cat "$out" >&2
    echo "--- last lines of $PG_DATA_REL/log/postgres.log ---" >&2
    tail -n 25 "$PG_LOG_FILE" >&2 2>/dev/null || true
    die "PostgreSQL did not start"
  fi
}

# psql as superuser postgres over the unix socket (local auth is trust).
psql_super() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres "$@"
}

# Creates the login role and the database when missing; keeps password/owner in sync.
ensure_role_and_database() {
  psql_super -v role="$PG_USER" -v pass="$PG_PASSWORD" -v db="$PG_DATABASE" <<'SQL' || die "Could not create role/database"
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') AS need_role \gset
\if :need_role
  CREATE ROLE :"role" LOGIN CREATEDB PASSWORD :'pass';
  \echo '[db] Created login role' :role
\endif
ALTER ROLE :"role" WITH LOGIN CREATEDB PASSWORD :'pass';
SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') AS need_db \gset
\if :need_db
  CREATE DATABASE :"db" OWNER :"role" ENCODING 'UTF8' TEMPLATE template0;
  \echo '[db] Created database' :db 'owned by' :role
\endif
ALTER DATABASE :"db" OWNER TO :"role";
SQL
}

# Proves the app's own credentials work over TCP, exactly as the portal connects.
verify_app_login() {
  local got
  got="$(PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=10 "$PG_BIN/psql" -X -w -tA \
    -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DATABASE" -c 'select 1' 2>&1)" || true
  [[ "$got" == 1 ]] || die "Cannot log in as $PG_USER to $PG_DATABASE on 127.0.0.1:$PG_PORT: $got"
}

# The whole of db/up.sh; also used by db/reset.sh.
db_up() {
  load_config
  if ! is_local_host; then
    log "ConnectionStrings.Portal points at host '$PG_HOST', not 127.0.0.1/localhost; not managing a local PostgreSQL"
    return 0
  fi
  take_lock

  if cluster_running; then
    if [[ "$RUNNING_PORT" != "$PG_PORT" ]]; then
      die "Our PostgreSQL ($PG_DATA_REL) is running on port ${RUNNING_PORT:-?}, but the connection string says $PG_PORT. Run db/down.sh, then db/up.sh."
    fi
    find_pg_bin || die "PostgreSQL is running but its binaries were not found"
    log "PostgreSQL already running on 127.0.0.1:$PG_PORT (data: $PG_DATA_REL)"
  else
    if port_in_use "$PG_PORT"; then
      die "Port $PG_PORT on 127.0.0.1 is already in use by another process; stop it or change the port in appsettings.json"
    fi
    ensure_pg_installed
    ensure_postgres_user
    ensure_traversable
    prepare_dirs
    if [[ ! -f "$PG_DATA_DIR/PG_VERSION" ]]; then
      if [[ -n "$(ls -A "$PG_DATA_DIR" 2>/dev/null)" ]]; then
        die "$PG_DATA_REL exists but is not a PostgreSQL data folder; remove it and run db/up.sh again"
      fi
      init_cluster
    fi
    clear_stale_pid
    start_cluster
  fi

  ensure_role_and_database
  verify_app_login
  log "Ready: database $PG_DATABASE, user $PG_USER on 127.0.0.1:$PG_PORT"
}

# --------------------------------------------------------------------------
# .NET SDK (run.sh, test.sh)
# --------------------------------------------------------------------------

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1 && [[ -x "$HOME/.dotnet/dotnet" ]]; then
    export DOTNET_ROOT="$HOME/.dotnet"
    export PATH="$HOME/.dotnet:$PATH"
  fi
  if ! command -v dotnet >/dev/null 2>&1; then
    printf '[%s] ERROR: The .NET 10 SDK is not installed (no "dotnet" on PATH).\n' "$LOG_PREFIX" >&2
    cat >&2 <<'EOF'
Install it, then run this script again. On Debian 12 (as root):
  apt-get update && apt-get install -y wget ca-certificates
  wget https://packages.microsoft.com/config/debian/12/packages-microsoft-prod.deb -O /tmp/ms.deb
  dpkg -i /tmp/ms.deb && apt-get update && apt-get install -y dotnet-sdk-10.0
Or without root: https://dot.net/v1/dotnet-install.sh --channel 10.0 (installs to ~/.dotnet)
See https://learn.microsoft.com/dotnet/core/install/linux-debian
EOF
    exit 1
  fi
  local ver
  if ! ver="$(cd "$REPO_ROOT" && dotnet --version 2>&1)"; then
    printf '%s\n' "$ver" >&2
    die "'dotnet --version' failed in $REPO_ROOT (output above). If no SDK matches global.json, install the .NET 10 SDK (dotnet-sdk-10.0, 10.0.100 or later)."
  fi
  log ".NET SDK $ver"
}
