using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.SharedLinks;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>The HTTP-level security tests share one portal of their own, so they never wait for the browser collection.</summary>
[CollectionDefinition(Name)]
public sealed class SecurityServerCollection : ICollectionFixture<SecurityServer>
{
    public const string Name = "security-server";
}

/// <summary>Records the role × page matrix opens, found or added in the server's demo database.</summary>
public sealed record SecurityRecords(
    int CustomerId,
    string CustomerName,
    int RouteId,
    string RouteName,
    int OtherAgentsRouteId,
    int InvoiceId,
    string InvoiceNumber,
    long DeliveryId,
    string DeliveryProduct,
    int OtherCustomersInvoiceId,
    string OtherCustomersInvoiceNumber,
    long OtherCustomersDeliveryId,
    string OtherCustomerName,
    string SharedLinkToken);

/// <summary>
/// The real portal in Development (demo data, demo logins) with its clock at 19:00 IST on Tuesday 24 Nov 2026, before the cut-off.
/// </summary>
public sealed class SecurityServer : IAsyncLifetime
{
    public static readonly DateOnly Today = new(2026, 11, 24);

    public const string Anonymous = nameof(Anonymous);

    private static readonly DateTimeOffset Now = new(2026, 11, 24, 19, 0, 0, TimeSpan.FromHours(5.5));

    private readonly Dictionary<string, PortalHttpClient> clients = new(StringComparer.Ordinal);
    private PortalServer? server;
    private SecurityRecords? records;

    public PortalServer Server => server ?? throw new InvalidOperationException("The security server is not started.");

    public SecurityRecords Records => records ?? throw new InvalidOperationException("The security server is not started.");

    public async Task InitializeAsync()
    {
        server = await PortalServer.StartAsync(new Dictionary<string, string> { ["Portal:ClockStartsAt"] = Now.ToString("O") });
        records = await PrepareAsync(server.Database);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    public PortalDbContext Database() => new(TestDatabase.OptionsFor(Server.Database));

    /// <summary>A client with no cookies at all.</summary>
    public PortalHttpClient NewClient() => new(Server.BaseAddress);

    /// <summary>A client signed in with the demo login of <paramref name="who"/> (a role), or signed out for <see cref="Anonymous"/>; one per role for the whole collection.</summary>
    public async Task<PortalHttpClient> ClientAsync(string who)
    {
        if (clients.TryGetValue(who, out var client))
        {
            return client;
        }
        client = NewClient();
        if (who != Anonymous)
        {
            await client.SignInAsync(DemoData.Logins.Single(l => l.Role == who).SignInWith, DemoData.Password);
        }
        clients[who] = client;
        return client;
    }

    /// <summary>
    /// The demo data has routes, customers and subscriptions; an invoice, deliveries and a shared link are added when it has none,
    /// for the demo customer and for another household.
    /// </summary>
    private static async Task<SecurityRecords> PrepareAsync(string database)
    {
        await using var db = new PortalDbContext(TestDatabase.OptionsFor(database));
        var agent = await UserAsync(db, Roles.DeliveryAgent);
        var manager = await UserAsync(db, Roles.Manager);
        var staff = await UserAsync(db, Roles.Staff);

        var customerMobile = DemoData.Logins.Single(l => l.Role == Roles.Customer).SignInWith;
        var customer = await db.Customers.SingleAsync(c => c.Mobile == customerMobile);
        var other = await db.Customers.Where(c => c.Id != customer.Id && db.Subscriptions.Any(s => s.CustomerId == c.Id))
            .OrderBy(c => c.Mobile).FirstAsync();

        var route = await db.Routes.Where(r => r.Agents.Any(a => a.UserId == agent.Id)).OrderBy(r => r.Name).FirstAsync();
        var otherAgentsRoute = await db.Routes.Where(r => !r.Agents.Any(a => a.UserId == agent.Id)).OrderBy(r => r.Name).FirstAsync();

        var (invoiceId, invoiceNumber, deliveryId, product) = await InvoicedDeliveryAsync(db, customer, agent, manager);
        var (otherInvoiceId, otherInvoiceNumber, otherDeliveryId, _) = await InvoicedDeliveryAsync(db, other, agent, manager);

        await using var services = TestServices.Build(database, new FakeTimeProvider(Now.ToUniversalTime()));
        var link = await services.GetRequiredService<SharedLinkService>().CreateAsync(Caller.For(staff, Roles.Staff), route.Id, Today);
        Assert.True(link.Succeeded, string.Join(" ", link.Problems.Select(p => p.Message)));

        return new SecurityRecords(customer.Id, customer.Name, route.Id, route.Name, otherAgentsRoute.Id, invoiceId, invoiceNumber,
            deliveryId, product, otherInvoiceId, otherInvoiceNumber, otherDeliveryId, other.Name, link.Value!.Token);
    }

    private static Task<PortalUser> UserAsync(PortalDbContext db, string role)
    {
        var login = DemoData.Logins.Single(l => l.Role == role).SignInWith;
        return db.Users.SingleAsync(u => u.UserName == login);
    }

    /// <summary>An invoice of the customer and a delivery billed on it: the first of each the database has, or new ones.</summary>
    private static async Task<(int InvoiceId, string Number, long DeliveryId, string Product)> InvoicedDeliveryAsync(
        PortalDbContext db, Customer customer, PortalUser agent, PortalUser manager)
    {
        var billed = await db.BillingRecords
            .Where(r => r.Invoice.CustomerId == customer.Id)
            .OrderBy(r => r.Id)
            .Select(r => new { r.InvoiceId, r.Invoice.Number, r.DeliveryId })
            .FirstOrDefaultAsync();
        if (billed is null)
        {
            var subscription = await db.Subscriptions.Where(s => s.CustomerId == customer.Id).OrderBy(s => s.Id).FirstAsync();
            var recorded = await db.Deliveries.Where(d => d.SubscriptionId == subscription.Id).Select(d => d.DeliveryDate).ToListAsync();
            var date = Enumerable.Range(1, 20).Select(days => Today.AddDays(-days))
                .First(d => d >= subscription.StartDate && !recorded.Contains(d));
            var delivery = await TestData.AddDeliveryAsync(db, subscription, date, agent);
            var invoice = await TestData.AddInvoiceAsync(db, customer, manager, delivery);
            billed = new { InvoiceId = invoice.Id, invoice.Number, DeliveryId = delivery.Id };
        }
        var product = await db.Deliveries.Where(d => d.Id == billed.DeliveryId)
            .Select(d => d.Subscription != null ? d.Subscription.Product.Name : d.OrderLine!.Product.Name)
            .SingleAsync();
        return (billed.InvoiceId, billed.Number, billed.DeliveryId, product);
    }
}
