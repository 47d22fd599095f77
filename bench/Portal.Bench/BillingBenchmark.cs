using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Domain;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Subscriptions;

namespace Portal.Bench;

/// <summary>
/// Billing November 2026 on 5 December 2026 over 10,000 customers with logins on 20 routes: milk for everyone (60% daily
/// at 1 or 1.5 L, 20% alternate days, 20% weekdays only), curd on alternate days for every third customer, and the month's
/// deliveries (~300,000): ~3% partial, ~2% not delivered, ~2% missing (due, no record); one-time orders for 2% of customers
/// (two or three lines each at their own prices, some lines partly delivered). Milk and curd prices change on 16 November.
/// <list type="bullet">
/// <item><c>preview_s</c>: <see cref="BillingService.PreviewAsync"/> (after one untimed warm-up preview that builds EF's model);</item>
/// <item><c>sql_s</c>: one hand-written statement computing the per-customer totals straight from the deliveries (median of 3);</item>
/// <item><c>run_s</c>: <see cref="BillingService.RunAsync"/>, once; its phases (from its progress reports) go to stderr.</item>
/// </list>
/// Then, to stderr, the parts of the run's missing-deliveries step (as it is done now, and done in SQL); and compares the
/// invoices the run wrote with the statement's totals, customer by customer, to the paisa.
/// Prints <c>customers=10000 deliveries=… preview_s=… run_s=… sql_s=… ratio=… totals_match=yes|no</c>.
/// </summary>
internal static class BillingBenchmark
{
    private const int Routes = 20;
    private const int Customers = 10_000;
    private const string ManagerId = "manager1";

    private static readonly DateOnly Month = new(2026, 11, 1);

    /// <summary>5 December 2026, 10:30 IST: November is over.</summary>
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 5, 0, 0, TimeSpan.Zero);

    // The same per-customer totals written independently of BillingService: prices as ranges (lead over effective_from)
    // instead of a lateral lookup, subscriptions and order lines as two branches, and no look at billing_records.
    private const string TotalsSql = """
        WITH prices AS (
            SELECT product_id, unit_price, effective_from,
                   lead(effective_from, 1, date 'infinity') OVER (PARTITION BY product_id ORDER BY effective_from) AS effective_to
            FROM product_prices
        )
        SELECT customer_id, sum(amount) AS total, count(*) AS lines
        FROM (
            SELECT s.customer_id, round(d.delivered_quantity * p.unit_price, 2) AS amount
            FROM deliveries d
            JOIN subscriptions s ON s.id = d.subscription_id
            JOIN prices p ON p.product_id = s.product_id AND d.delivery_date >= p.effective_from AND d.delivery_date < p.effective_to
            WHERE d.delivery_date BETWEEN @first AND @last AND d.delivered_quantity > 0
            UNION ALL
            SELECT o.customer_id, round(d.delivered_quantity * l.unit_price, 2)
            FROM deliveries d
            JOIN order_lines l ON l.id = d.order_line_id
            JOIN orders o ON o.id = l.order_id
            WHERE d.delivery_date BETWEEN @first AND @last AND d.delivered_quantity > 0
        ) x
        GROUP BY customer_id
        """;

    public static async Task<string> RunAsync(DbContextOptions<PortalDbContext> options, string connectionString)
    {
        var seeding = Stopwatch.GetTimestamp();
        await SeedAsync(connectionString);
        var seeded = await SeededAsync(connectionString);
        Console.Error.WriteLine($"  seeded in {Stats.Ms(Stats.Elapsed(seeding))} ms: {seeded.Description}");

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FixedTime(Now));
        services.AddOptions<PortalOptions>();
        services.AddPortalDomain();
        services.AddDbContextFactory<PortalDbContext>(o => o.UsePortalDatabase(connectionString));
        await using var provider = services.BuildServiceProvider();
        var manager = new Caller(ManagerId, "Bench Manager", new HashSet<string> { Roles.Manager });

        await PreviewAsync(provider, manager);
        var start = Stopwatch.GetTimestamp();
        var preview = await PreviewAsync(provider, manager);
        var previewSeconds = Stats.Elapsed(start) / 1000;
        Console.Error.WriteLine(
            $"  preview: {preview.Customers.Count} customers, {preview.Deliveries} deliveries, {preview.Total:0.00} total, " +
            $"{preview.Missing.Count} missing in {Stats.Ms(previewSeconds * 1000)} ms");

        var sqlTimings = new List<double>();
        Dictionary<int, (decimal Total, long Lines)> expected = [];
        for (var i = 0; i < 3; i++)
        {
            start = Stopwatch.GetTimestamp();
            expected = await TotalsAsync(connectionString);
            sqlTimings.Add(Stats.Elapsed(start) / 1000);
        }
        sqlTimings.Sort();
        var sqlSeconds = Stats.Percentile(sqlTimings, 0.5);
        Console.Error.WriteLine($"  sql: {expected.Count} customers, {expected.Values.Sum(e => e.Lines)} lines; " +
                                $"{string.Join(" ", sqlTimings.Select(t => Stats.Ms(t * 1000)))} ms");

        var phases = new PhaseTimer();
        start = Stopwatch.GetTimestamp();
        Result<BillingRunResult> result;
        await using (var scope = provider.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<BillingService>().RunAsync(manager, Month, phases);
        }
        var runSeconds = Stats.Elapsed(start) / 1000;
        phases.Mark("(commit and return)");
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"The billing run was refused: {result.Problems[0].Message}");
        }
        var run = result.Value!;
        Console.Error.WriteLine(
            $"  run: {run.CustomersBilled} invoices, {run.DeliveriesBilled} deliveries, {run.Total:0.00} total, {run.Missing} missing " +
            $"in {Stats.Ms(runSeconds * 1000)} ms");
        Console.Error.WriteLine($"  run phases: {phases}");

        await DiagnoseMissingAsync(options);

        var mismatches = await CompareAsync(connectionString, expected, preview);
        foreach (var mismatch in mismatches.Take(10))
        {
            Console.Error.WriteLine($"  mismatch: {mismatch}");
        }
        var checks = new List<string>();
        if (run.DeliveriesBilled != seeded.Billable)
        {
            checks.Add($"run billed {run.DeliveriesBilled} deliveries, the seed has {seeded.Billable} with something delivered");
        }
        if (run.Missing != seeded.Missing || preview.Missing.Count != seeded.Missing)
        {
            checks.Add($"run found {run.Missing} and preview {preview.Missing.Count} missing deliveries; the seed left out {seeded.Missing}");
        }
        foreach (var check in checks)
        {
            Console.Error.WriteLine($"  check failed: {check}");
        }
        var match = mismatches.Count == 0 && checks.Count == 0;
        return $"customers={seeded.Customers} deliveries={seeded.Deliveries} preview_s={Seconds(previewSeconds)} run_s={Seconds(runSeconds)} " +
               $"sql_s={Seconds(sqlSeconds)} ratio={(runSeconds / sqlSeconds).ToString("0.0", CultureInfo.InvariantCulture)} totals_match={(match ? "yes" : "no")}";
    }

    /// <summary>
    /// To stderr, what the run's missing-deliveries step costs in its parts: the same list found in SQL (DueQuery anti-joined
    /// with the deliveries, only the missing rows coming back), and the EF insert of the run's rows (in a rolled-back transaction).
    /// </summary>
    private static async Task DiagnoseMissingAsync(DbContextOptions<PortalDbContext> options)
    {
        // Twice, each in a fresh context; the second round (warm: queries compiled, pages cached) is the one printed.
        var last = Month.AddMonths(1).AddDays(-1);
        var line = "";
        for (var round = 0; round < 2; round++)
        {
            await using var db = new PortalDbContext(options);
            // As BillingService.MissingAsync does it now: the month's whole due list and every recorded key, compared in memory.
            var start = Stopwatch.GetTimestamp();
            var dueList = await DueList.QueryAsync(db, Month, last, null, CancellationToken.None);
            var dueMs = Stats.Elapsed(start);
            start = Stopwatch.GetTimestamp();
            var keys = await db.Deliveries.AsNoTracking()
                .Where(d => d.SubscriptionId != null && d.DeliveryDate >= Month && d.DeliveryDate <= last)
                .Select(d => new { d.SubscriptionId, d.DeliveryDate })
                .ToListAsync();
            var keysMs = Stats.Elapsed(start);

            start = Stopwatch.GetTimestamp();
            var inSql = await (
                    from due in DueQuery.Between(db, Month, last)
                    join s in db.Subscriptions on due.SubscriptionId equals s.Id
                    where s.Customer.Status == CustomerStatus.Active
                          && !db.Deliveries.Any(d => d.SubscriptionId == due.SubscriptionId && d.DeliveryDate == due.Day)
                    select new { due.SubscriptionId, due.Day, s.CustomerId, s.Customer.RouteId, s.ProductId, due.Quantity })
                .AsNoTracking()
                .ToListAsync();
            var sqlMs = Stats.Elapsed(start);

            var rows = await db.MissingDeliveries.AsNoTracking().ToListAsync();
            foreach (var row in rows)
            {
                row.Id = 0;
            }
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                start = Stopwatch.GetTimestamp();
                db.MissingDeliveries.AddRange(rows);
                await db.SaveChangesAsync();
                var insertMs = Stats.Elapsed(start);
                await transaction.RollbackAsync();
                db.ChangeTracker.Clear();
                line = $"DueList.QueryAsync over the month {dueList.Count} items in {Stats.Ms(dueMs)} ms, {keys.Count} recorded keys in {Stats.Ms(keysMs)} ms; " +
                       $"{inSql.Count} missing subscription items found in SQL (DueQuery anti-join) in {Stats.Ms(sqlMs)} ms; " +
                       $"EF AddRange+SaveChanges of the run's {rows.Count} rows {Stats.Ms(insertMs)} ms";
            }

            // The same rows as one INSERT … SELECT FROM unnest(arrays): one round trip.
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                var connection = (NpgsqlConnection)db.Database.GetDbConnection();
                start = Stopwatch.GetTimestamp();
                await using var command = new NpgsqlCommand(
                    """
                    INSERT INTO missing_deliveries (billing_run_id, customer_id, route_id, delivery_date, subscription_id, order_line_id, product_id, planned_quantity)
                    SELECT * FROM unnest(@run, @customer, @route, @date, @subscription, @line, @product, @quantity)
                    """, connection, (NpgsqlTransaction)transaction.GetDbTransaction());
                command.Parameters.AddWithValue("run", rows.Select(r => r.BillingRunId).ToArray());
                command.Parameters.AddWithValue("customer", rows.Select(r => r.CustomerId).ToArray());
                command.Parameters.AddWithValue("route", rows.Select(r => r.RouteId).ToArray());
                command.Parameters.AddWithValue("date", rows.Select(r => r.DeliveryDate).ToArray());
                command.Parameters.AddWithValue("subscription", rows.Select(r => r.SubscriptionId).ToArray());
                command.Parameters.AddWithValue("line", rows.Select(r => r.OrderLineId).ToArray());
                command.Parameters.AddWithValue("product", rows.Select(r => r.ProductId).ToArray());
                command.Parameters.AddWithValue("quantity", rows.Select(r => r.PlannedQuantity).ToArray());
                await command.ExecuteNonQueryAsync();
                line += $"; as one INSERT … unnest {Stats.Ms(Stats.Elapsed(start))} ms";
                await transaction.RollbackAsync();
            }
        }
        Console.Error.WriteLine($"  missing, diagnosed: {line}");
    }

    private static string Seconds(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static async Task<BillingPreview> PreviewAsync(IServiceProvider provider, Caller manager)
    {
        await using var scope = provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BillingService>().PreviewAsync(manager, Month);
    }

    private static async Task<Dictionary<int, (decimal Total, long Lines)>> TotalsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(TotalsSql, connection) { CommandTimeout = 600 };
        command.Parameters.AddWithValue("first", Month);
        command.Parameters.AddWithValue("last", Month.AddMonths(1).AddDays(-1));
        var totals = new Dictionary<int, (decimal, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            totals.Add(reader.GetInt32(0), (reader.GetDecimal(1), reader.GetInt64(2)));
        }
        return totals;
    }

    /// <summary>
    /// Every customer's invoice against the statement's total and line count, every invoice against the sum of its lines,
    /// and the preview against both; numbering gapless from 1.
    /// </summary>
    private static async Task<List<string>> CompareAsync(string connectionString, Dictionary<int, (decimal Total, long Lines)> expected, BillingPreview preview)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT i.customer_id, i.total_amount, i.sequence, coalesce(sum(b.amount), 0), count(b.id)
            FROM invoices i LEFT JOIN billing_records b ON b.invoice_id = i.id
            GROUP BY i.id
            """, connection);
        var mismatches = new List<string>();
        var invoices = new Dictionary<int, decimal>();
        var sequences = new List<int>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var (customer, total, sequence, lines, count) = (reader.GetInt32(0), reader.GetDecimal(1), reader.GetInt32(2), reader.GetDecimal(3), reader.GetInt64(4));
                if (!invoices.TryAdd(customer, total))
                {
                    mismatches.Add($"customer {customer} has more than one invoice");
                }
                sequences.Add(sequence);
                if (total != lines)
                {
                    mismatches.Add($"customer {customer}: invoice total {total} but its lines sum to {lines}");
                }
                if (!expected.TryGetValue(customer, out var want))
                {
                    mismatches.Add($"customer {customer}: invoiced {total}, the statement bills nothing");
                }
                else if (want.Total != total || want.Lines != count)
                {
                    mismatches.Add($"customer {customer}: invoiced {total} in {count} lines, the statement says {want.Total} in {want.Lines}");
                }
            }
        }
        mismatches.AddRange(expected.Keys.Where(c => !invoices.ContainsKey(c)).Select(c => $"customer {c}: the statement bills {expected[c].Total}, no invoice"));
        sequences.Sort();
        if (!sequences.SequenceEqual(Enumerable.Range(1, sequences.Count)))
        {
            mismatches.Add($"invoice numbers are not 1..{sequences.Count} without gaps");
        }
        var previewed = preview.Customers.ToDictionary(c => c.CustomerId, c => c.Total);
        if (previewed.Count != expected.Count || previewed.Any(p => !expected.TryGetValue(p.Key, out var e) || e.Total != p.Value))
        {
            mismatches.Add("the preview's per-customer totals differ from the statement's");
        }
        return mismatches;
    }

    private sealed record Seeded(long Customers, long Deliveries, long Billable, long Missing, string Description);

    private static async Task<Seeded> SeededAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM customers),
                   (SELECT count(*) FROM deliveries),
                   (SELECT count(*) FROM deliveries WHERE delivered_quantity > 0),
                   (SELECT count(*) FROM bench_missing),
                   format('%s subscriptions, %s order lines; deliveries: %s subscription, %s order line, %s partial, %s not delivered; %s missing',
                       (SELECT count(*) FROM subscriptions), (SELECT count(*) FROM order_lines),
                       (SELECT count(*) FROM deliveries WHERE subscription_id IS NOT NULL),
                       (SELECT count(*) FROM deliveries WHERE order_line_id IS NOT NULL),
                       (SELECT count(*) FROM deliveries WHERE outcome = 'Partial'),
                       (SELECT count(*) FROM deliveries WHERE outcome = 'NotDelivered'),
                       (SELECT count(*) FROM bench_missing))
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Seeded(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4));
    }

    private static async Task SeedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Identity ids start at 1 in the fresh database: route r, product p and customer c are ids r, p and c;
        // customer c's milk is subscription c.
        var sql = $"""
            INSERT INTO roles (id, name, normalized_name, concurrency_stamp) VALUES
                ('role-customer', 'Customer', 'CUSTOMER', 'x'), ('role-agent', 'DeliveryAgent', 'DELIVERYAGENT', 'x'),
                ('role-manager', 'Manager', 'MANAGER', 'x');
            INSERT INTO routes (name, is_active)
            SELECT 'Route ' || lpad(r::text, 2, '0'), true FROM generate_series(1, {Routes}) r;
            INSERT INTO products (name, unit, is_active) VALUES
                ('Toned milk', 'Litre', true), ('Curd 400 g', 'Pack', true), ('Paneer 200 g', 'Piece', true), ('Buttermilk', 'Litre', true);
            -- Prices in paise that round (1.5 L × 54.75 = 82.125 → 82.13); milk and curd change mid-month.
            INSERT INTO product_prices (product_id, effective_from, unit_price, created_at) VALUES
                (1, date '2025-01-01', 52.00, now()), (1, date '2026-11-16', 54.75, now()),
                (2, date '2025-01-01', 35.00, now()), (2, date '2026-11-16', 37.25, now()),
                (3, date '2025-01-01', 95.00, now()), (4, date '2025-01-01', 21.35, now());

            INSERT INTO users (id, display_name, is_disabled, must_change_password, created_at, user_name, normalized_user_name,
                               email, normalized_email, email_confirmed, password_hash, security_stamp, concurrency_stamp,
                               phone_number, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            SELECT u.id, u.name, false, false, now(), u.login, upper(u.login), NULL, NULL, false, 'hash', md5(u.id), md5(u.id),
                   u.phone, false, false, true, 0
            FROM (
                SELECT 'u' || g AS id, 'Customer ' || g AS name, (6000000000 + g)::text AS login, (6000000000 + g)::text AS phone
                FROM generate_series(1, {Customers}) g
                UNION ALL SELECT 'agent1', 'Agent 1', 'agent1@bench.test', NULL
                UNION ALL SELECT '{ManagerId}', 'Bench Manager', 'manager1@bench.test', NULL
            ) u;
            INSERT INTO user_roles (user_id, role_id)
            SELECT 'u' || g, 'role-customer' FROM generate_series(1, {Customers}) g
            UNION ALL SELECT 'agent1', 'role-agent' UNION ALL SELECT '{ManagerId}', 'role-manager';

            INSERT INTO customers (name, mobile, email, address_line, address_area, address_city, address_pin_code,
                                   route_id, stop_order, status, user_id, created_at)
            SELECT (ARRAY['Priya','Arjun','Kavya','Rohan','Meera','Aditya','Deepa','Sai','Ananya','Vivaan'])[1 + g % 10] || ' ' ||
                   (ARRAY['Sharma','Iyer','Reddy','Nair','Rao','Gupta','Menon','Patel','Das','Kulkarni','Shetty','Joshi'])[1 + (g / 10) % 12] || ' ' || g,
                   (6000000000 + g)::text, NULL,
                   '#' || g || ', ' || (1 + g % 20) || 'th Cross',
                   (ARRAY['Koramangala','Indiranagar','HSR Layout','Jayanagar','Whitefield','Malleshwaram','BTM Layout','Hebbal'])[1 + g % 8],
                   'Bengaluru', (560001 + g % 99)::text,
                   1 + (g - 1) % {Routes}, 1 + (g - 1) / {Routes}, 'Active', 'u' || g, now()
            FROM generate_series(1, {Customers}) g;

            -- Milk for everyone (subscription c for customer c): 60% daily (1 or 1.5 L), 20% alternate days, 20% weekdays.
            -- Curd on alternate days for every third customer.
            INSERT INTO subscriptions (customer_id, product_id, start_date, status, created_at)
            SELECT c, 1, date '2026-10-01', 'Active', now() FROM generate_series(1, {Customers}) c;
            INSERT INTO subscriptions (customer_id, product_id, start_date, status, created_at)
            SELECT c, 2, date '2026-10-02', 'Active', now() FROM generate_series(3, {Customers}, 3) c;
            INSERT INTO subscription_schedules (subscription_id, effective_from, kind, quantity, interval_days,
                                                monday, tuesday, wednesday, thursday, friday, saturday, sunday)
            SELECT s.id, s.start_date, k.kind,
                   CASE WHEN k.kind = 'Daily' THEN 1 + (s.id % 2) * 0.5 WHEN k.kind = 'EveryNDays' THEN 1 END,
                   CASE WHEN k.kind = 'EveryNDays' THEN 2 END,
                   w.q, w.q, w.q, w.q, w.q, CASE WHEN k.kind = 'Weekly' THEN 0 END, CASE WHEN k.kind = 'Weekly' THEN 0 END
            FROM subscriptions s
            CROSS JOIN LATERAL (SELECT CASE WHEN s.product_id = 2 OR s.customer_id % 10 IN (6, 7) THEN 'EveryNDays'
                                            WHEN s.customer_id % 10 IN (8, 9) THEN 'Weekly' ELSE 'Daily' END AS kind) k
            CROSS JOIN LATERAL (SELECT CASE WHEN k.kind = 'Weekly' THEN 1 END AS q) w;

            -- One-time orders for 2% of customers, two or three lines at their own prices, all delivered in November.
            INSERT INTO orders (customer_id, delivery_date, status, created_at, created_by_user_id)
            SELECT c, date '2026-11-05' + c % 20, 'Delivered', now(), 'u' || c FROM generate_series(1, {Customers}) c WHERE c % 50 = 11;
            INSERT INTO order_lines (order_id, product_id, quantity, unit_price)
            SELECT o.id, 3, 2, 92.50 FROM orders o
            UNION ALL SELECT o.id, 4, 3, 19.99 FROM orders o
            UNION ALL SELECT o.id, 1, 2.5, 51.15 FROM orders o WHERE o.id % 2 = 0;

            -- What was due in November, as DueQuery computes it for these schedules, with a deterministic roll per item.
            CREATE TABLE bench_due AS
            SELECT s.id AS subscription_id, NULL::int AS order_line_id, d.day, q.quantity, s.product_id,
                   (s.id * 7919 + (d.day - date '2026-11-01') * 104729) % 1000 AS roll
            FROM subscriptions s
            JOIN subscription_schedules sc ON sc.subscription_id = s.id
            CROSS JOIN (SELECT date '2026-11-01' + i AS day FROM generate_series(0, 29) i) d
            CROSS JOIN LATERAL (SELECT CASE
                WHEN sc.kind = 'Daily' THEN sc.quantity
                WHEN sc.kind = 'EveryNDays' THEN CASE WHEN (d.day - sc.effective_from) % sc.interval_days = 0 THEN sc.quantity ELSE 0 END
                ELSE CASE WHEN extract(isodow FROM d.day) <= 5 THEN 1 ELSE 0 END END AS quantity) q
            WHERE q.quantity > 0
            UNION ALL
            SELECT NULL, l.id, o.delivery_date, l.quantity, l.product_id, (l.id * 7919) % 1000
            FROM order_lines l JOIN orders o ON o.id = l.order_id;
            -- ~2% due with no record at all; ~2% not delivered; ~3% partial where a part can be delivered.
            CREATE TABLE bench_missing AS SELECT * FROM bench_due WHERE roll < 20 AND order_line_id IS NULL;
            INSERT INTO deliveries (subscription_id, order_line_id, delivery_date, planned_quantity, delivered_quantity, outcome, reason,
                                    recorded_by_user_id, recorded_at)
            SELECT subscription_id, order_line_id, day, quantity,
                   CASE WHEN x.outcome = 'Delivered' THEN quantity WHEN x.outcome = 'Partial' THEN quantity - 0.5 ELSE 0 END,
                   x.outcome, CASE WHEN x.outcome = 'NotDelivered' THEN 'CustomerAway' END,
                   'agent1', day + time '07:00'
            FROM bench_due
            CROSS JOIN LATERAL (SELECT CASE
                WHEN roll < 40 AND order_line_id IS NULL THEN 'NotDelivered'
                WHEN roll < 70 AND product_id IN (1, 4) THEN 'Partial'
                WHEN roll < 400 AND order_line_id IS NOT NULL AND product_id IN (1, 4) THEN 'Partial'
                ELSE 'Delivered' END AS outcome) x
            WHERE NOT (roll < 20 AND order_line_id IS NULL);
            """;
        await using (var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 })
        {
            await command.ExecuteNonQueryAsync();
        }
        await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE", connection) { CommandTimeout = 600 })
        {
            await vacuum.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Times between the run's progress reports, taken as they are reported (synchronously, unlike Progress&lt;T&gt;).</summary>
    private sealed class PhaseTimer : IProgress<string>
    {
        private readonly long started = Stopwatch.GetTimestamp();
        private readonly List<(string Phase, double At)> marks = [];

        public void Report(string value) => Mark(value);

        public void Mark(string phase) => marks.Add((phase, Stats.Elapsed(started)));

        public override string ToString() =>
            string.Join("; ", marks.Select((m, i) => $"{m.Phase.TrimEnd('…', '.')} {Stats.Ms((i + 1 < marks.Count ? marks[i + 1].At : m.At) - m.At)} ms")
                .Prepend($"(start) {Stats.Ms(marks.Count > 0 ? marks[0].At : 0)} ms"));
    }

    /// <summary>The clock stands still at <see cref="Now"/>, so November is over whatever the machine's date.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
