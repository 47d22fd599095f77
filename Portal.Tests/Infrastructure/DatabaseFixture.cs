using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Domain.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// One fresh database per test class (xunit class fixture). Tests that must not see each other's rows
/// create what they need with unique values, or take their own <see cref="TestDatabase.CreateAsync"/>.
/// </summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public string Database { get; private set; } = "";

    public FakeTimeProvider Time { get; } = new(TestServices.DefaultNow);

    public ServiceProvider Services { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Services = TestServices.Build(Database, Time);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await TestDatabase.DropAsync(Database);
    }

    public PortalDbContext CreateContext() => Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    public string ConnectionString => TestDatabase.ConnectionStringFor(Database);
}
