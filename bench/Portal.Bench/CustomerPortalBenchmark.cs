using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Portal.Domain;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.SelfService;
using Portal.Domain.Subscriptions;

namespace Portal.Bench;

/// <summary>
/// The customer's own pages on 24 November 2026, 19:00 IST, over 10,000 customers with logins on 20 routes and their
/// history since 1 September: milk for everyone (60% daily, 20% alternate days, 20% by weekday; some schedules changed in
/// October, some changing in December), curd on alternate days for every third customer, buttermilk daily for every fourth
/// from 10 September, paneer on Sundays for one in twenty until they cancelled it in October; holiday pauses (past, running
/// now, coming), skipped and extra days; one-time orders (past, some cancelled, coming); every day's deliveries as
/// <see cref="DueQuery"/> computes them, recorded by the route's agent (~1.5% never recorded, ~2% not delivered, ~2.5% part);
/// September and October billed by <see cref="BillingService.RunAsync"/> on the 1st of the next month, and payments against
/// most invoices. Then, for 200 customers picked at random (after 20 others as warm-up), each call a customer page makes,
/// as that customer, each in a fresh context as the page does:
/// <see cref="CustomerPortal.HomeAsync"/>, <see cref="CustomerPortal.CalendarAsync"/> for November (so far) and for October
/// (billed), <see cref="CustomerPortal.InvoiceAsync"/> for one of their invoices, <see cref="CustomerPortal.DeliveryAsync"/>
/// for one of their deliveries, <see cref="SubscriptionService.ForCustomerAsync"/> and <see cref="OrderService.GetForCustomerAsync"/>.
/// Prints <c>customers=10000 deliveries=… home_p95_ms=… calendar_p95_ms=… invoice_p95_ms=… delivery_p95_ms=…
/// subscriptions_p95_ms=… orders_p95_ms=…</c>; the calendar's figure is over both months' calls.
/// </summary>
internal static partial class CustomerPortalBenchmark
{
    private const int Routes = 20;
    private const int Customers = 10_000;
    private const int WarmUp = 20;
    private const int Measured = 200;
    private const string ManagerId = "manager1";
    private const double TargetMs = 50;

    private static readonly DateOnly First = new(2026, 9, 1);
    private static readonly DateOnly Today = new(2026, 11, 24);
    private static readonly DateOnly BilledMonth = new(2026, 10, 1);

    /// <summary>24 November 2026, 19:00 IST: today's deliveries are recorded and tomorrow is still open.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 13, 30, 0, TimeSpan.Zero);

    private static readonly string[] Kinds =
        ["home", "calendar-now", "calendar-billed", "invoice", "delivery", "subscriptions", "orders"];

    public static async Task<string> RunAsync(DbContextOptions<PortalDbContext> options, string connectionString)
    {
        var seeding = Stopwatch.GetTimestamp();
        await SeedPlansAsync(connectionString);
        var deliveries = await SeedDeliveriesAsync(options, connectionString);
        Console.Error.WriteLine($"  plans and {deliveries} deliveries seeded in {Stats.Ms(Stats.Elapsed(seeding))} ms");

        var time = new SettableTime();
        var log = new StatementLog();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddOptions<PortalOptions>();
        services.AddPortalDomain();
        services.AddDbContextFactory<PortalDbContext>(o => o.UsePortalDatabase(connectionString).AddInterceptors(log));
        await using var provider = services.BuildServiceProvider();

        // Each month billed at 11:00 IST on the first of the next, as the office would.
        foreach (var month in new[] { First, BilledMonth })
        {
            time.Now = new DateTimeOffset(month.AddMonths(1).ToDateTime(new TimeOnly(5, 30)), TimeSpan.Zero);
            var start = Stopwatch.GetTimestamp();
            await BillAsync(provider, month);
            Console.Error.WriteLine($"  billed {month:MMMM} in {Stats.Ms(Stats.Elapsed(start))} ms");
        }
        await SeedPaymentsAsync(connectionString);
        var seeded = await SeededAsync(connectionString);
        Console.Error.WriteLine($"  seeded in {Stats.Ms(Stats.Elapsed(seeding))} ms: {seeded.Description}");

        time.Now = Now;
        var random = new Random(42);
        var picked = Enumerable.Range(1, Customers).ToArray();
        random.Shuffle(picked);
        var targets = await TargetsAsync(connectionString, picked.Take(WarmUp + Measured).ToArray(), random);
        var averages = await AveragesAsync(connectionString);
        Console.Error.WriteLine($"  per customer: {averages}");
        var measuring = Stopwatch.GetTimestamp();

        var timings = Kinds.ToDictionary(k => k, _ => new List<double>());
        var sizes = Kinds.ToDictionary(k => k, _ => 0L);
        for (var i = 0; i < WarmUp + Measured; i++)
        {
            var target = targets[i];
            var measured = i >= WarmUp;
            // One scope per customer, as one circuit would have.
            await using var scope = provider.CreateAsyncScope();
            var portal = scope.ServiceProvider.GetRequiredService<CustomerPortal>();
            var subscriptions = scope.ServiceProvider.GetRequiredService<SubscriptionService>();
            var orders = scope.ServiceProvider.GetRequiredService<OrderService>();
            var caller = new Caller(target.UserId, $"Customer {target.CustomerId}", new HashSet<string> { Roles.Customer });

            async Task<T> TimeAsync<T>(string kind, Func<Task<T>> call, Func<T, int> size)
            {
                log.Kind = measured ? kind : null;
                var start = Stopwatch.GetTimestamp();
                var result = await call();
                var elapsed = Stats.Elapsed(start);
                log.Kind = null;
                if (measured)
                {
                    timings[kind].Add(elapsed);
                    sizes[kind] += size(result);
                }
                return result;
            }

            var home = await TimeAsync("home", () => portal.HomeAsync(caller), h => h.Tomorrow.Lines.Count);
            var now = await TimeAsync("calendar-now", () => portal.CalendarAsync(caller, Today), c => c.Days.Sum(d => d.Items.Count));
            var billed = await TimeAsync("calendar-billed", () => portal.CalendarAsync(caller, BilledMonth), c => c.Days.Sum(d => d.Items.Count));
            var invoice = await TimeAsync("invoice", () => portal.InvoiceAsync(caller, target.InvoiceId), v => v.Lines.Count);
            var delivery = await TimeAsync("delivery", () => portal.DeliveryAsync(caller, target.DeliveryId), _ => 1);
            var mine = await TimeAsync("subscriptions", () => subscriptions.ForCustomerAsync(caller, target.CustomerId), s => s.Count);
            var ordered = await TimeAsync("orders", () => orders.GetForCustomerAsync(caller, target.CustomerId), o => o.Count);

            var wrong = new List<string>();
            if (home.CustomerId != target.CustomerId || home.LatestInvoice is null || home.Balance.Invoiced != target.Invoiced || home.Balance.Paid != target.Paid)
            {
                wrong.Add($"home: customer {home.CustomerId}, invoiced {home.Balance.Invoiced}, paid {home.Balance.Paid}; expected {target.Invoiced}, {target.Paid}");
            }
            if (now.Days.Count != 30 || billed.Days.Count != 31 || now.Delivered + now.Partial + now.NotDelivered != target.NovemberRecords
                || billed.Delivered + billed.Partial + billed.NotDelivered != target.OctoberRecords)
            {
                wrong.Add($"calendar: {now.Days.Count} and {billed.Days.Count} days, {now.Delivered + now.Partial + now.NotDelivered} and " +
                          $"{billed.Delivered + billed.Partial + billed.NotDelivered} records; expected {target.NovemberRecords} and {target.OctoberRecords}");
            }
            if (billed.Days.SelectMany(d => d.Items).Any(x => x.State == CalendarState.Upcoming))
            {
                wrong.Add("calendar: October shows upcoming items");
            }
            if (invoice.CustomerId != target.CustomerId || invoice.Lines.Count == 0 || invoice.Lines.Sum(l => l.Amount) != invoice.Total)
            {
                wrong.Add($"invoice {target.InvoiceId}: customer {invoice.CustomerId}, {invoice.Lines.Count} lines");
            }
            if (delivery.Id != target.DeliveryId)
            {
                wrong.Add($"delivery {target.DeliveryId}: came back as {delivery.Id}");
            }
            if (mine.Count != target.Subscriptions || ordered.Count != target.Orders)
            {
                wrong.Add($"{mine.Count} subscriptions and {ordered.Count} orders; expected {target.Subscriptions} and {target.Orders}");
            }
            if (wrong.Count > 0)
            {
                throw new InvalidOperationException($"Customer {target.CustomerId}: {string.Join("; ", wrong)}");
            }
        }

        Console.Error.WriteLine($"  {WarmUp} + {Measured} customers' calls in {Stats.Ms(Stats.Elapsed(measuring))} ms");
        foreach (var kind in Kinds)
        {
            var list = timings[kind];
            list.Sort();
            Console.Error.WriteLine(
                $"  {kind,-16} p50={Stats.Ms(Stats.Percentile(list, 0.5)),6} ms  p95={Stats.Ms(Stats.Percentile(list, 0.95)),6} ms  " +
                $"max={Stats.Ms(list[^1]),6} ms  ({(double)sizes[kind] / list.Count:0.0} {SizeUnit(kind)} per call)");
        }
        log.Print();
        foreach (var kind in Kinds.Where(k => Stats.Percentile(timings[k], 0.95) >= TargetMs))
        {
            await log.ExplainSlowestAsync(kind, connectionString);
        }

        if (Environment.GetEnvironmentVariable("PORTAL_BENCH_HOLD") == "1")
        {
            Console.Error.WriteLine("  PORTAL_BENCH_HOLD=1: the database stays up for psql until Enter is pressed; then it is dropped.");
            Console.In.ReadLine();
        }

        var calendar = timings["calendar-now"].Concat(timings["calendar-billed"]).Order().ToList();
        string P95(IReadOnlyList<double> list) => Stats.Ms(Stats.Percentile(list, 0.95));
        return $"customers={seeded.Customers} deliveries={seeded.Deliveries} home_p95_ms={P95(timings["home"])} calendar_p95_ms={P95(calendar)} " +
               $"invoice_p95_ms={P95(timings["invoice"])} delivery_p95_ms={P95(timings["delivery"])} " +
               $"subscriptions_p95_ms={P95(timings["subscriptions"])} orders_p95_ms={P95(timings["orders"])}";
    }

    private static string SizeUnit(string kind) => kind switch
    {
        "home" => "lines tomorrow",
        "calendar-now" or "calendar-billed" => "items",
        "invoice" => "lines",
        "delivery" => "delivery",
        "subscriptions" => "subscriptions",
        _ => "orders",
    };

    /// <summary>What one measured customer opens, and what the pages must show them (read straight from the tables).</summary>
    private sealed record Target(
        int CustomerId, string UserId, int InvoiceId, long DeliveryId, decimal Invoiced, decimal Paid,
        int NovemberRecords, int OctoberRecords, int Subscriptions, int Orders);

    private static async Task<List<Target>> TargetsAsync(string connectionString, int[] customers, Random random)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT c.id, c.user_id,
                   (SELECT array_agg(i.id ORDER BY i.id) FROM invoices i WHERE i.customer_id = c.id),
                   mine.ids,
                   (SELECT coalesce(sum(i.total_amount), 0) FROM invoices i WHERE i.customer_id = c.id),
                   (SELECT coalesce(sum(p.amount), 0) FROM payments p WHERE p.customer_id = c.id),
                   mine.november, mine.october,
                   (SELECT count(*) FROM subscriptions s WHERE s.customer_id = c.id),
                   (SELECT count(*) FROM orders o WHERE o.customer_id = c.id AND o.delivery_date >= @today)
                   + (SELECT least(count(*), @past) FROM orders o WHERE o.customer_id = c.id AND o.delivery_date < @today)
            FROM unnest(@customers) WITH ORDINALITY AS x(id, n)
            JOIN customers c ON c.id = x.id
            CROSS JOIN LATERAL (
                SELECT array_agg(d.id ORDER BY d.id) AS ids,
                       count(*) FILTER (WHERE d.delivery_date BETWEEN date '2026-11-01' AND date '2026-11-30') AS november,
                       count(*) FILTER (WHERE d.delivery_date BETWEEN date '2026-10-01' AND date '2026-10-31') AS october
                FROM (
                    SELECT d.id, d.delivery_date FROM subscriptions s JOIN deliveries d ON d.subscription_id = s.id WHERE s.customer_id = c.id
                    UNION ALL
                    SELECT d.id, d.delivery_date FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN deliveries d ON d.order_line_id = l.id
                    WHERE o.customer_id = c.id
                ) d
            ) mine
            ORDER BY x.n
            """, connection)
        {
            CommandTimeout = 600,
        };
        command.Parameters.AddWithValue("customers", customers);
        command.Parameters.AddWithValue("today", Today);
        command.Parameters.AddWithValue("past", (long)OrderService.PastOrdersShown);
        var targets = new List<Target>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var invoices = reader.GetFieldValue<int[]>(2);
            var deliveries = reader.GetFieldValue<long[]>(3);
            targets.Add(new Target(
                reader.GetInt32(0), reader.GetString(1), invoices[random.Next(invoices.Length)], deliveries[random.Next(deliveries.Length)],
                reader.GetDecimal(4), reader.GetDecimal(5), (int)reader.GetInt64(6), (int)reader.GetInt64(7), (int)reader.GetInt64(8),
                (int)reader.GetInt64(9)));
        }
        return targets;
    }

    private static async Task<string> AveragesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT format('%s deliveries (min %s, max %s), %s invoices, %s payments, %s orders (max %s)',
                round(avg(d), 1), min(d), max(d), round(avg(i), 1), round(avg(p), 1), round(avg(o), 1), max(o))
            FROM (
                SELECT c.id,
                       (SELECT count(*) FROM subscriptions s JOIN deliveries x ON x.subscription_id = s.id WHERE s.customer_id = c.id)
                       + (SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN deliveries x ON x.order_line_id = l.id
                          WHERE o.customer_id = c.id) AS d,
                       (SELECT count(*) FROM invoices i WHERE i.customer_id = c.id) AS i,
                       (SELECT count(*) FROM payments p WHERE p.customer_id = c.id) AS p,
                       (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS o
                FROM customers c
            ) x
            """, connection)
        {
            CommandTimeout = 600,
        };
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task BillAsync(ServiceProvider provider, DateOnly month)
    {
        await using var scope = provider.CreateAsyncScope();
        var manager = new Caller(ManagerId, "Bench Manager", new HashSet<string> { Roles.Manager });
        var result = await scope.ServiceProvider.GetRequiredService<BillingService>().RunAsync(manager, month);
        if (!result.Succeeded || result.Value!.CustomersBilled == 0)
        {
            throw new InvalidOperationException($"Billing {month:MMMM yyyy} did not bill anything: {result.Problems.FirstOrDefault()?.Message}");
        }
    }

    private sealed record Seeded(long Customers, long Deliveries, string Description);

    private static async Task<Seeded> SeededAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM customers),
                   (SELECT count(*) FROM deliveries),
                   format('%s subscriptions (%s schedules, %s pauses, %s one-day changes), %s orders (%s lines, %s from today on); ' ||
                          'deliveries: %s subscription, %s order line, %s partial, %s not delivered; %s invoices, %s billing records, ' ||
                          '%s missing deliveries listed by the runs, %s payments',
                       (SELECT count(*) FROM subscriptions), (SELECT count(*) FROM subscription_schedules),
                       (SELECT count(*) FROM subscription_pauses), (SELECT count(*) FROM subscription_overrides),
                       (SELECT count(*) FROM orders), (SELECT count(*) FROM order_lines),
                       (SELECT count(*) FROM orders WHERE delivery_date >= @today),
                       (SELECT count(*) FROM deliveries WHERE subscription_id IS NOT NULL),
                       (SELECT count(*) FROM deliveries WHERE order_line_id IS NOT NULL),
                       (SELECT count(*) FROM deliveries WHERE outcome = 'Partial'),
                       (SELECT count(*) FROM deliveries WHERE outcome = 'NotDelivered'),
                       (SELECT count(*) FROM invoices), (SELECT count(*) FROM billing_records),
                       (SELECT count(*) FROM missing_deliveries), (SELECT count(*) FROM payments))
            """, connection);
        command.Parameters.AddWithValue("today", Today);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Seeded(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2));
    }

    /// <summary>Everyone's plans: logins, customers, products and prices, subscriptions with their history, orders.</summary>
    private static async Task SeedPlansAsync(string connectionString)
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
            INSERT INTO product_prices (product_id, effective_from, unit_price, created_at) VALUES
                (1, date '2025-01-01', 52.00, now()), (1, date '2026-11-16', 54.75, now()),
                (2, date '2025-01-01', 35.00, now()), (2, date '2026-11-16', 37.25, now()),
                (3, date '2025-01-01', 95.00, now()), (4, date '2025-01-01', 21.35, now());

            INSERT INTO users (id, display_name, is_disabled, must_change_password, created_at, user_name, normalized_user_name,
                               email, normalized_email, email_confirmed, password_hash, security_stamp, concurrency_stamp,
                               phone_number, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            SELECT u.id, u.name, false, false, now(), u.login, upper(u.login), u.email, upper(u.email), false, 'hash', md5(u.id), md5(u.id),
                   u.phone, false, false, true, 0
            FROM (
                SELECT 'u' || g AS id, 'Customer ' || g AS name, (6000000000 + g)::text AS login, (6000000000 + g)::text AS phone,
                       CASE WHEN g % 4 = 0 THEN 'c' || g || '@example.com' END AS email
                FROM generate_series(1, {Customers}) g
                UNION ALL SELECT 'agent' || r, 'Agent ' || r, 'agent' || r || '@bench.test', NULL, 'agent' || r || '@bench.test'
                FROM generate_series(1, {Routes}) r
                UNION ALL SELECT '{ManagerId}', 'Bench Manager', 'manager1@bench.test', NULL, 'manager1@bench.test'
            ) u;
            INSERT INTO user_roles (user_id, role_id)
            SELECT 'u' || g, 'role-customer' FROM generate_series(1, {Customers}) g
            UNION ALL SELECT 'agent' || r, 'role-agent' FROM generate_series(1, {Routes}) r
            UNION ALL SELECT '{ManagerId}', 'role-manager';

            INSERT INTO customers (name, mobile, email, address_line, address_area, address_city, address_pin_code,
                                   route_id, stop_order, status, user_id, created_at)
            SELECT (ARRAY['Priya','Arjun','Kavya','Rohan','Meera','Aditya','Deepa','Sai','Ananya','Vivaan'])[1 + g % 10] || ' ' ||
                   (ARRAY['Sharma','Iyer','Reddy','Nair','Rao','Gupta','Menon','Patel','Das','Kulkarni','Shetty','Joshi'])[1 + (g / 10) % 12] || ' ' || g,
                   (6000000000 + g)::text, CASE WHEN g % 4 = 0 THEN 'c' || g || '@example.com' END,
                   '#' || g || ', ' || (1 + g % 20) || 'th Cross',
                   (ARRAY['Koramangala','Indiranagar','HSR Layout','Jayanagar','Whitefield','Malleshwaram','BTM Layout','Hebbal'])[1 + g % 8],
                   'Bengaluru', (560001 + g % 99)::text,
                   1 + (g - 1) % {Routes}, 1 + (g - 1) / {Routes}, 'Active', 'u' || g, timestamptz '2026-07-15 10:00+05:30'
            FROM generate_series(1, {Customers}) g;

            -- Subscriptions: milk for everyone (ids 1…10,000), curd for every third, buttermilk for every fourth from
            -- 10 September, paneer on Sundays for one in twenty, cancelled on 15 October.
            INSERT INTO subscriptions (customer_id, product_id, start_date, status, created_at)
            SELECT c, 1, date '2026-08-01', 'Active', timestamptz '2026-07-20 10:00+05:30' FROM generate_series(1, {Customers}) c;
            INSERT INTO subscriptions (customer_id, product_id, start_date, end_date, status, created_at)
            SELECT c, 2, date '2026-08-02', NULL::date, 'Active', timestamptz '2026-07-20 10:00+05:30' FROM generate_series(3, {Customers}, 3) c
            UNION ALL
            SELECT c, 4, date '2026-09-10', NULL, 'Active', timestamptz '2026-09-05 10:00+05:30' FROM generate_series(1, {Customers}, 4) c
            UNION ALL
            SELECT c, 3, date '2026-08-02', date '2026-10-15', 'Cancelled', timestamptz '2026-07-20 10:00+05:30' FROM generate_series(7, {Customers}, 20) c;

            -- Milk: 60% daily at 1 or 1.5 L, 20% every other day, 20% weekdays with 2 L on Saturdays. A tenth of the daily
            -- ones went up to 2 L from 16 October; one in fifty goes to 1 L daily from 1 December.
            INSERT INTO subscription_schedules (subscription_id, effective_from, kind, quantity, interval_days,
                                                monday, tuesday, wednesday, thursday, friday, saturday, sunday)
            SELECT s.id, s.start_date, k.kind,
                   CASE k.kind WHEN 'Daily' THEN CASE WHEN s.product_id = 1 THEN 1 + (s.customer_id % 2) * 0.5 ELSE 1 END
                               WHEN 'EveryNDays' THEN 1 END,
                   CASE WHEN k.kind = 'EveryNDays' THEN 2 END,
                   w.weekday, w.weekday, w.weekday, w.weekday, w.weekday, w.saturday, w.sunday
            FROM subscriptions s
            CROSS JOIN LATERAL (SELECT CASE
                WHEN s.product_id = 2 OR (s.product_id = 1 AND s.customer_id % 10 IN (6, 7)) THEN 'EveryNDays'
                WHEN s.product_id = 3 OR (s.product_id = 1 AND s.customer_id % 10 IN (8, 9)) THEN 'Weekly'
                ELSE 'Daily' END AS kind) k
            CROSS JOIN LATERAL (SELECT
                CASE WHEN k.kind = 'Weekly' THEN CASE WHEN s.product_id = 3 THEN 0 ELSE 1 END END AS weekday,
                CASE WHEN k.kind = 'Weekly' THEN CASE WHEN s.product_id = 3 THEN 0 ELSE 2 END END AS saturday,
                CASE WHEN k.kind = 'Weekly' THEN CASE WHEN s.product_id = 3 THEN 1 ELSE 0 END END AS sunday) w;
            INSERT INTO subscription_schedules (subscription_id, effective_from, kind, quantity)
            SELECT c, date '2026-10-16', 'Daily', 2 FROM generate_series(10, {Customers}, 10) c
            UNION ALL
            SELECT c, date '2026-12-01', 'Daily', 1 FROM generate_series(3, {Customers}, 50) c;

            -- Holidays on the milk: a week in September for a tenth, a few days in October for one in 25, one in 50 away
            -- now (22–30 November), one in 40 going away at Christmas.
            INSERT INTO subscription_pauses (subscription_id, from_date, to_date, created_at)
            SELECT c, date '2026-09-05' + c % 20, date '2026-09-11' + c % 20, timestamptz '2026-09-01 10:00+05:30'
            FROM generate_series(4, {Customers}, 10) c
            UNION ALL
            SELECT c, date '2026-10-20' + c % 5, date '2026-10-24' + c % 5, timestamptz '2026-10-15 10:00+05:30'
            FROM generate_series(2, {Customers}, 25) c
            UNION ALL
            SELECT c, date '2026-11-22', date '2026-11-30', timestamptz '2026-11-20 10:00+05:30' FROM generate_series(9, {Customers}, 50) c
            UNION ALL
            SELECT c, date '2026-12-20', date '2026-12-31', timestamptz '2026-11-18 10:00+05:30' FROM generate_series(13, {Customers}, 40) c;

            -- One-day changes on the milk (~2.5% of days up to 7 December, half skips, half 2 L), and tomorrow skipped by one in twenty.
            INSERT INTO subscription_overrides (subscription_id, date, quantity, created_at)
            SELECT c, date '2026-09-01' + i, CASE WHEN (c + i) % 2 = 0 THEN 0 ELSE 2 END, timestamptz '2026-08-31 10:00+05:30' + i * interval '1 day'
            FROM generate_series(1, {Customers}) c CROSS JOIN generate_series(0, 97) i
            WHERE (c * 7919 + i * 104729) % 1000 < 25
            UNION ALL
            SELECT c, date '2026-11-25', 0, timestamptz '2026-11-24 08:00+05:30' FROM generate_series(3, {Customers}, 20) c
            ON CONFLICT (subscription_id, date) DO NOTHING;

            -- One-time orders: every ~19 days for three in ten customers, every third day for one in a hundred, one coming
            -- soon for one in twenty; one in twenty cancelled (the coming ones as well).
            INSERT INTO orders (customer_id, delivery_date, status, created_at, created_by_user_id, cancelled_at)
            SELECT o.customer_id, o.delivery_date, CASE WHEN o.cancelled THEN 'Cancelled' ELSE 'Pending' END,
                   ((o.delivery_date - 3) + time '18:00') AT TIME ZONE 'Asia/Kolkata', 'u' || o.customer_id,
                   CASE WHEN o.cancelled THEN ((o.delivery_date - 2) + time '08:00') AT TIME ZONE 'Asia/Kolkata' END
            FROM (
                SELECT x.customer_id, x.delivery_date, (x.customer_id * 31 + (x.delivery_date - date '2026-09-01')) % 20 = 0 AS cancelled
                FROM (
                    SELECT c AS customer_id, date '2026-09-03' + c % 17 + 19 * k AS delivery_date
                    FROM generate_series(1, {Customers}) c CROSS JOIN generate_series(0, 4) k WHERE c % 10 IN (1, 3, 5)
                    UNION ALL
                    SELECT c, date '2026-09-01' + c % 3 + 3 * k FROM generate_series(42, {Customers}, 100) c CROSS JOIN generate_series(0, 29) k
                    UNION ALL
                    SELECT c, date '2026-11-25' + c % 10 FROM generate_series(5, {Customers}, 20) c
                ) x
                WHERE x.delivery_date <= date '2026-12-05'
                ORDER BY x.delivery_date, x.customer_id
            ) o;
            INSERT INTO order_lines (order_id, product_id, quantity, unit_price)
            SELECT o.id, 3, 1 + o.id % 2, 95.00 FROM orders o
            UNION ALL SELECT o.id, 4, 2, 21.35 FROM orders o WHERE o.id % 2 = 0
            UNION ALL SELECT o.id, 2, 1, CASE WHEN o.delivery_date < date '2026-11-16' THEN 35.00 ELSE 37.25 END FROM orders o WHERE o.id % 3 = 0;
            """;
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Every stop from 1 September to today as the agents recorded it. What was due comes from <see cref="DueQuery"/> itself
    /// (so pauses, one-day changes and schedule changes are honoured), copied into a staging table, then written as deliveries
    /// in one statement with a deterministic roll per item. Returns how many were written.
    /// </summary>
    private static async Task<long> SeedDeliveriesAsync(DbContextOptions<PortalDbContext> options, string connectionString)
    {
        List<DueDay> due;
        await using (var db = new PortalDbContext(options))
        {
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
            due = await DueQuery.Between(db, First, Today).AsNoTracking().ToListAsync();
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE bench_due (subscription_id int, day date, quantity numeric(10,3))", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using (var writer = await connection.BeginBinaryImportAsync("COPY bench_due (subscription_id, day, quantity) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var item in due)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(item.SubscriptionId, NpgsqlDbType.Integer);
                await writer.WriteAsync(item.Day, NpgsqlDbType.Date);
                await writer.WriteAsync(item.Quantity, NpgsqlDbType.Numeric);
            }
            await writer.CompleteAsync();
        }

        const string sql = """
            -- ~1.5% never recorded, ~2% not delivered (away or out of stock), ~2.5% of litre items part-delivered.
            INSERT INTO deliveries (subscription_id, order_line_id, delivery_date, planned_quantity, delivered_quantity, outcome, reason,
                                    recorded_by_user_id, recorded_at)
            SELECT b.subscription_id, NULL, b.day, b.quantity,
                   CASE x.outcome WHEN 'Delivered' THEN b.quantity WHEN 'Partial' THEN b.quantity - 0.5 ELSE 0 END,
                   x.outcome, CASE WHEN x.outcome = 'NotDelivered' THEN CASE WHEN x.roll % 2 = 0 THEN 'CustomerAway' ELSE 'OutOfStock' END END,
                   'agent' || c.route_id, (b.day + time '07:00' + (c.stop_order % 120) * interval '1 minute') AT TIME ZONE 'Asia/Kolkata'
            FROM bench_due b
            JOIN subscriptions s ON s.id = b.subscription_id
            JOIN customers c ON c.id = s.customer_id
            CROSS JOIN LATERAL (SELECT (b.subscription_id * 7919 + (b.day - date '2026-09-01') * 104729) % 1000 AS roll) r
            CROSS JOIN LATERAL (SELECT r.roll, CASE
                WHEN r.roll < 35 THEN 'NotDelivered'
                WHEN r.roll < 60 AND s.product_id IN (1, 4) AND b.quantity > 0.5 THEN 'Partial'
                ELSE 'Delivered' END AS outcome) x
            WHERE r.roll >= 15
            ORDER BY b.day, c.route_id, c.stop_order, b.subscription_id;

            -- Order lines on days up to today, unless the order was cancelled; a few never recorded, a few not delivered or part.
            INSERT INTO deliveries (subscription_id, order_line_id, delivery_date, planned_quantity, delivered_quantity, outcome, reason,
                                    recorded_by_user_id, recorded_at)
            SELECT NULL::int, l.id, o.delivery_date, l.quantity,
                   CASE x.outcome WHEN 'Delivered' THEN l.quantity WHEN 'Partial' THEN l.quantity - 1 ELSE 0 END,
                   x.outcome, CASE WHEN x.outcome = 'NotDelivered' THEN 'CustomerAway' END,
                   'agent' || c.route_id, (o.delivery_date + time '07:00' + (c.stop_order % 120) * interval '1 minute') AT TIME ZONE 'Asia/Kolkata'
            FROM order_lines l
            JOIN orders o ON o.id = l.order_id
            JOIN customers c ON c.id = o.customer_id
            CROSS JOIN LATERAL (SELECT (l.id * 7919) % 1000 AS roll) r
            CROSS JOIN LATERAL (SELECT CASE
                WHEN r.roll < 40 THEN 'NotDelivered'
                WHEN r.roll < 90 AND l.quantity >= 2 THEN 'Partial'
                ELSE 'Delivered' END AS outcome) x
            WHERE o.status <> 'Cancelled' AND o.delivery_date <= @today AND r.roll >= 20
            ORDER BY o.delivery_date, l.id;

            -- Each order's status as DeliveryService leaves it after its lines are recorded.
            UPDATE orders o SET status = CASE
                    WHEN x.recorded < x.lines THEN CASE WHEN x.any_delivered THEN 'PartiallyDelivered' ELSE 'Pending' END
                    WHEN x.all_delivered THEN 'Delivered'
                    WHEN NOT x.any_delivered THEN 'NotDelivered'
                    ELSE 'PartiallyDelivered' END
            FROM (
                SELECT l.order_id, count(*) AS lines, count(d.id) AS recorded,
                       coalesce(bool_and(d.outcome = 'Delivered'), false) AS all_delivered,
                       coalesce(bool_or(d.outcome <> 'NotDelivered'), false) AS any_delivered
                FROM order_lines l LEFT JOIN deliveries d ON d.order_line_id = l.id
                GROUP BY l.order_id
            ) x
            WHERE x.order_id = o.id AND o.status = 'Pending' AND o.delivery_date <= @today;
            """;
        await using (var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 })
        {
            command.Parameters.AddWithValue("today", Today);
            await command.ExecuteNonQueryAsync();
        }
        await VacuumAsync(connection);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM deliveries", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Payments after each invoice: 85% pay it in full 2–13 days after it is issued, 10% pay about half, 5% nothing yet;
    /// and one in 30 keeps ₹500 in advance.
    /// </summary>
    private static async Task SeedPaymentsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        const string sql = """
            INSERT INTO payments (customer_id, amount, method, received_on, reference, recorded_by_user_id, recorded_at)
            SELECT i.customer_id, x.amount, m.method, x.received_on,
                   CASE WHEN m.method = 'Upi' THEN 'UPI' || lpad((i.id * 7919 % 1000000)::text, 12, '0') END,
                   'manager1', (x.received_on + time '18:00') AT TIME ZONE 'Asia/Kolkata'
            FROM invoices i
            CROSS JOIN LATERAL (SELECT (i.customer_id * 31 + i.sequence) % 100 AS roll) r
            CROSS JOIN LATERAL (SELECT
                CASE WHEN r.roll < 85 THEN i.total_amount ELSE greatest(round(i.total_amount / 2, -1), 10) END AS amount,
                least((i.issued_at AT TIME ZONE 'Asia/Kolkata')::date + 2 + i.customer_id % 12, @today) AS received_on) x
            CROSS JOIN LATERAL (SELECT (ARRAY['Cash', 'Upi', 'Bank'])[1 + i.customer_id % 3] AS method) m
            WHERE r.roll < 95 AND i.total_amount > 0
            UNION ALL
            SELECT c, 500, 'Upi', date '2026-10-02', 'UPI' || lpad(c::text, 12, '0'), 'manager1', timestamptz '2026-10-02 18:00+05:30'
            FROM generate_series(17, 10000, 30) c;
            """;
        await using (var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 })
        {
            command.Parameters.AddWithValue("today", Today);
            await command.ExecuteNonQueryAsync();
        }
        await VacuumAsync(connection);
    }

    /// <summary>Fresh statistics and visibility maps, as a database that has lived a while would have.</summary>
    private static async Task VacuumAsync(NpgsqlConnection connection)
    {
        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE", connection) { CommandTimeout = 600 };
        await vacuum.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Every SQL statement the measured calls send, by call kind, from sending the command until its reader is disposed (all
    /// rows read). Prints each statement's p50 and p95 per kind, and can run <c>EXPLAIN ANALYZE</c> on a kind's slowest statement with
    /// the parameters of its slowest execution.
    /// </summary>
    private sealed partial class StatementLog : DbCommandInterceptor
    {
        private readonly Dictionary<(string Kind, string Sql), Timed> statements = [];
        private readonly Dictionary<DbCommand, long> started = [];

        public string? Kind { get; set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            started[command] = Stopwatch.GetTimestamp();
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
        {
            if (started.Remove(command, out var start) && Kind is { } kind)
            {
                var key = (kind, command.CommandText);
                var timed = statements.TryGetValue(key, out var found) ? found : statements[key] = new Timed(statements.Count(s => s.Key.Kind == kind) + 1);
                var ms = Stats.Elapsed(start);
                timed.Ms.Add(ms);
                if (ms >= timed.SlowestMs)
                {
                    timed.SlowestMs = ms;
                    timed.Parameters = command.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone()).ToList();
                }
            }
            return result;
        }

        public void Print()
        {
            foreach (var ((kind, sql), timed) in statements)
            {
                timed.Ms.Sort();
                Console.Error.WriteLine(
                    $"    {kind,-16} #{timed.Number} x{(double)timed.Ms.Count / Measured:0.#} p50={Stats.Ms(Stats.Percentile(timed.Ms, 0.5)),6} ms " +
                    $"p95={Stats.Ms(Stats.Percentile(timed.Ms, 0.95)),6} ms  {Shorten(sql)}");
            }
        }

        public async Task ExplainSlowestAsync(string kind, string connectionString)
        {
            var ((_, sql), timed) = statements.Where(s => s.Key.Kind == kind).MaxBy(s => Stats.Percentile(s.Value.Ms, 0.5));
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"EXPLAIN (ANALYZE, BUFFERS) {sql}", connection);
            command.Parameters.AddRange(timed.Parameters.ToArray());
            var plan = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(0));
                }
            }
            Console.Error.WriteLine($"  {kind} misses {TargetMs} ms; its slowest statement (#{timed.Number}), with the parameters of its slowest run " +
                                    $"({string.Join(", ", timed.Parameters.Select(p => $"{p.ParameterName}={p.Value}"))}):");
            Console.Error.WriteLine(string.Join(Environment.NewLine, sql.Split('\n').Select(l => "    " + l)));
            Console.Error.WriteLine(string.Join(Environment.NewLine, plan.Select(l => "    " + l)));
        }

        private static string Shorten(string sql)
        {
            var flat = Whitespace().Replace(sql, " ");
            return flat.Length <= 140 ? flat : flat[..140] + "…";
        }

        [GeneratedRegex(@"\s+")]
        private static partial Regex Whitespace();

        private sealed class Timed(int number)
        {
            public int Number { get; } = number;

            public List<double> Ms { get; } = [];

            public double SlowestMs { get; set; }

            public List<NpgsqlParameter> Parameters { get; set; } = [];
        }
    }

    /// <summary>The clock the services read: set to each billing day during the seed, then to <see cref="Now"/>.</summary>
    private sealed class SettableTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = CustomerPortalBenchmark.Now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
