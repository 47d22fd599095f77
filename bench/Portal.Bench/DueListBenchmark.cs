using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Domain.Data;
using Portal.Domain.Subscriptions;

namespace Portal.Bench;

/// <summary>
/// The due list (<see cref="DueList"/>) for one date over 10,000 customers with logins on 34 routes (33 of 300 stops and
/// one of 100), each with one or two subscriptions with history (schedule changes, pauses, overrides, past orders).
/// Times one 300-stop route (median of 30 after 5 warm-ups, cycling over the full routes) and all routes at once (median
/// of 10 after 2 warm-ups). Prints <c>route300_ms=… all10k_ms=…</c>.
/// </summary>
internal static class DueListBenchmark
{
    private const int Customers = 10_000;
    private const int StopsPerRoute = 300;
    private const int Routes = (Customers + StopsPerRoute - 1) / StopsPerRoute;
    private const int FullRoutes = Customers / StopsPerRoute;

    /// <summary>A Wednesday, so weekly schedules with a zero Wednesday count.</summary>
    private static readonly DateOnly Date = new(2026, 12, 2);

    public static async Task<string> RunAsync(DbContextOptions<PortalDbContext> options, string connectionString)
    {
        var seeding = Stopwatch.GetTimestamp();
        await SeedAsync(connectionString);
        Console.Error.WriteLine($"  seeded in {Stats.Ms(Stats.Elapsed(seeding))} ms: {await DescribeAsync(connectionString)}");

        var routeTimings = new List<double>();
        var routeCounts = new Dictionary<int, int>();
        for (var i = 0; i < 35; i++)
        {
            var routeId = 1 + i % FullRoutes;
            var (elapsed, items) = await TimeAsync(options, routeId);
            routeCounts[routeId] = items.Count;
            if (i >= 5)
            {
                routeTimings.Add(elapsed);
            }
        }

        var allTimings = new List<double>();
        IReadOnlyList<DueItem> all = [];
        for (var i = 0; i < 12; i++)
        {
            (var elapsed, all) = await TimeAsync(options, null);
            if (i >= 2)
            {
                allTimings.Add(elapsed);
            }
        }

        await CheckAsync(options, routeCounts, all);

        routeTimings.Sort();
        allTimings.Sort();
        Console.Error.WriteLine(
            $"  route300: min={Stats.Ms(routeTimings[0])} p50={Stats.Ms(Stats.Percentile(routeTimings, 0.5))} max={Stats.Ms(routeTimings[^1])} ms, " +
            $"{routeCounts.Values.Min()}–{routeCounts.Values.Max()} items a route");
        Console.Error.WriteLine(
            $"  all routes: min={Stats.Ms(allTimings[0])} p50={Stats.Ms(Stats.Percentile(allTimings, 0.5))} max={Stats.Ms(allTimings[^1])} ms, " +
            $"{all.Count} items ({all.Count(i => i.Kind == DueKind.OrderLine)} order lines)");
        return $"route300_ms={Stats.Ms(Stats.Percentile(routeTimings, 0.5))} all10k_ms={Stats.Ms(Stats.Percentile(allTimings, 0.5))}";
    }

    /// <summary>One call as a page makes it: a fresh context, the query, the rows in memory.</summary>
    private static async Task<(double Elapsed, IReadOnlyList<DueItem> Items)> TimeAsync(DbContextOptions<PortalDbContext> options, int? routeId)
    {
        var start = Stopwatch.GetTimestamp();
        await using var db = new PortalDbContext(options);
        var items = await DueList.QueryAsync(db, Date, Date, routeId, CancellationToken.None);
        return (Stats.Elapsed(start), items);
    }

    /// <summary>
    /// Refuses figures from an empty or wrong answer: every route has subscriptions and orders due, the routes add up to
    /// the all-routes list, and each route's list is in stop order.
    /// </summary>
    private static async Task CheckAsync(DbContextOptions<PortalDbContext> options, Dictionary<int, int> measured, IReadOnlyList<DueItem> all)
    {
        var sum = 0;
        for (var routeId = 1; routeId <= Routes; routeId++)
        {
            await using var db = new PortalDbContext(options);
            var items = await DueList.QueryAsync(db, Date, Date, routeId, CancellationToken.None);
            if (items.Count(i => i.Kind == DueKind.Subscription) < 20 || !items.Any(i => i.Kind == DueKind.OrderLine))
            {
                throw new InvalidOperationException($"Route {routeId} has {items.Count} items due; expected subscriptions and order lines.");
            }
            if (items.Any(i => i.RouteId != routeId) || !items.Select(i => i.StopOrder ?? 0).SequenceEqual(items.Select(i => i.StopOrder ?? 0).Order()))
            {
                throw new InvalidOperationException($"Route {routeId}'s list is not that route's stops in stop order.");
            }
            if (measured.TryGetValue(routeId, out var count) && count != items.Count)
            {
                throw new InvalidOperationException($"Route {routeId} gave {count} items while timed and {items.Count} now.");
            }
            sum += items.Count;
        }
        if (all.Count == 0 || all.Count < sum || all.Count < measured.Values.Max())
        {
            throw new InvalidOperationException($"All routes gave {all.Count} items; the routes one by one gave {sum}.");
        }
    }

    private static async Task<string> DescribeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT format('%s customers, %s subscriptions, %s schedules, %s pauses, %s overrides, %s orders, %s order lines',
                (SELECT count(*) FROM customers), (SELECT count(*) FROM subscriptions), (SELECT count(*) FROM subscription_schedules),
                (SELECT count(*) FROM subscription_pauses), (SELECT count(*) FROM subscription_overrides),
                (SELECT count(*) FROM orders), (SELECT count(*) FROM order_lines))
            """, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task SeedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var d = $"date '{Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'";
        // Identity ids start at 1 in the fresh database, so route r, product p and customer c are ids r, p and c.
        // Every rule DueQuery applies has rows on the measured date d: alternate days on and off, weekly zero days,
        // schedules changed before d and changing after it, pauses covering d / starting on it / ending the day before,
        // overrides to 0 and to more on d (some on a paused day), subscriptions that ended, inactive customers,
        // cancelled orders, and a year of past orders, overrides and pauses to search past.
        var sql = $"""
            INSERT INTO roles (id, name, normalized_name, concurrency_stamp) VALUES ('role-customer', 'Customer', 'CUSTOMER', 'x');
            INSERT INTO routes (name, is_active)
            SELECT 'Route ' || lpad(r::text, 2, '0'), true FROM generate_series(1, {Routes}) r;
            INSERT INTO products (name, unit, is_active) VALUES
                ('Toned milk 500 ml', 'Pack', true), ('Full cream milk', 'Litre', true), ('Curd 400 g', 'Pack', true),
                ('Paneer 200 g', 'Piece', true), ('Ghee', 'Litre', true), ('Buttermilk', 'Litre', true);
            INSERT INTO product_prices (product_id, effective_from, unit_price, created_at)
            SELECT p, date '2025-01-01', 20 + 10 * p, now() FROM generate_series(1, 6) p;
            INSERT INTO users (id, display_name, is_disabled, must_change_password, created_at, user_name, normalized_user_name,
                               email, normalized_email, email_confirmed, password_hash, security_stamp, concurrency_stamp,
                               phone_number, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            SELECT 'u' || g, 'Customer ' || g, false, false, now(), (6000000000 + g)::text, (6000000000 + g)::text,
                   NULL, NULL, false, 'hash', md5(g::text), md5(g::text), (6000000000 + g)::text, false, false, true, 0
            FROM generate_series(1, {Customers}) g;
            INSERT INTO user_roles (user_id, role_id) SELECT 'u' || g, 'role-customer' FROM generate_series(1, {Customers}) g;
            INSERT INTO customers (name, mobile, email, address_line, address_area, address_city, address_pin_code,
                                   route_id, stop_order, status, user_id, created_at)
            SELECT (ARRAY['Priya','Arjun','Kavya','Rohan','Meera','Aditya','Deepa','Sai','Ananya','Vivaan'])[1 + g % 10] || ' ' ||
                   (ARRAY['Sharma','Iyer','Reddy','Nair','Rao','Gupta','Menon','Patel','Das','Kulkarni','Shetty','Joshi'])[1 + (g / 10) % 12] || ' ' || g,
                   (6000000000 + g)::text, NULL,
                   '#' || g || ', ' || (1 + g % 20) || 'th Cross',
                   (ARRAY['Koramangala','Indiranagar','HSR Layout','Jayanagar','Whitefield','Malleshwaram','BTM Layout','Hebbal'])[1 + g % 8],
                   'Bengaluru', (560001 + g % 99)::text,
                   1 + (g - 1) / {StopsPerRoute}, 1 + (g - 1) % {StopsPerRoute},
                   CASE WHEN g % 50 = 0 THEN 'Inactive' ELSE 'Active' END,
                   'u' || g, now()
            FROM generate_series(1, {Customers}) g;

            -- One subscription each (milk), a second (curd, paneer, ghee or buttermilk) for every other customer.
            INSERT INTO subscriptions (customer_id, product_id, start_date, end_date, status, created_at)
            SELECT c.id,
                   CASE WHEN k = 1 THEN 1 + c.id % 2 ELSE 3 + c.id % 4 END,
                   {d} - (20 + (c.id * 7 + k * 13) % 500),
                   CASE WHEN (c.id + k) % 23 = 0 THEN {d} - (1 + c.id % 10)
                        WHEN (c.id + k) % 29 = 0 THEN {d} + c.id % 30 END,
                   CASE WHEN (c.id + k) % 23 = 0 THEN 'Cancelled' ELSE 'Active' END,
                   now()
            FROM customers c CROSS JOIN generate_series(1, 2) k
            WHERE k = 1 OR c.id % 2 = 0;

            -- Schedules: the first from the start; changes 18 days and 1–15 days before d; a change after d (not yet in force).
            INSERT INTO subscription_schedules (subscription_id, effective_from, kind, quantity, interval_days,
                                                monday, tuesday, wednesday, thursday, friday, saturday, sunday)
            SELECT s.id, x.effective_from,
                   CASE WHEN x.v % 10 < 5 THEN 'Daily' WHEN x.v % 10 < 8 THEN 'EveryNDays' ELSE 'Weekly' END,
                   CASE WHEN x.v % 10 < 8 THEN 0.5 * (1 + x.v % 4) END,
                   CASE WHEN x.v % 10 BETWEEN 5 AND 7 THEN 2 + (x.v / 10) % 2 END,
                   CASE WHEN x.v % 10 >= 8 THEN 1 END,
                   CASE WHEN x.v % 10 >= 8 THEN 1 END,
                   CASE WHEN x.v % 10 >= 8 THEN CASE WHEN x.v % 3 = 0 THEN 0 ELSE 1 END END,
                   CASE WHEN x.v % 10 >= 8 THEN 1 END,
                   CASE WHEN x.v % 10 >= 8 THEN 1.5 END,
                   CASE WHEN x.v % 10 >= 8 THEN 2 END,
                   CASE WHEN x.v % 10 >= 8 THEN CASE WHEN x.v % 4 = 0 THEN 0 ELSE 2 END END
            FROM subscriptions s
            CROSS JOIN LATERAL (VALUES
                (s.start_date, s.id, true),
                ({d} - 18, s.id / 3 + 1, s.id % 6 = 0),
                ({d} - (1 + s.id % 15), s.id / 3 + 2, s.id % 3 = 0),
                ({d} + (1 + s.id % 5), s.id + 5, s.id % 7 = 0)
            ) x(effective_from, v, present)
            WHERE x.present AND x.effective_from >= s.start_date;

            -- Pauses around d (covering it, starting on it, ending the day before, starting the day after) and in the past.
            INSERT INTO subscription_pauses (subscription_id, from_date, to_date, created_at)
            SELECT s.id, x.from_date, x.to_date, now()
            FROM subscriptions s
            CROSS JOIN LATERAL (VALUES
                ({d} - 2, {d} + 3, s.id % 20 = 1),
                ({d} - 5, {d} - 1, s.id % 20 = 2),
                ({d} + 1, {d} + 7, s.id % 20 = 3),
                ({d}, {d} + 2, s.id % 20 = 4),
                ({d} - 60, {d} - 50, s.id % 4 = 0),
                ({d} - 200, {d} - 190, s.id % 5 = 0)
            ) x(from_date, to_date, present)
            WHERE x.present AND x.from_date >= s.start_date AND (s.end_date IS NULL OR x.to_date <= s.end_date);

            -- Overrides on d (skip, more, and on a paused day), the days either side, and three a subscription in the past.
            INSERT INTO subscription_overrides (subscription_id, date, quantity, created_at)
            SELECT s.id, x.day, x.quantity, now()
            FROM subscriptions s
            CROSS JOIN LATERAL (VALUES
                ({d}, 0.0, s.id % 25 = 5),
                ({d}, 2.5, s.id % 25 = 6),
                ({d}, 3.0, s.id % 25 = 1),
                ({d} + 1, 0.0, s.id % 10 = 3),
                ({d} - 1, 2.0, s.id % 10 = 4),
                ({d} - 30 - s.id % 20, 0.0, true),
                ({d} - 60 - s.id % 20, 1.0, true),
                ({d} - 90 - s.id % 20, 2.0, true)
            ) x(day, quantity, present)
            WHERE x.present AND x.day >= s.start_date AND (s.end_date IS NULL OR x.day <= s.end_date);

            -- One-time orders: ~5% of customers on d (a few cancelled), some in the days after, and a half year of past ones.
            INSERT INTO orders (customer_id, delivery_date, status, created_at, created_by_user_id, cancelled_at)
            SELECT c.id, x.day, x.status, now(), c.user_id, CASE WHEN x.status = 'Cancelled' THEN now() END
            FROM customers c
            CROSS JOIN LATERAL (VALUES
                ({d}, CASE WHEN c.id % 200 = 27 THEN 'Cancelled' ELSE 'Pending' END, c.id % 20 = 7),
                ({d} + 1 + c.id % 10, 'Pending', c.id % 20 = 8),
                ({d} - 1 - c.id % 180, 'Delivered', c.id % 4 = 1),
                ({d} - 1 - (c.id * 7) % 180, 'Delivered', c.id % 4 = 1),
                ({d} - 1 - (c.id * 13) % 180, 'Delivered', c.id % 4 = 2)
            ) x(day, status, present)
            WHERE x.present;
            INSERT INTO order_lines (order_id, product_id, quantity, unit_price)
            SELECT o.id, 3 + o.customer_id % 4, 1 + o.id % 2, 40 FROM orders o
            UNION ALL
            SELECT o.id, 1, 1, 30 FROM orders o WHERE o.id % 2 = 0;
            """;
        await using (var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 })
        {
            await command.ExecuteNonQueryAsync();
        }
        // VACUUM as well as ANALYZE (on its own: it cannot run in the batch's transaction): the tables then look like a
        // database in steady use, and autovacuum has no reason to start on them, which would be timed with the queries and
        // would block the harness's DROP DATABASE at the end (the portal role cannot end an autovacuum worker).
        await using (var vacuum = new NpgsqlCommand("VACUUM ANALYZE", connection) { CommandTimeout = 600 })
        {
            await vacuum.ExecuteNonQueryAsync();
        }
    }
}
