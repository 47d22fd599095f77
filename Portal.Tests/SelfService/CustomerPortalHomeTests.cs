using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Domain.SelfService;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;
using static Portal.Tests.SelfService.SelfServiceData;

namespace Portal.Tests.SelfService;

/// <summary>
/// The customer's front page: tomorrow, the month so far at the prices billing will charge (and what billing then bills),
/// the latest invoice and the balance. Clock at 19:00 IST on Tuesday 24 Nov 2026.
/// </summary>
public sealed class CustomerPortalHomeTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private IServiceScope scope = null!;
    private PortalUser manager = null!;
    private PortalUser agent = null!;

    private CustomerPortal Portal => scope.ServiceProvider.GetRequiredService<CustomerPortal>();

    public async Task InitializeAsync()
    {
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        scope = fixture.Services.CreateScope();
        await using var db = fixture.CreateContext();
        manager = await TestData.AddUserAsync(db, Roles.Manager);
        agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
    }

    public Task DisposeAsync()
    {
        scope.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_month_so_far_counts_records_by_outcome_at_billings_prices_and_billing_then_bills_exactly_that()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var neighbour = await TestData.AddCustomerAsync(db);
        var milk = await TestData.AddProductAsync(db, 56m);
        await AddPriceAsync(db, milk, Nov(16), 60.75m);
        var paneer = await TestData.AddProductAsync(db, 95.50m, ProductUnit.Pack);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, new DateOnly(2026, 10, 1), TestData.Daily(1m));
        await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 10, 31), agent);
        await AddRecordAsync(db, subscription, Nov(10), agent, 1m, 1m);        // 1 × 56.00 = 56.00
        await AddRecordAsync(db, subscription, Nov(15), agent, 1m, 0.5m);      // 0.5 × 56.00 = 28.00
        await AddRecordAsync(db, subscription, Nov(16), agent, 1m, 1m);        // 1 × 60.75 = 60.75
        await AddRecordAsync(db, subscription, Nov(17), agent, 1m, 0.333m);    // 0.333 × 60.75 = 20.22975 → 20.23
        await AddRecordAsync(db, subscription, Nov(20), agent, 1m, 0m, NotDeliveredReason.CustomerAway);
        var order = await TestData.AddOrderAsync(db, customer, Nov(21), (paneer, 2m));
        await TestData.AddDeliveryAsync(db, order.Lines[0], agent);            // 2 × 95.50 on the order line = 191.00
        // Paneer's price changes afterwards for the whole month: the order keeps the price it was placed at.
        await AddPriceAsync(db, paneer, Nov(1), 99m);
        var neighbours = await TestData.AddSubscriptionAsync(db, neighbour, milk, Nov(1), TestData.Daily(1m));
        await TestData.AddDeliveryAsync(db, neighbours, Nov(10), agent);

        var home = await Portal.HomeAsync(CallerFor(customer));

        Assert.Equal(new MonthToDate(Nov(1), Delivered: 3, Partial: 2, NotDelivered: 1, Amount: 355.98m), home.MonthToDate);

        var run = await scope.ServiceProvider.GetRequiredService<BillingService>().RunAsync(Caller.For(manager, Roles.Manager), Nov(1));
        Assert.True(run.Succeeded, run.GeneralError);
        var invoice = await db.Invoices.AsNoTracking().Include(i => i.Records)
            .SingleAsync(i => i.CustomerId == customer.Id && i.BillingRunId == run.Value!.RunId);
        Assert.Equal(home.MonthToDate.Amount, invoice.TotalAmount);
        Assert.Equal(5, invoice.Records.Count);
        Assert.Equal(home.MonthToDate, (await Portal.HomeAsync(CallerFor(customer))).MonthToDate);
    }

    [Fact]
    public async Task Home_shows_the_customer_and_tomorrows_plan()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db, name: $"Asha Rao {TestData.Next()}");
        var milk = await TestData.AddProductAsync(db, 56m);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, Nov(1), TestData.Weekly(1m, 2m));
        await AddOverrideAsync(db, subscription, Tomorrow, 1.5m);

        var home = await Portal.HomeAsync(CallerFor(customer));

        Assert.Equal((customer.Id, customer.Name, CustomerStatus.Active), (home.CustomerId, home.Name, home.Status));
        Assert.Equal((Tomorrow, true), (home.Tomorrow.Date, home.Tomorrow.IsOpen));
        Assert.Equal(
            [new DayPlanLine(milk.Name, ProductUnit.Litre, 1.5m, 1m, PreviewReason.Changed, subscription.Id, null)],
            home.Tomorrow.Lines);
        Assert.Equal(new MonthToDate(Nov(1), 0, 0, 0, 0m), home.MonthToDate);
        Assert.Null(home.LatestInvoice);
        Assert.Equal(new AccountBalance(0m, 0m, null, null), home.Balance);
        Assert.Equal(0m, home.Balance.Due);
    }

    [Fact]
    public async Task The_balance_is_every_invoice_less_every_payment_with_the_last_payment_and_the_latest_invoice()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var neighbour = await TestData.AddCustomerAsync(db);
        var milk = await TestData.AddProductAsync(db, 56m);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, new DateOnly(2026, 9, 1), TestData.Daily(1m));
        var september = await TestData.AddInvoiceAsync(db, customer, manager,
            await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 9, 1), agent),
            await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 9, 2), agent));
        september.IssuedAt = new DateTimeOffset(2026, 10, 1, 4, 30, 0, TimeSpan.Zero);
        var october = await TestData.AddInvoiceAsync(db, customer, manager,
            await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 10, 5), agent, planned: 2m, delivered: 1.5m));
        october.IssuedAt = new DateTimeOffset(2026, 11, 1, 4, 30, 0, TimeSpan.Zero);
        await db.SaveChangesAsync();
        await AddPaymentAsync(db, customer, manager, new DateOnly(2026, 10, 3), 100m);
        await AddPaymentAsync(db, customer, manager, new DateOnly(2026, 11, 4), 12.50m);
        await AddPaymentAsync(db, neighbour, manager, new DateOnly(2026, 11, 20), 5000m);

        var home = await Portal.HomeAsync(CallerFor(customer));

        Assert.Equal((112m, 84m), (september.TotalAmount, october.TotalAmount));
        Assert.Equal(new AccountBalance(196m, 112.50m, new DateOnly(2026, 11, 4), 12.50m), home.Balance);
        Assert.Equal(83.50m, home.Balance.Due);
        Assert.Equal(
            new MyInvoiceRow(october.Id, october.Number, new DateOnly(2026, 10, 1), false, october.IssuedAt, 1, 84m),
            home.LatestInvoice);
    }
}
