#!/usr/bin/env bash
# The customer's own pages over 10,000 customers with three months of history (~1 million deliveries, September and
# October billed, payments, orders): seeds its own database on the local PostgreSQL, times each call the pages make as
# 200 random customers (after 20 warm-up ones), drops the database, and prints
#   customers=10000 deliveries=… home_p95_ms=… calendar_p95_ms=… invoice_p95_ms=… delivery_p95_ms=… subscriptions_p95_ms=… orders_p95_ms=…
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./db/up.sh >&2
dotnet build bench/Portal.Bench -c Release -v quiet -nologo >&2
dotnet bench/Portal.Bench/bin/Release/net10.0/Portal.Bench.dll customer-portal
