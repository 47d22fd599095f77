#!/usr/bin/env bash
# Monthly billing over 10,000 customers and a month of deliveries (~300,000): seeds its own database on the local
# PostgreSQL, times BillingService's preview and run and one hand-written SQL statement computing the same
# per-customer totals, checks the invoices against it to the paisa, drops the database, and prints
#   customers=10000 deliveries=… preview_s=… run_s=… sql_s=… ratio=… totals_match=yes
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./db/up.sh >&2
dotnet build bench/Portal.Bench -c Release -v quiet -nologo >&2
dotnet bench/Portal.Bench/bin/Release/net10.0/Portal.Bench.dll billing
