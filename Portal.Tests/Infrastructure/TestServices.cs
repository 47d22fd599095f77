using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portal.Domain;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Infrastructure;

namespace Portal.Tests.Infrastructure;

/// <summary>The portal's domain services wired as the portal wires them, against a test database and a fake clock.</summary>
public static class TestServices
{
    /// <summary>19:00 IST on Tuesday 24 Nov 2026: before the 21:00 cut-off for Wednesday.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2026, 11, 24, 13, 30, 0, TimeSpan.Zero);

    public static ServiceProvider Build(string database, FakeTimeProvider? time = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(time ?? new FakeTimeProvider(DefaultNow));
        services.AddOptions<PortalOptions>();
        services.AddPortalDomain();
        services.AddDbContextFactory<PortalDbContext>(options => options.UsePortalDatabase(TestDatabase.ConnectionStringFor(database)));
        services.AddHttpContextAccessor();
        services.AddAuthentication();
        services.AddPortalIdentity();
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }
}
