using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Domain;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Domain.SharedLinks;
using Portal.Domain.Subscriptions;

namespace Portal.Bench;

/// <summary>
/// The morning delivery sheet of one 300-stop route among ten (3,000 customers with logins, milk for everyone, a second
/// subscription for every third customer with pauses and alternate days, a few one-time orders, and two months of
/// recorded deliveries behind them), at 08:30 IST on the sheet's day:
/// <list type="bullet">
/// <item>recording single stops through <see cref="DeliveryService.RecordAsync"/> as a page does (median of 50 after 5 warm-ups);</item>
/// <item>loading the sheet's data with <see cref="DeliveryService.LoadSheetAsync"/> (median of 30 after 5 warm-ups), part recorded
/// (and, to stderr, the median of 10 once all of it is recorded);</item>
/// <item>50 recorders at once (40 agents, 8 office staff, 2 shared links) over the rest of the sheet, each item given to two or
/// three of them with different outcomes; then the items due with no record (lost) and with more than one (duplicates).</item>
/// </list>
/// Prints <c>sheet300_ms=… record_ms=… parallel50_lost=… parallel50_duplicates=…</c>.
/// </summary>
internal static class DeliverySheetBenchmark
{
    private const int Routes = 10;
    private const int StopsPerRoute = 300;
    private const int Customers = Routes * StopsPerRoute;
    private const int Agents = 40;
    private const int Staff = 8;
    private const int Links = 2;
    private const int MeasuredRoute = 1;
    private const string AlreadyRecorded = "Already recorded by ";

    /// <summary>A Wednesday.</summary>
    private static readonly DateOnly Date = new(2026, 12, 2);

    /// <summary>08:30 IST on <see cref="Date"/>: the round is under way.</summary>
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);

    public static async Task<string> RunAsync(DbContextOptions<PortalDbContext> options, string connectionString)
    {
        var seeding = Stopwatch.GetTimestamp();
        await SeedAsync(connectionString);
        Console.Error.WriteLine($"  seeded in {Stats.Ms(Stats.Elapsed(seeding))} ms: {await DescribeAsync(connectionString)}");

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FixedTime(Now));
        services.AddOptions<PortalOptions>();
        services.AddPortalDomain();
        services.AddDbContextFactory<PortalDbContext>(o => o.UsePortalDatabase(connectionString));
        await using var provider = services.BuildServiceProvider();

        var items = await DueItemsAsync(options);
        var agents = Enumerable.Range(1, Agents).Select(a => Recorder.Person(Person($"agent{a}", $"Agent {a}", Roles.DeliveryAgent))).ToList();
        var staff = Enumerable.Range(1, Staff).Select(s => Recorder.Person(Person($"staff{s}", $"Staff {s}", Roles.Staff))).ToList();

        // Single stops, one after another, by the route's agent.
        var recordTimings = new List<double>();
        for (var i = 0; i < 55; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var result = await RecordAsync(provider, agents[0], Input(items[i], i % 3));
            var elapsed = Stats.Elapsed(start);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"Recording stop {i} was refused: {result.Problems[0].Message}");
            }
            if (i >= 5)
            {
                recordTimings.Add(elapsed);
            }
        }

        var sheetTimings = new List<double>();
        DeliverySheet sheet = null!;
        for (var i = 0; i < 35; i++)
        {
            (var elapsed, sheet) = await TimeSheetAsync(options);
            if (i >= 5)
            {
                sheetTimings.Add(elapsed);
            }
        }
        if (sheet.Stops.Count != StopsPerRoute || sheet.Progress.Total != items.Count || sheet.Progress.Pending != items.Count - 55)
        {
            throw new InvalidOperationException($"The sheet has {sheet.Stops.Count} stops and {sheet.Progress}; expected {StopsPerRoute} stops, {items.Count} items, 55 recorded.");
        }

        var recorders = agents.Concat(staff).ToList();
        await using (var scope = provider.CreateAsyncScope())
        {
            var links = scope.ServiceProvider.GetRequiredService<SharedLinkService>();
            for (var i = 0; i < Links; i++)
            {
                var created = await links.CreateAsync(Person("staff1", "Staff 1", Roles.Staff), MeasuredRoute, Date);
                recorders.Add((await links.OpenAsync(created.Value!.Token)).Link!.Recorder);
            }
        }
        var parallel = await RunParallelAsync(provider, recorders, items.Skip(55).ToList());

        var finalTimings = new List<double>();
        DeliverySheet final = null!;
        for (var i = 0; i < 10; i++)
        {
            (var elapsed, final) = await TimeSheetAsync(options);
            finalTimings.Add(elapsed);
        }
        finalTimings.Sort();
        var lost = final.Stops.SelectMany(s => s.Items).Count(i => i.Recorded is null);
        var duplicates = await DuplicatesAsync(connectionString);

        recordTimings.Sort();
        sheetTimings.Sort();
        Console.Error.WriteLine(
            $"  sheet: {sheet.Stops.Count} stops, {items.Count} items ({items.Count(i => i.Kind == DueKind.OrderLine)} order lines); " +
            $"min={Stats.Ms(sheetTimings[0])} p50={Stats.Ms(Stats.Percentile(sheetTimings, 0.5))} max={Stats.Ms(sheetTimings[^1])} ms part recorded, " +
            $"p50={Stats.Ms(Stats.Percentile(finalTimings, 0.5))} ms all recorded");
        Console.Error.WriteLine(
            $"  record: min={Stats.Ms(recordTimings[0])} p50={Stats.Ms(Stats.Percentile(recordTimings, 0.5))} " +
            $"p95={Stats.Ms(Stats.Percentile(recordTimings, 0.95))} max={Stats.Ms(recordTimings[^1])} ms");
        Console.Error.WriteLine(
            $"  parallel: {recorders.Count} recorders, {parallel.Calls} calls over {items.Count - 55} items in {Stats.Ms(parallel.Elapsed)} ms; " +
            $"{parallel.Succeeded} recorded, {parallel.AlreadyRecorded} told \"already recorded\", {parallel.OtherProblems} other problems, " +
            $"{parallel.Exceptions} exceptions; p50={Stats.Ms(parallel.Median)} ms a call under load");
        if (parallel.Exceptions > 0 || parallel.OtherProblems > 0)
        {
            throw new InvalidOperationException($"Recorders under load met {parallel.Exceptions} exceptions and {parallel.OtherProblems} unexpected problems: {parallel.FirstError}");
        }
        return $"sheet300_ms={Stats.Ms(Stats.Percentile(sheetTimings, 0.5))} record_ms={Stats.Ms(Stats.Percentile(recordTimings, 0.5))} " +
               $"parallel50_lost={lost} parallel50_duplicates={duplicates}";
    }

    private static Caller Person(string userId, string name, string role) => new(userId, name, new HashSet<string> { role });

    /// <summary>The measured route's items in sheet order, read once before anything is recorded.</summary>
    private static async Task<List<DueItem>> DueItemsAsync(DbContextOptions<PortalDbContext> options)
    {
        await using var db = new PortalDbContext(options);
        var sheet = await DeliveryService.LoadSheetAsync(db, MeasuredRoute, Date, CancellationToken.None);
        var items = sheet.Stops.SelectMany(s => s.Items).Select(i => i.Due).ToList();
        if (sheet.Stops.Count != StopsPerRoute || !items.Any(i => i.Kind == DueKind.OrderLine) || items.Count < StopsPerRoute + 50)
        {
            throw new InvalidOperationException($"Route {MeasuredRoute} has {sheet.Stops.Count} stops and {items.Count} items; expected {StopsPerRoute} stops with orders.");
        }
        return items;
    }

    /// <summary>The sheet's data as the page loads it: a fresh context, the queries, the rows in memory.</summary>
    private static async Task<(double Elapsed, DeliverySheet Sheet)> TimeSheetAsync(DbContextOptions<PortalDbContext> options)
    {
        var start = Stopwatch.GetTimestamp();
        await using var db = new PortalDbContext(options);
        var sheet = await DeliveryService.LoadSheetAsync(db, MeasuredRoute, Date, CancellationToken.None);
        return (Stats.Elapsed(start), sheet);
    }

    /// <summary>One tap on a phone: a scope as a circuit has one, the service, its own context inside.</summary>
    private static async Task<Result<RecordedOutcome>> RecordAsync(IServiceProvider provider, Recorder recorder, RecordInput input)
    {
        await using var scope = provider.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeliveryService>().RecordAsync(recorder, input);
    }

    /// <summary>
    /// Outcome 0 delivered, 1 partial (all but one unit, or half a litre of one; a single piece or pack cannot be split, so
    /// it is delivered), 2 not delivered.
    /// </summary>
    private static RecordInput Input(DueItem due, int outcome) => outcome switch
    {
        0 => new RecordInput(MeasuredRoute, Date, due.SubscriptionId, due.OrderLineId, DeliveryOutcome.Delivered),
        1 when due.PlannedQuantity <= 1 && Product.IsWholeUnit(due.Unit) => Input(due, 0),
        1 => new RecordInput(MeasuredRoute, Date, due.SubscriptionId, due.OrderLineId, DeliveryOutcome.Partial,
            due.PlannedQuantity > 1 ? due.PlannedQuantity - 1 : due.PlannedQuantity / 2),
        _ => new RecordInput(MeasuredRoute, Date, due.SubscriptionId, due.OrderLineId, DeliveryOutcome.NotDelivered,
            Reason: (NotDeliveredReason)(due.CustomerId % 4)),
    };

    private sealed record ParallelRun(int Calls, int Succeeded, int AlreadyRecorded, int OtherProblems, int Exceptions, string? FirstError, double Elapsed, double Median);

    private static async Task<ParallelRun> RunParallelAsync(IServiceProvider provider, List<Recorder> recorders, List<DueItem> items)
    {
        var random = new Random(42);
        var work = recorders.Select(_ => new List<RecordInput>()).ToList();
        for (var i = 0; i < items.Count; i++)
        {
            var outcome = random.Next(3);
            foreach (var worker in Enumerable.Range(0, recorders.Count).OrderBy(_ => random.Next()).Take(2 + i % 2))
            {
                // Each of the two or three says something different: delivered, part delivered, not delivered.
                work[worker].Add(Input(items[i], outcome));
                outcome = (outcome + 1) % 3;
            }
        }
        var shuffled = work.Select(list =>
        {
            var attempts = list.ToArray();
            random.Shuffle(attempts);
            return attempts;
        }).ToList();

        var succeeded = 0;
        var already = 0;
        var other = 0;
        var exceptions = new ConcurrentQueue<Exception>();
        var problems = new ConcurrentQueue<string>();
        var timings = new ConcurrentBag<double>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = shuffled.Select((attempts, w) => Task.Run(async () =>
        {
            await gate.Task;
            foreach (var input in attempts)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    var result = await RecordAsync(provider, recorders[w], input);
                    if (result.Succeeded)
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                    else if (result.Problems.Count == 1 && result.Problems[0].Message.StartsWith(AlreadyRecorded, StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref already);
                    }
                    else
                    {
                        Interlocked.Increment(ref other);
                        problems.Enqueue(string.Join(" | ", result.Problems.Select(p => p.Message)));
                    }
                }
                catch (Exception ex)
                {
                    exceptions.Enqueue(ex);
                }
                timings.Add(Stats.Elapsed(start));
            }
        })).ToList();
        var started = Stopwatch.GetTimestamp();
        gate.SetResult();
        await Task.WhenAll(workers);
        var elapsed = Stats.Elapsed(started);
        var sorted = timings.Order().ToList();
        var firstError = exceptions.TryPeek(out var ex) ? ex.ToString() : problems.TryPeek(out var p) ? p : null;
        return new ParallelRun(sorted.Count, succeeded, already, other, exceptions.Count, firstError, elapsed, Stats.Percentile(sorted, 0.5));
    }

    /// <summary>Items of the day recorded more than once — the unique indexes say there can be none; this counts what is there.</summary>
    private static async Task<long> DuplicatesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            SELECT (SELECT count(*) FROM (SELECT 1 FROM deliveries WHERE subscription_id IS NOT NULL AND delivery_date = date '{Date:yyyy-MM-dd}'
                                          GROUP BY subscription_id, delivery_date HAVING count(*) > 1) s)
                 + (SELECT count(*) FROM (SELECT 1 FROM deliveries WHERE order_line_id IS NOT NULL
                                          GROUP BY order_line_id HAVING count(*) > 1) l)
            """, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string> DescribeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT format('%s customers on %s routes, %s subscriptions, %s pauses, %s orders (%s lines), %s earlier deliveries',
                (SELECT count(*) FROM customers), (SELECT count(*) FROM routes), (SELECT count(*) FROM subscriptions),
                (SELECT count(*) FROM subscription_pauses), (SELECT count(*) FROM orders), (SELECT count(*) FROM order_lines),
                (SELECT count(*) FROM deliveries))
            """, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task SeedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var d = $"date '{Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'";
        // Identity ids start at 1 in the fresh database: route r, product p, customer c and milk subscription c are ids r, p, c and c.
        var sql = $"""
            INSERT INTO roles (id, name, normalized_name, concurrency_stamp) VALUES
                ('role-customer', 'Customer', 'CUSTOMER', 'x'), ('role-agent', 'DeliveryAgent', 'DELIVERYAGENT', 'x'), ('role-staff', 'Staff', 'STAFF', 'x');
            INSERT INTO routes (name, is_active)
            SELECT 'Route ' || lpad(r::text, 2, '0'), true FROM generate_series(1, {Routes}) r;
            INSERT INTO products (name, unit, is_active) VALUES
                ('Toned milk', 'Litre', true), ('Curd 400 g', 'Pack', true), ('Paneer 200 g', 'Piece', true), ('Buttermilk', 'Litre', true);
            INSERT INTO product_prices (product_id, effective_from, unit_price, created_at)
            SELECT p, date '2025-01-01', 20 + 10 * p, now() FROM generate_series(1, 4) p;

            INSERT INTO users (id, display_name, is_disabled, must_change_password, created_at, user_name, normalized_user_name,
                               email, normalized_email, email_confirmed, password_hash, security_stamp, concurrency_stamp,
                               phone_number, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            SELECT u.id, u.name, false, false, now(), u.login, upper(u.login), NULL, NULL, false, 'hash', md5(u.id), md5(u.id),
                   u.phone, false, false, true, 0
            FROM (
                SELECT 'u' || g AS id, 'Customer ' || g AS name, (6000000000 + g)::text AS login, (6000000000 + g)::text AS phone
                FROM generate_series(1, {Customers}) g
                UNION ALL
                SELECT 'agent' || g, 'Agent ' || g, 'agent' || g || '@bench.test', NULL FROM generate_series(1, {Agents}) g
                UNION ALL
                SELECT 'staff' || g, 'Staff ' || g, 'staff' || g || '@bench.test', NULL FROM generate_series(1, {Staff}) g
            ) u;
            INSERT INTO user_roles (user_id, role_id)
            SELECT 'u' || g, 'role-customer' FROM generate_series(1, {Customers}) g
            UNION ALL SELECT 'agent' || g, 'role-agent' FROM generate_series(1, {Agents}) g
            UNION ALL SELECT 'staff' || g, 'role-staff' FROM generate_series(1, {Staff}) g;
            INSERT INTO route_agents (route_id, user_id)
            SELECT {MeasuredRoute}, 'agent' || g FROM generate_series(1, {Agents}) g
            UNION ALL SELECT r, 'agent' || (1 + r % {Agents}) FROM generate_series(2, {Routes}) r;

            INSERT INTO customers (name, mobile, email, address_line, address_area, address_city, address_pin_code,
                                   route_id, stop_order, status, user_id, created_at)
            SELECT (ARRAY['Priya','Arjun','Kavya','Rohan','Meera','Aditya','Deepa','Sai','Ananya','Vivaan'])[1 + g % 10] || ' ' ||
                   (ARRAY['Sharma','Iyer','Reddy','Nair','Rao','Gupta','Menon','Patel','Das','Kulkarni','Shetty','Joshi'])[1 + (g / 10) % 12] || ' ' || g,
                   (6000000000 + g)::text, NULL,
                   '#' || g || ', ' || (1 + g % 20) || 'th Cross',
                   (ARRAY['Koramangala','Indiranagar','HSR Layout','Jayanagar','Whitefield','Malleshwaram','BTM Layout','Hebbal'])[1 + g % 8],
                   'Bengaluru', (560001 + g % 99)::text,
                   1 + (g - 1) / {StopsPerRoute}, 1 + (g - 1) % {StopsPerRoute}, 'Active', 'u' || g, now()
            FROM generate_series(1, {Customers}) g;

            -- Milk every day for everyone (subscription c for customer c); a second item for every third customer.
            INSERT INTO subscriptions (customer_id, product_id, start_date, status, created_at)
            SELECT c, 1, {d} - (40 + c % 300), 'Active', now() FROM generate_series(1, {Customers}) c;
            INSERT INTO subscriptions (customer_id, product_id, start_date, status, created_at)
            SELECT c, CASE WHEN c % 2 = 0 THEN 2 ELSE 4 END, {d} - (20 + c % 100), 'Active', now()
            FROM generate_series(3, {Customers}, 3) c;
            INSERT INTO subscription_schedules (subscription_id, effective_from, kind, quantity, interval_days,
                                                monday, tuesday, wednesday, thursday, friday, saturday, sunday)
            SELECT s.id, s.start_date,
                   CASE WHEN s.product_id = 1 OR s.id % 3 = 0 THEN 'Daily' WHEN s.id % 3 = 1 THEN 'EveryNDays' ELSE 'Weekly' END,
                   CASE WHEN s.product_id = 1 THEN 1 + (s.id % 2) * 0.5 WHEN s.id % 3 = 2 THEN NULL ELSE 1 END,
                   CASE WHEN s.product_id <> 1 AND s.id % 3 = 1 THEN 2 END,
                   CASE WHEN s.product_id <> 1 AND s.id % 3 = 2 THEN 1 END,
                   CASE WHEN s.product_id <> 1 AND s.id % 3 = 2 THEN 1 END,
                   CASE WHEN s.product_id <> 1 AND s.id % 3 = 2 THEN CASE WHEN s.id % 4 = 0 THEN 0 ELSE 2 END END,
                   CASE WHEN s.product_id <> 1 AND s.id % 3 = 2 THEN 1 END,
                   CASE WHEN s.product_id <> 1 AND s.id % 3 = 2 THEN 1 END,
                   CASE WHEN s.product_id <> 1 AND s.id % 3 = 2 THEN 2 END,
                   CASE WHEN s.product_id <> 1 AND s.id % 3 = 2 THEN 2 END
            FROM subscriptions s;
            INSERT INTO subscription_pauses (subscription_id, from_date, to_date, created_at)
            SELECT s.id, {d} - 2, {d} + 3, now() FROM subscriptions s WHERE s.product_id <> 1 AND s.id % 5 = 0;
            INSERT INTO subscription_overrides (subscription_id, date, quantity, created_at)
            SELECT s.id, {d}, 2.5, now() FROM subscriptions s WHERE s.product_id = 1 AND s.id % 25 = 3;

            -- One-time orders today for one customer in twenty (one or two lines), and earlier ones already delivered.
            INSERT INTO orders (customer_id, delivery_date, status, created_at, created_by_user_id)
            SELECT c, {d}, 'Pending', now(), 'u' || c FROM generate_series(1, {Customers}) c WHERE c % 20 = 7;
            INSERT INTO orders (customer_id, delivery_date, status, created_at, created_by_user_id)
            SELECT c, {d} - (1 + c % 50), 'Delivered', now(), 'u' || c FROM generate_series(1, {Customers}) c WHERE c % 10 = 3;
            INSERT INTO order_lines (order_id, product_id, quantity, unit_price)
            SELECT o.id, 3, 2, 50 FROM orders o
            UNION ALL
            SELECT o.id, 1, 1, 30 FROM orders o WHERE o.id % 2 = 0;

            -- Two months of milk already delivered, and the earlier orders' lines.
            INSERT INTO deliveries (subscription_id, delivery_date, planned_quantity, delivered_quantity, outcome,
                                    recorded_by_user_id, recorded_at)
            SELECT s.id, day::date, sc.quantity, sc.quantity, 'Delivered', 'agent1', day::date + time '07:00'
            FROM subscriptions s
            JOIN subscription_schedules sc ON sc.subscription_id = s.id
            CROSS JOIN generate_series({d} - 60, {d} - 1, interval '1 day') day
            WHERE s.product_id = 1 AND day::date >= s.start_date;
            INSERT INTO deliveries (order_line_id, delivery_date, planned_quantity, delivered_quantity, outcome,
                                    recorded_by_user_id, recorded_at)
            SELECT l.id, o.delivery_date, l.quantity, l.quantity, 'Delivered', 'agent1', o.delivery_date + time '07:00'
            FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.delivery_date < {d};
            ANALYZE;
            """;
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The clock stands still at <see cref="Now"/>, so "today" is the sheet's day whatever the machine's date.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
