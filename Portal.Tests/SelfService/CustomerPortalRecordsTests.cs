using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Domain.SelfService;
using Portal.Tests.Infrastructure;
using static Portal.Tests.SelfService.SelfServiceData;

namespace Portal.Tests.SelfService;

/// <summary>A customer's own delivery records and invoices, each traced to what billed it.</summary>
public sealed class CustomerPortalRecordsTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
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
    public async Task A_delivery_not_billed_yet_shows_what_happened_and_no_invoice()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var milk = await TestData.AddProductAsync(db, 56m);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, Nov(1), TestData.Daily(2m));
        var away = await AddRecordAsync(db, subscription, Nov(12), agent, 2m, 0m, NotDeliveredReason.AddressNotFound, "New gate code");

        var delivery = await Portal.DeliveryAsync(CallerFor(customer), away.Id);

        Assert.Equal(
            new MyDelivery(away.Id, Nov(12), milk.Name, ProductUnit.Litre, 2m, 0m, DeliveryOutcome.NotDelivered, NotDeliveredReason.AddressNotFound,
                "New gate code", TestData.Now, subscription.Id, null, null, null, null, null),
            delivery);
    }

    [Fact]
    public async Task A_billed_delivery_shows_its_invoice_line_and_invoice()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var paneer = await TestData.AddProductAsync(db, 95.50m, ProductUnit.Pack);
        var order = await TestData.AddOrderAsync(db, customer, Nov(8), (paneer, 3m));
        var record = await TestData.AddDeliveryAsync(db, order.Lines[0], agent, delivered: 2m);
        var invoice = await TestData.AddInvoiceAsync(db, customer, manager, record);

        var delivery = await Portal.DeliveryAsync(CallerFor(customer), record.Id);

        Assert.Equal(
            new MyDelivery(record.Id, Nov(8), paneer.Name, ProductUnit.Pack, 3m, 2m, DeliveryOutcome.Partial, null, null, TestData.Now,
                null, order.Id, 95.50m, 191m, invoice.Id, invoice.Number),
            delivery);
    }

    [Fact]
    public async Task Invoices_are_the_customers_own_newest_month_first()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var neighbour = await TestData.AddCustomerAsync(db);
        var milk = await TestData.AddProductAsync(db, 56m);
        var mine = await TestData.AddSubscriptionAsync(db, customer, milk, new DateOnly(2026, 9, 1), TestData.Daily(1m));
        var theirs = await TestData.AddSubscriptionAsync(db, neighbour, milk, new DateOnly(2026, 9, 1), TestData.Daily(1m));
        var october = await TestData.AddInvoiceAsync(db, customer, manager, await TestData.AddDeliveryAsync(db, mine, new DateOnly(2026, 10, 1), agent));
        var september = await TestData.AddInvoiceAsync(db, customer, manager,
            await TestData.AddDeliveryAsync(db, mine, new DateOnly(2026, 9, 1), agent),
            await TestData.AddDeliveryAsync(db, mine, new DateOnly(2026, 9, 2), agent, planned: 1m, delivered: 0.5m));
        var supplementary = await TestData.AddInvoiceAsync(db, customer, manager, await TestData.AddDeliveryAsync(db, mine, new DateOnly(2026, 10, 2), agent));
        supplementary.IsSupplementary = true;
        await db.SaveChangesAsync();
        await TestData.AddInvoiceAsync(db, neighbour, manager, await TestData.AddDeliveryAsync(db, theirs, new DateOnly(2026, 10, 1), agent));

        var invoices = await Portal.InvoicesAsync(CallerFor(customer));

        Assert.Equal(
            [
                new MyInvoiceRow(supplementary.Id, supplementary.Number, new DateOnly(2026, 10, 1), true, TestData.Now, 1, 56m),
                new MyInvoiceRow(october.Id, october.Number, new DateOnly(2026, 10, 1), false, TestData.Now, 1, 56m),
                new MyInvoiceRow(september.Id, september.Number, new DateOnly(2026, 9, 1), false, TestData.Now, 2, 84m),
            ],
            invoices);
    }

    [Fact]
    public async Task The_customer_sees_their_invoice_exactly_as_the_office_does()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var milk = await TestData.AddProductAsync(db, 56m);
        var paneer = await TestData.AddProductAsync(db, 95.50m, ProductUnit.Pack);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, Nov(1), TestData.Daily(1m));
        var order = await TestData.AddOrderAsync(db, customer, Nov(3), (paneer, 1m));
        var invoice = await TestData.AddInvoiceAsync(db, customer, manager,
            await TestData.AddDeliveryAsync(db, subscription, Nov(2), agent),
            await TestData.AddDeliveryAsync(db, order.Lines[0], agent));

        var mine = await Portal.InvoiceAsync(CallerFor(customer), invoice.Id);
        var office = await scope.ServiceProvider.GetRequiredService<InvoiceService>().InvoiceAsync(Caller.For(manager, Roles.Manager), invoice.Id);

        Assert.NotNull(office);
        Assert.Equal(office with { Lines = [] }, mine with { Lines = [] });
        Assert.Equal(office.Lines, mine.Lines);
        Assert.Equal((invoice.Number, customer.Id, 151.50m, 2), (mine.Number, mine.CustomerId, mine.Total, mine.Lines.Count));
    }
}
