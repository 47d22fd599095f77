using Bunit;
using Portal.Domain.Billing;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Payments;
using Portal.Domain.Products;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;
using Household = Portal.Domain.Customers.Customer;

namespace Portal.Tests.Pages.CustomerSelfService;

/// <summary>
/// What the customer's page tests stand on: the class's real database, the clock at 19:00 IST on Tuesday 24 Nov 2026
/// (tomorrow, Wed 25 Nov, still open until 21:00), an agent and a manager to record and bill, milk at ₹56.00 a litre and
/// curd at ₹35.00 a pack. Every test makes its own households, so tests sharing the database never see each other's rows.
/// </summary>
public abstract class CustomerPageTest : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    protected static readonly DateOnly Today = new(2026, 11, 24);

    protected static readonly DateOnly Tomorrow = new(2026, 11, 25);

    /// <summary>21:30 IST on 24 Nov: tomorrow's changes closed half an hour ago.</summary>
    protected static readonly DateTimeOffset AfterCutoff = new(2026, 11, 24, 16, 0, 0, TimeSpan.Zero);

    protected CustomerPageTest(DatabaseFixture database)
    {
        Database = database;
        UseDatabase(database);
    }

    protected DatabaseFixture Database { get; }

    protected PortalUser Agent { get; private set; } = null!;

    protected PortalUser Manager { get; private set; } = null!;

    protected Product Milk { get; private set; } = null!;

    protected Product Curd { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database.Time.AdjustTime(TestServices.DefaultNow);
        await using var db = Database.CreateContext();
        Agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        Manager = await TestData.AddUserAsync(db, Roles.Manager);
        Milk = await TestData.AddProductAsync(db, 56m, ProductUnit.Litre);
        Curd = await TestData.AddProductAsync(db, 35m, ProductUnit.Pack);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        Database.Time.AdjustTime(TestServices.DefaultNow);
        await DisposeAsync();
    }

    protected static DateOnly Nov(int day) => new(2026, 11, day);

    protected static DateOnly Dec(int day) => new(2026, 12, day);

    protected void SignInAs(Household customer) => SignInAs(Roles.Customer, customer.UserId, customer.Name);

    protected void PassTheCutoff() => Database.Time.AdjustTime(AfterCutoff);

    /// <summary>A household with a name unique to this test run, so "nothing of theirs shows" can look for it.</summary>
    protected async Task<Household> AddCustomerAsync(string name = "Household")
    {
        await using var db = Database.CreateContext();
        return await TestData.AddCustomerAsync(db, name: $"{name} {TestData.Next()}");
    }

    protected async Task<Subscription> SubscribeAsync(Household customer, Product product, DateOnly start, SubscriptionSchedule? schedule = null)
    {
        await using var db = Database.CreateContext();
        return await TestData.AddSubscriptionAsync(db, customer, product, start, schedule);
    }

    protected async Task OverrideAsync(Subscription subscription, DateOnly date, decimal quantity)
    {
        await using var db = Database.CreateContext();
        db.SubscriptionOverrides.Add(new SubscriptionOverride { SubscriptionId = subscription.Id, Date = date, Quantity = quantity, CreatedAt = TestData.Now });
        await db.SaveChangesAsync();
    }

    protected async Task<SubscriptionPause> PauseAsync(Subscription subscription, DateOnly from, DateOnly to)
    {
        await using var db = Database.CreateContext();
        var pause = new SubscriptionPause { SubscriptionId = subscription.Id, FromDate = from, ToDate = to, CreatedAt = TestData.Now };
        db.SubscriptionPauses.Add(pause);
        await db.SaveChangesAsync();
        return pause;
    }

    /// <summary>What the agent recorded for a subscription on a day; the outcome follows from the quantities.</summary>
    protected async Task<Delivery> RecordAsync(
        Subscription subscription, DateOnly date, decimal planned, decimal delivered, NotDeliveredReason? reason = null, string? note = null)
    {
        await using var db = Database.CreateContext();
        var outcome = TestData.OutcomeFor(planned, delivered);
        var delivery = new Delivery
        {
            SubscriptionId = subscription.Id,
            DeliveryDate = date,
            PlannedQuantity = planned,
            DeliveredQuantity = delivered,
            Outcome = outcome,
            Reason = outcome == DeliveryOutcome.NotDelivered ? reason ?? NotDeliveredReason.CustomerAway : null,
            ReasonNote = outcome == DeliveryOutcome.NotDelivered ? note : null,
            RecordedByUserId = Agent.Id,
            RecordedAt = TestData.Now,
        };
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync();
        return delivery;
    }

    protected async Task<Order> OrderAsync(Household customer, DateOnly date, params (Product Product, decimal Quantity)[] lines)
    {
        await using var db = Database.CreateContext();
        return await TestData.AddOrderAsync(db, customer, date, lines);
    }

    protected async Task<Delivery> RecordAsync(OrderLine line, decimal? delivered = null)
    {
        await using var db = Database.CreateContext();
        return await TestData.AddDeliveryAsync(db, line, Agent, delivered);
    }

    protected async Task<Invoice> InvoiceAsync(Household customer, params Delivery[] deliveries)
    {
        await using var db = Database.CreateContext();
        return await TestData.AddInvoiceAsync(db, customer, Manager, deliveries);
    }

    protected async Task PayAsync(Household customer, DateOnly receivedOn, decimal amount)
    {
        await using var db = Database.CreateContext();
        db.Payments.Add(new Payment
        {
            CustomerId = customer.Id,
            Amount = amount,
            Method = PaymentMethod.Upi,
            ReceivedOn = receivedOn,
            RecordedByUserId = Manager.Id,
            RecordedAt = TestData.Now,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>Text with runs of white space (Razor's line breaks, indentation) as single spaces.</summary>
    protected static string Squash(string? text) =>
        string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The texts of the parts of <paramref name="element"/> matched by <paramref name="selector"/>, joined by spaces (Blazor drops the white space between elements).</summary>
    protected static string Parts(AngleSharp.Dom.IElement element, string selector) =>
        string.Join(' ', element.QuerySelectorAll(selector).Select(e => Squash(e.TextContent)).Where(t => t.Length > 0));

    /// <summary>Waits until the page has loaded: no progress bar, and the element the test needs is there.</summary>
    protected static void WaitLoaded<T>(IRenderedComponent<T> page, string selector) where T : Microsoft.AspNetCore.Components.IComponent =>
        page.WaitForAssertion(() =>
        {
            Assert.Empty(page.FindAll("[data-testid=loading]"));
            Assert.NotEmpty(page.FindAll(selector));
        });
}
