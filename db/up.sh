#!/usr/bin/env bash
# Starts the local PostgreSQL for the portal (idempotent) and ensures the app's
# login role and database exist. Installs PostgreSQL via apt when run as root
# on a machine without it. Settings come from appsettings.json
# (ConnectionStrings.Portal) or the ConnectionStrings__Portal environment variable.
set -euo pipefail
# shellcheck source=db/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

db_up
