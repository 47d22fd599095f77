#!/usr/bin/env bash
# Starts the portal locally: PostgreSQL (db/up.sh) and then the web app on
# http://localhost:5000. The portal applies migrations and seeds demo data at
# start-up and prints the demo logins. Works as root or as a normal user.
# Extra arguments go to `dotnet run` (put arguments for the app after --).
set -euo pipefail
# shellcheck source=db/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/db/lib.sh"
LOG_PREFIX="run"
cd "$REPO_ROOT"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ensure_dotnet
"$REPO_ROOT/db/up.sh"

if port_in_use 5000; then
  die "Port 5000 on 127.0.0.1 is already in use (is the portal already running?); stop that process first"
fi

log "Starting the portal on http://localhost:5000 (Ctrl+C to stop)"
export ASPNETCORE_ENVIRONMENT=Development
exec dotnet run --project Portal/Portal.csproj --no-launch-profile --urls http://localhost:5000 "$@"
