using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Portal.Domain.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Test databases on the real local PostgreSQL (started by db/up.sh). A template database is migrated once per
/// test run; every test class gets its own fresh copy of it (CREATE DATABASE ... TEMPLATE), dropped afterwards.
/// </summary>
public static class TestDatabase
{
    private const string Prefix = "portal_test_";

    // Per process, so test runs side by side (two developers' terminals, an IDE and a script) never share a template.
    private static readonly int ProcessId = Environment.ProcessId;
    private static readonly string ProcessPrefix = $"{Prefix}{ProcessId}_";

    public static string TemplateName { get; } = $"{ProcessPrefix}template";

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static bool templateReady;

    /// <summary>The portal's own connection string from the repository's appsettings.json (or the environment).</summary>
    public static string BaseConnectionString { get; } = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"))
        .AddEnvironmentVariables()
        .Build()
        .GetConnectionString("Portal") ?? throw new InvalidOperationException("ConnectionStrings:Portal is missing.");

    public static string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(BaseConnectionString) { Database = database, Pooling = true, MaxPoolSize = 60 }.ConnectionString;

    private static string MaintenanceConnectionString =>
        new NpgsqlConnectionStringBuilder(BaseConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;

    /// <summary>A new database cloned from the migrated template (migrations applied, roles created).</summary>
    public static async Task<string> CreateAsync()
    {
        await EnsureTemplateAsync();
        var name = ProcessPrefix + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{TemplateName}\"");
        return name;
    }

    /// <summary>An empty database with no migrations applied, for tests of what happens before migration.</summary>
    public static async Task<string> CreateEmptyAsync()
    {
        var name = ProcessPrefix + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        return name;
    }

    public static async Task DropAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    public static DbContextOptions<PortalDbContext> OptionsFor(string database) =>
        (DbContextOptions<PortalDbContext>)new DbContextOptionsBuilder<PortalDbContext>()
            .UsePortalDatabase(ConnectionStringFor(database))
            .Options;

    private static async Task EnsureTemplateAsync()
    {
        if (templateReady)
        {
            return;
        }
        await TemplateLock.WaitAsync();
        try
        {
            if (templateReady)
            {
                return;
            }
            // Databases left behind by earlier, interrupted runs: those of processes that no longer exist.
            await using (var connection = new NpgsqlConnection(MaintenanceConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'portal\\_test\\_%'", connection);
                var stale = new List<string>();
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        stale.Add(reader.GetString(0));
                    }
                }
                foreach (var name in stale.Where(IsLeftOver))
                {
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                    await drop.ExecuteNonQueryAsync();
                }
            }

            await ExecuteAsync($"CREATE DATABASE \"{TemplateName}\"");
            await using (var services = TestServices.Build(TemplateName))
            {
                await PortalDatabase.InitialiseAsync(services);
            }
            NpgsqlConnection.ClearAllPools();
            templateReady = true;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static bool IsLeftOver(string database)
    {
        var parts = database[Prefix.Length..].Split('_');
        if (!int.TryParse(parts[0], out var pid))
        {
            return true;
        }
        if (pid == ProcessId)
        {
            return true;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(MaintenanceConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
