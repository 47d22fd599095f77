using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Configuration;

namespace Portal.Domain.Data;

public static class PortalDbContextOptions
{
    /// <summary>The one place the provider and naming are chosen; the portal, the tests and the benchmarks all call it.</summary>
    public static DbContextOptionsBuilder UsePortalDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    /// <summary>Finds the repository's appsettings.json by walking up from <paramref name="start"/>.</summary>
    public static string? FindRepositorySettings(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "appsettings.json");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
            {
                return candidate;
            }
        }
        return null;
    }
}

/// <summary>Lets <c>dotnet ef</c> build the context from the repository's appsettings.json.</summary>
internal sealed class PortalDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var settings = PortalDbContextOptions.FindRepositorySettings(Directory.GetCurrentDirectory())
            ?? throw new InvalidOperationException("Run dotnet ef from inside the repository: appsettings.json was not found.");
        var configuration = new ConfigurationBuilder().AddJsonFile(settings).AddEnvironmentVariables().Build();
        var connectionString = configuration.GetConnectionString("Portal")
            ?? throw new InvalidOperationException("ConnectionStrings:Portal is missing from appsettings.json.");
        var options = new DbContextOptionsBuilder<PortalDbContext>().UsePortalDatabase(connectionString);
        return new PortalDbContext((DbContextOptions<PortalDbContext>)options.Options);
    }
}
