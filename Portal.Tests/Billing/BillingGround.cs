using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Billing;

/// <summary>
/// What a billing test stands on: its own fresh database (billing is month-wide, so tests must not see each other's
/// deliveries), the clock on 1 Dec 2026 so November 2026 is wholly past, a manager, an agent on a route, and milk at ₹56.00 a litre.
/// </summary>
internal sealed class BillingGround : IAsyncDisposable
{
    public static readonly DateOnly November = new(2026, 11, 1);

    /// <summary>1 Dec 2026, 17:30 IST: November is over, December has begun.</summary>
    public static readonly DateTimeOffset December1 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private BillingGround(DatabaseFixture fixture, IServiceScope scope, PortalUser manager, PortalUser agent, DeliveryRoute route, Product milk)
    {
        Fixture = fixture;
        Scope = scope;
        ManagerUser = manager;
        AgentUser = agent;
        Route = route;
        Milk = milk;
    }

    public DatabaseFixture Fixture { get; }

    public IServiceScope Scope { get; }

    public PortalUser ManagerUser { get; }

    public PortalUser AgentUser { get; }

    public DeliveryRoute Route { get; }

    public Product Milk { get; }

    public Caller Manager => Caller.For(ManagerUser, Roles.Manager);

    public BillingService Billing => Scope.ServiceProvider.GetRequiredService<BillingService>();

    public static async Task<BillingGround> CreateAsync(DateTimeOffset? now = null)
    {
        var fixture = new DatabaseFixture();
        await fixture.InitializeAsync();
        fixture.Time.SetUtcNow(now ?? December1);
        await using var db = fixture.CreateContext();
        var manager = await TestData.AddUserAsync(db, Roles.Manager);
        var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        var route = await TestData.AddRouteAsync(db, agent);
        var milk = await TestData.AddProductAsync(db, 56m, ProductUnit.Litre);
        return new BillingGround(fixture, fixture.Services.CreateScope(), manager, agent, route, milk);
    }

    public async ValueTask DisposeAsync()
    {
        Scope.Dispose();
        await Fixture.DisposeAsync();
    }

    /// <summary>A customer on the route with a daily milk subscription from <paramref name="start"/> (1 Nov 2026 unless told) to <paramref name="end"/>.</summary>
    public async Task<(Customer Customer, Subscription Subscription)> AddSubscriberAsync(decimal daily = 1m, DateOnly? start = null, DateOnly? end = null, string? name = null)
    {
        await using var db = Fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db, Route, name);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, Milk, start ?? November, TestData.Daily(daily));
        if (end is not null)
        {
            subscription.EndDate = end;
            await db.SaveChangesAsync();
        }
        return (customer, subscription);
    }

    /// <summary>A subscriber whose subscription runs exactly over <paramref name="month"/>, delivered in full every day of it.</summary>
    public async Task<Customer> AddDeliveredMonthAsync(DateOnly month, decimal daily = 1m, string? name = null)
    {
        var last = month.AddMonths(1).AddDays(-1);
        var (customer, subscription) = await AddSubscriberAsync(daily, month, last, name);
        for (var date = month; date <= last; date = date.AddDays(1))
        {
            await DeliverAsync(subscription, date, daily);
        }
        return customer;
    }

    public async Task<Delivery> DeliverAsync(Subscription subscription, DateOnly date, decimal planned = 1m, decimal? delivered = null)
    {
        await using var db = Fixture.CreateContext();
        return await TestData.AddDeliveryAsync(db, subscription, date, AgentUser, planned, delivered);
    }

    public async Task<Order> AddOrderAsync(Customer customer, DateOnly date, params (Product Product, decimal Quantity)[] lines)
    {
        await using var db = Fixture.CreateContext();
        return await TestData.AddOrderAsync(db, customer, date, lines);
    }

    public async Task<Customer> AddCustomerAsync(string? name = null)
    {
        await using var db = Fixture.CreateContext();
        return await TestData.AddCustomerAsync(db, Route, name);
    }

    public async Task<Delivery> DeliverAsync(OrderLine line, decimal? delivered = null)
    {
        await using var db = Fixture.CreateContext();
        return await TestData.AddDeliveryAsync(db, line, AgentUser, delivered);
    }

    public async Task AddPriceAsync(Product product, DateOnly from, decimal unitPrice)
    {
        await using var db = Fixture.CreateContext();
        db.ProductPrices.Add(new ProductPrice { ProductId = product.Id, EffectiveFrom = from, UnitPrice = unitPrice, CreatedAt = TestData.Now });
        await db.SaveChangesAsync();
    }

    public async Task<BillingRunResult> RunAsync(DateOnly month)
    {
        var result = await Billing.RunAsync(Manager, month);
        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Select(p => p.Message)));
        return result.Value!;
    }

    public async Task<List<Invoice>> InvoicesAsync()
    {
        await using var db = Fixture.CreateContext();
        return await db.Invoices.AsNoTracking().Include(i => i.Records).OrderBy(i => i.Id).ToListAsync();
    }

    /// <summary>Row counts of every table billing writes, to prove a preview or a failed run wrote nothing.</summary>
    public async Task<BillingCounts> CountsAsync()
    {
        await using var db = Fixture.CreateContext();
        var sequences = await db.InvoiceSequences.AsNoTracking().OrderBy(s => s.FinancialYear)
            .Select(s => s.FinancialYear + "=" + s.LastNumber).ToListAsync();
        return new BillingCounts(
            await db.BillingRuns.CountAsync(),
            await db.Invoices.CountAsync(),
            await db.BillingRecords.CountAsync(),
            await db.MissingDeliveries.CountAsync(),
            string.Join(",", sequences));
    }
}

internal sealed record BillingCounts(int Runs, int Invoices, int Records, int Missing, string Sequences);
