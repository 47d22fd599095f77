using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Portal.Domain.Data;
using Portal.Infrastructure;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Health;

/// <summary>/health says Healthy only when the database answers and is fully migrated; otherwise Unhealthy, never an exception.</summary>
public sealed class DatabaseHealthCheckTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private sealed class Contexts(string connectionString) : IDbContextFactory<PortalDbContext>
    {
        private readonly DbContextOptions<PortalDbContext> options =
            (DbContextOptions<PortalDbContext>)new DbContextOptionsBuilder<PortalDbContext>().UsePortalDatabase(connectionString).Options;

        public PortalDbContext CreateDbContext() => new(options);
    }

    private static Task<HealthCheckResult> CheckAsync(IDbContextFactory<PortalDbContext> contexts) =>
        new DatabaseHealthCheck(contexts).CheckHealthAsync(new HealthCheckContext());

    [Fact]
    public async Task A_migrated_database_is_healthy()
    {
        var result = await CheckAsync(fixture.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task A_database_without_migrations_is_unhealthy_and_says_so()
    {
        var database = await TestDatabase.CreateEmptyAsync();
        try
        {
            var result = await CheckAsync(new Contexts(TestDatabase.ConnectionStringFor(database)));

            Assert.Equal(HealthStatus.Unhealthy, result.Status);
            Assert.Contains("migration", result.Description, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await TestDatabase.DropAsync(database);
        }
    }

    [Fact]
    public async Task A_database_that_does_not_exist_is_unhealthy()
    {
        var result = await CheckAsync(new Contexts(TestDatabase.ConnectionStringFor("portal_test_missing_" + Guid.NewGuid().ToString("N")[..8])));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_unhealthy_not_an_exception()
    {
        var closedPort = new NpgsqlConnectionStringBuilder(TestDatabase.BaseConnectionString) { Host = "127.0.0.1", Port = 1, Timeout = 3, Pooling = false };

        var result = await CheckAsync(new Contexts(closedPort.ConnectionString));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("cannot be reached", result.Description, StringComparison.OrdinalIgnoreCase);
    }
}
