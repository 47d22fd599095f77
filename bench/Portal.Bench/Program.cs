using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Portal.Bench;
using Portal.Domain.Data;

// Benchmarks against the local PostgreSQL. Each seeds its own database, measures, drops it, and prints one line
// of key=value figures. Usage: dotnet run --project bench/Portal.Bench -c Release -- <benchmark>
var benchmark = args.FirstOrDefault() ?? "";
var configuration = new ConfigurationBuilder()
    .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"))
    .AddEnvironmentVariables()
    .Build();
var baseConnection = configuration.GetConnectionString("Portal") ?? throw new InvalidOperationException("ConnectionStrings:Portal is missing.");
var database = $"portal_bench_{benchmark.Replace('-', '_')}";
var connectionString = new NpgsqlConnectionStringBuilder(baseConnection) { Database = database }.ConnectionString;
var maintenance = new NpgsqlConnectionStringBuilder(baseConnection) { Database = "postgres", Pooling = false }.ConnectionString;

await ExecuteAsync(maintenance, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
await ExecuteAsync(maintenance, $"CREATE DATABASE \"{database}\"");
try
{
    var options = (DbContextOptions<PortalDbContext>)new DbContextOptionsBuilder<PortalDbContext>().UsePortalDatabase(connectionString).Options;
    await using (var db = new PortalDbContext(options))
    {
        await db.Database.MigrateAsync();
    }
    var line = benchmark switch
    {
        "customers-grid" => await CustomersGridBenchmark.RunAsync(options, connectionString),
        "due-list" => await DueListBenchmark.RunAsync(options, connectionString),
        "delivery-sheet" => await DeliverySheetBenchmark.RunAsync(options, connectionString),
        "billing" => await BillingBenchmark.RunAsync(options, connectionString),
        "customer-portal" => await CustomerPortalBenchmark.RunAsync(options, connectionString),
        _ => throw new ArgumentException($"Unknown benchmark '{benchmark}'. Known: customers-grid, due-list, delivery-sheet, billing, customer-portal."),
    };
    Console.WriteLine(line);
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await DropAsync(maintenance, database);
}

// An autovacuum worker busy in the fresh database can refuse FORCE for a moment (the portal role may not end it): try again briefly.
static async Task DropAsync(string maintenance, string database)
{
    for (var attempt = 1; ; attempt++)
    {
        try
        {
            await ExecuteAsync(maintenance, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            return;
        }
        catch (PostgresException) when (attempt < 10)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}

static async Task ExecuteAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
    await command.ExecuteNonQueryAsync();
}

namespace Portal.Bench
{
    internal static class Stats
    {
        public static double Percentile(IReadOnlyList<double> sorted, double p)
        {
            var rank = p * (sorted.Count - 1);
            var low = (int)Math.Floor(rank);
            var high = (int)Math.Ceiling(rank);
            return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
        }

        public static string Ms(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

        public static double Elapsed(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
