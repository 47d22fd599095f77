using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

/// <summary>
/// Two portals whose clocks start on the evening of 24 Nov 2026: one at 19:00 IST, before the cut-off for the 25th, and one at
/// 21:30 IST, after it. Each seeds the demo data (with its history of deliveries, an invoice and payments) relative to its clock.
/// </summary>
public sealed class CustomerJourneyServers : IAsyncLifetime
{
    public static readonly DateOnly Evening = new(2026, 11, 24);

    public PortalServer BeforeCutoff { get; private set; } = null!;

    public PortalServer AfterCutoff { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var before = PortalServer.StartAsync(ClockAt("2026-11-24T19:00:00+05:30"));
        var after = PortalServer.StartAsync(ClockAt("2026-11-24T21:30:00+05:30"));
        BeforeCutoff = await before;
        AfterCutoff = await after;
    }

    public async Task DisposeAsync()
    {
        await BeforeCutoff.DisposeAsync();
        await AfterCutoff.DisposeAsync();
    }

    private static Dictionary<string, string> ClockAt(string instant) => new()
    {
        ["Portal:ClockStartsAt"] = instant,
        ["Portal:RateLimits:SignInPerMinute"] = "1000",
    };
}

/// <summary>A household on a phone: signs in with the mobile number, skips tomorrow, orders for a day, reads the calendar and an invoice.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CustomerJourneyTests(BrowserFixture fixture, CustomerJourneyServers servers) : IClassFixture<CustomerJourneyServers>, IAsyncLifetime
{
    private const string DemoMobile = "98765 00001";
    private static readonly DateOnly Tomorrow = CustomerJourneyServers.Evening.AddDays(1);

    private readonly List<IBrowserContext> contexts = [];

    [Fact]
    public async Task A_customer_on_a_phone_skips_tomorrow_places_an_order_reads_the_calendar_and_traces_an_invoice_line()
    {
        var server = servers.BeforeCutoff;
        var page = await PhoneAsync(server);
        await BrowserFixture.SignInAsync(page, DemoMobile, Domain.Data.DemoData.Password);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/me$"));
        await Expect(page.GetByTestId("bottom-nav")).ToBeVisibleAsync();

        // Tomorrow: skip the first subscription line.
        var line = page.GetByTestId("tomorrow-line").Filter(new LocatorFilterOptions { Has = page.Locator("[data-testid^=skip-]") }).First;
        var subscriptionId = int.Parse((await line.GetAttributeAsync("data-subscription-id"))!, CultureInfo.InvariantCulture);
        await page.GetByTestId($"skip-{subscriptionId}").ClickAsync();
        await Expect(page.Locator($"[data-testid=tomorrow-line][data-subscription-id='{subscriptionId}'] [data-testid=tomorrow-skipped]")).ToBeVisibleAsync();
        await using (var db = Database(server))
        {
            var skip = await db.SubscriptionOverrides.SingleAsync(o => o.SubscriptionId == subscriptionId && o.Date == Tomorrow);
            Assert.Equal(0m, skip.Quantity);
        }
        await Expect(page.GetByTestId($"undo-skip-{subscriptionId}")).ToBeVisibleAsync();

        // An order for the first open day, at today's price.
        await page.GetByTestId("bottom-nav-orders").ClickAsync();
        await page.GetByTestId("new-order").ClickAsync();
        var product = page.GetByTestId("order-product").First;
        var productId = int.Parse((await product.GetAttributeAsync("data-product-id"))!, CultureInfo.InvariantCulture);
        await page.GetByTestId($"more-product-{productId}").ClickAsync();
        await page.GetByTestId($"more-product-{productId}").ClickAsync();
        int ordersBefore;
        int customerId;
        await using (var db = Database(server))
        {
            customerId = await db.Customers.Where(c => c.Mobile == "9876500001").Select(c => c.Id).SingleAsync();
            ordersBefore = await db.Orders.CountAsync(o => o.CustomerId == customerId);
        }
        await page.GetByTestId("place-order").ClickAsync();
        await Expect(page.GetByTestId("order-form")).ToBeHiddenAsync();
        await using (var db = Database(server))
        {
            Assert.Equal(ordersBefore + 1, await db.Orders.CountAsync(o => o.CustomerId == customerId));
            var order = await db.Orders.Include(o => o.Lines).Where(o => o.CustomerId == customerId).OrderByDescending(o => o.Id).FirstAsync();
            var todaysPrice = await ProductCatalog.InEffectOn(db.ProductPrices, CustomerJourneyServers.Evening)
                .Where(p => p.ProductId == productId).Select(p => p.UnitPrice).SingleAsync();
            Assert.Equal(Tomorrow, order.DeliveryDate);
            Assert.Equal(OrderStatus.Pending, order.Status);
            var orderLine = Assert.Single(order.Lines);
            Assert.Equal(productId, orderLine.ProductId);
            Assert.True(orderLine.Quantity > 0);
            Assert.Equal(todaysPrice, orderLine.UnitPrice);
        }

        // The calendar of this month: what was delivered, day by day, as recorded.
        await page.GetByTestId("bottom-nav-calendar").ClickAsync();
        await Expect(page.GetByTestId("calendar")).ToBeVisibleAsync();
        int deliveredThisMonth;
        await using (var db = Database(server))
        {
            var first = new DateOnly(2026, 11, 1);
            deliveredThisMonth = await db.Deliveries.CountAsync(d => d.DeliveryDate >= first && d.DeliveryDate <= CustomerJourneyServers.Evening
                && d.Outcome == Domain.Deliveries.DeliveryOutcome.Delivered
                && ((d.Subscription != null && d.Subscription.CustomerId == customerId) || (d.OrderLine != null && d.OrderLine.Order.CustomerId == customerId)));
        }
        Assert.True(deliveredThisMonth > 0, "The demo records this month's deliveries up to yesterday.");
        await Expect(page.GetByTestId("calendar-delivered")).ToContainTextAsync(deliveredThisMonth.ToString(CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("calendar-day-2026-11-10")).ToHaveAttributeAsync("data-states", new System.Text.RegularExpressions.Regex("Delivered|Partial|NotDelivered|Skipped|Paused"));

        // The invoice, and one of its lines traced to the delivery it bills.
        await page.GetByTestId("bottom-nav-invoices").ClickAsync();
        var row = page.GetByTestId("invoice-row").First;
        var invoiceId = int.Parse((await row.GetAttributeAsync("data-invoice-id"))!, CultureInfo.InvariantCulture);
        await row.ClickAsync();
        string number;
        await using (var db = Database(server))
        {
            var invoice = await db.Invoices.SingleAsync(i => i.Id == invoiceId);
            Assert.Equal(customerId, invoice.CustomerId);
            number = invoice.Number;
        }
        await Expect(page.GetByTestId("invoice-number")).ToHaveTextAsync(number);
        await page.GetByTestId("line-delivery").First.ClickAsync();
        await Expect(page.GetByTestId("delivery")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("delivery-invoice")).ToContainTextAsync(number);
    }

    [Fact]
    public async Task After_the_cut_off_tomorrow_cannot_be_skipped_and_the_customer_is_told_why()
    {
        var server = servers.AfterCutoff;
        var page = await PhoneAsync(server);
        await BrowserFixture.SignInAsync(page, DemoMobile, Domain.Data.DemoData.Password);

        var closed = page.GetByTestId("tomorrow-closed");
        await Expect(closed).ToBeVisibleAsync();
        await Expect(closed).ToContainTextAsync("Changes for 25 Nov 2026 closed at 21:00 on 24 Nov 2026");
        await Expect(closed).ToContainTextAsync("26 Nov 2026");
        await Expect(page.Locator("[data-testid^=skip-]")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("tomorrow-line").First).ToBeVisibleAsync();

        // The subscriptions page says the same and explains the rule.
        await page.GetByTestId("bottom-nav-milk").ClickAsync();
        await Expect(page.GetByTestId("cutoff-rule")).ToContainTextAsync("9:00 pm");
        await Expect(page.GetByTestId("tomorrow-closed")).ToContainTextAsync("closed at 21:00 on 24 Nov 2026");

        await using var db = Database(server);
        Assert.False(await db.SubscriptionOverrides.AnyAsync(o => o.Date == Tomorrow && o.Subscription.Customer.Mobile == "9876500001"));
    }

    private static PortalDbContext Database(PortalServer server) => new(TestDatabase.OptionsFor(server.Database));

    private async Task<IPage> PhoneAsync(PortalServer server)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseAddress.ToString(),
            Locale = "en-IN",
            TimezoneId = "Asia/Kolkata",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            DeviceScaleFactor = 2,
        });
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(20_000);
        contexts.Add(context);
        return await context.NewPageAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in contexts)
        {
            await context.CloseAsync();
        }
    }
}
