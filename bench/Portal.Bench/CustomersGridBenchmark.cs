using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Domain.Customers;
using Portal.Domain.Data;

namespace Portal.Bench;

/// <summary>
/// The customers grid's page query (filter + count + sort + one page) over 50,000 customers with logins,
/// 200 mixed queries after 20 warm-up ones. Prints rows, p50 and p95 in milliseconds.
/// </summary>
internal static class CustomersGridBenchmark
{
    private const int Customers = 50_000;
    private const int Routes = 25;

    public static async Task<string> RunAsync(DbContextOptions<PortalDbContext> options, string connectionString)
    {
        await SeedAsync(connectionString);

        var random = new Random(42);
        string[] names = ["an", "Priya", "sharma", "Rao", "kav", "Meera", "iyer", "Arjun", "nair", "Deepa"];
        string[] areas = ["Koramangala", "indira", "HSR", "Jayanagar", "whitefield"];
        var queries = Enumerable.Range(0, 220).Select(i => (i % 10) switch
        {
            0 => new CustomerQuery(Page: random.Next(0, 50)),
            1 => new CustomerQuery(Search: names[random.Next(names.Length)], SortBy: CustomerSort.Name),
            2 => new CustomerQuery(Search: (60000 + random.Next(0, 9999)).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            3 => new CustomerQuery(Search: areas[random.Next(areas.Length)], SortBy: CustomerSort.Area, Descending: true),
            4 => new CustomerQuery(Search: "5600" + random.Next(10, 99)),
            5 => new CustomerQuery(RouteId: random.Next(1, Routes + 1), SortBy: CustomerSort.Route),
            6 => new CustomerQuery(WithoutPassword: true, Page: random.Next(0, 20), SortBy: CustomerSort.Mobile),
            7 => new CustomerQuery(Status: CustomerStatus.Active, SortBy: CustomerSort.PinCode, Page: random.Next(0, 100)),
            8 => new CustomerQuery(Search: names[random.Next(names.Length)], RouteId: random.Next(1, Routes + 1), WithoutPassword: true),
            _ => new CustomerQuery(WithoutRoute: true, SortBy: CustomerSort.Created, Descending: true),
        }).ToList();

        var now = DateTimeOffset.UtcNow;
        var timings = new List<double>();
        var byKind = new Dictionary<int, List<double>>();
        await using (var db = new PortalDbContext(options))
        {
            for (var i = 0; i < queries.Count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var page = await CustomerService.SearchAsync(db, queries[i], now, CancellationToken.None);
                var elapsed = Stats.Elapsed(start);
                if (page.Rows.Count == 0 && page.Total > 0 && queries[i].Page == 0)
                {
                    throw new InvalidOperationException("A first page came back empty while rows matched.");
                }
                if (i >= 20)
                {
                    timings.Add(elapsed);
                    (byKind.TryGetValue(i % 10, out var list) ? list : byKind[i % 10] = []).Add(elapsed);
                }
            }
        }
        timings.Sort();
        foreach (var (kind, list) in byKind.OrderBy(k => k.Key))
        {
            list.Sort();
            Console.Error.WriteLine($"  query kind {kind}: p50={Stats.Ms(Stats.Percentile(list, 0.5))} ms max={Stats.Ms(list[^1])} ms ({queries[20 + kind]})");
        }
        return $"rows={Customers} p50_ms={Stats.Ms(Stats.Percentile(timings, 0.50))} p95_ms={Stats.Ms(Stats.Percentile(timings, 0.95))}";
    }

    private static async Task SeedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var sql = $"""
            INSERT INTO roles (id, name, normalized_name, concurrency_stamp) VALUES ('role-customer', 'Customer', 'CUSTOMER', 'x');
            INSERT INTO routes (name, is_active)
            SELECT 'Route ' || r, true FROM generate_series(1, {Routes}) r;
            INSERT INTO users (id, display_name, is_disabled, must_change_password, created_at, user_name, normalized_user_name,
                               email, normalized_email, email_confirmed, password_hash, security_stamp, concurrency_stamp,
                               phone_number, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            SELECT 'u' || g, 'Customer ' || g, false, false, now(), (6000000000 + g)::text, (6000000000 + g)::text,
                   CASE WHEN g % 4 = 0 THEN 'c' || g || '@example.com' END, CASE WHEN g % 4 = 0 THEN 'C' || g || '@EXAMPLE.COM' END,
                   false, CASE WHEN g % 3 <> 0 THEN 'hash' END, md5(g::text), md5(g::text), (6000000000 + g)::text, false, false, true, 0
            FROM generate_series(1, {Customers}) g;
            INSERT INTO user_roles (user_id, role_id) SELECT 'u' || g, 'role-customer' FROM generate_series(1, {Customers}) g;
            INSERT INTO customers (name, mobile, email, address_line, address_area, address_city, address_pin_code,
                                   route_id, stop_order, status, user_id, created_at)
            SELECT (ARRAY['Priya','Arjun','Kavya','Rohan','Meera','Aditya','Deepa','Sai','Ananya','Vivaan'])[1 + g % 10] || ' ' ||
                   (ARRAY['Sharma','Iyer','Reddy','Nair','Rao','Gupta','Menon','Patel','Das','Kulkarni','Shetty','Joshi'])[1 + (g / 10) % 12] || ' ' || g,
                   (6000000000 + g)::text,
                   CASE WHEN g % 4 = 0 THEN 'c' || g || '@example.com' END,
                   '#' || g || ', ' || (1 + g % 20) || 'th Cross',
                   (ARRAY['Koramangala','Indiranagar','HSR Layout','Jayanagar','Whitefield','Malleshwaram','BTM Layout','Hebbal'])[1 + g % 8] || ' ' || (1 + g % 9) || ' Block',
                   'Bengaluru',
                   (560001 + g % 99)::text,
                   CASE WHEN g % 50 = 0 THEN NULL ELSE 1 + g % {Routes} END,
                   CASE WHEN g % 50 = 0 THEN NULL ELSE 1 + g / {Routes} END,
                   CASE WHEN g % 20 = 0 THEN 'Inactive' ELSE 'Active' END,
                   'u' || g,
                   now() - (g || ' minutes')::interval
            FROM generate_series(1, {Customers}) g;
            ANALYZE;
            """;
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }
}
