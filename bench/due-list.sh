#!/usr/bin/env bash
# The due list (everything due on a date, in stop order) over 10,000 customers on 34 routes: seeds its own database
# on the local PostgreSQL, times one 300-stop route (median of 30) and all routes (median of 10), drops the database,
# and prints
#   route300_ms=… all10k_ms=…
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./db/up.sh >&2
dotnet build bench/Portal.Bench -c Release -v quiet -nologo >&2
dotnet bench/Portal.Bench/bin/Release/net10.0/Portal.Bench.dll due-list
