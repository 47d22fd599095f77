#!/usr/bin/env bash
# The customers grid's page query over 50,000 customers: seeds its own database on the local PostgreSQL,
# runs 200 mixed queries (search, sort, filters, paging), drops the database, and prints
#   rows=50000 p50_ms=… p95_ms=…
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./db/up.sh >&2
dotnet build bench/Portal.Bench -c Release -v quiet -nologo >&2
dotnet bench/Portal.Bench/bin/Release/net10.0/Portal.Bench.dll customers-grid
