using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

[CollectionDefinition(Name)]
public sealed class ProductionServerCollection : ICollectionFixture<ProductionServer>
{
    public const string Name = "production-server";
}

/// <summary>
/// The portal as it runs in production: environment Production (no demo data), behind a reverse proxy on the same machine
/// that ends TLS and says so with X-Forwarded-Proto. One staff login is added to sign in with.
/// </summary>
public sealed class ProductionServer : IAsyncLifetime
{
    public const string Password = "production-pass-2026";

    /// <summary>What the TLS-ending proxy adds to every request it passes on.</summary>
    public static readonly IReadOnlyDictionary<string, string> BehindTls = new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https" };

    private PortalServer? server;

    public PortalServer Server => server ?? throw new InvalidOperationException("The production server is not started.");

    public string StaffLogin { get; private set; } = "";

    public async Task InitializeAsync()
    {
        server = await PortalServer.StartAsync(environment: "Production");
        await using var db = Database();
        StaffLogin = (await TestData.AddUserAsync(db, Roles.Staff, password: Password)).UserName!;
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    public PortalDbContext Database() => new(TestDatabase.OptionsFor(Server.Database));

    /// <summary>A client whose requests arrive as the proxy passes them on (https); <paramref name="behindTls"/> false for plain http straight to the portal.</summary>
    public PortalHttpClient NewClient(bool behindTls = true) => new(Server.BaseAddress, behindTls ? BehindTls : null);
}
