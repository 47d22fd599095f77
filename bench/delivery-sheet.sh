#!/usr/bin/env bash
# The morning delivery sheet: seeds its own database on the local PostgreSQL (10 routes of 300 stops, 3,000 customers with
# logins, subscriptions, a few one-time orders, two months of earlier deliveries), times recording single stops (median
# of 50) and loading a 300-stop sheet's data (median of 30), then sets 50 recorders at once on the rest of the sheet with
# overlaps, counts due items left with no record (lost) and items recorded twice (duplicates), drops the database, and prints
#   sheet300_ms=… record_ms=… parallel50_lost=… parallel50_duplicates=…
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./db/up.sh >&2
dotnet build bench/Portal.Bench -c Release -v quiet -nologo >&2
dotnet bench/Portal.Bench/bin/Release/net10.0/Portal.Bench.dll delivery-sheet
