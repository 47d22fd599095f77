using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Domain.SelfService;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;
using static Portal.Tests.SelfService.SelfServiceData;

namespace Portal.Tests.SelfService;

/// <summary>
/// A customer never reaches another customer's data, whatever id they send: not through their own portal, and not through any
/// other service a customer's page can call with an id. Another customer's id is refused exactly as an id that does not exist,
/// and nothing of the other customer changes. Clock at 19:00 IST on Tuesday 24 Nov 2026.
/// </summary>
public sealed class CustomerPortalAccessTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private IServiceScope scope = null!;
    private Customer me = null!;
    private Customer neighbour = null!;
    private Ids mine = null!;
    private Ids theirs = null!;

    /// <summary>The ids one customer's rows have; <see cref="Missing"/> are ids nothing has.</summary>
    public sealed record Ids(int CustomerId, int SubscriptionId, int PauseId, int OrderId, long DeliveryId, int InvoiceId, int RouteId, int ProductId);

    private static Ids Missing(Ids real) => new(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, long.MaxValue, int.MaxValue, int.MaxValue, real.ProductId);

    /// <summary>The services a customer's pages can reach, from one scope as a page would.</summary>
    public sealed class Services(IServiceProvider provider)
    {
        public CustomerPortal Portal => provider.GetRequiredService<CustomerPortal>();

        public SubscriptionService Subscriptions => provider.GetRequiredService<SubscriptionService>();

        public OrderService Orders => provider.GetRequiredService<OrderService>();

        public CustomerService Customers => provider.GetRequiredService<CustomerService>();

        public InvoiceService Invoices => provider.GetRequiredService<InvoiceService>();

        public DeliveryService Deliveries => provider.GetRequiredService<DeliveryService>();

        public DueList DueList => provider.GetRequiredService<DueList>();

        public AuditLog Audit => provider.GetRequiredService<AuditLog>();
    }

    private static readonly Dictionary<string, Func<Services, Caller, Ids, Task>> WithAnId = new()
    {
        ["CustomerPortal.DeliveryAsync"] = (s, c, id) => s.Portal.DeliveryAsync(c, id.DeliveryId),
        ["CustomerPortal.InvoiceAsync"] = (s, c, id) => s.Portal.InvoiceAsync(c, id.InvoiceId),
        ["SubscriptionService.CreateAsync"] = (s, c, id) => s.Subscriptions.CreateAsync(c,
            new SubscriptionInput { CustomerId = id.CustomerId, ProductId = id.ProductId, StartDate = Nov(28), Schedule = new ScheduleInput { Quantity = 1m } }),
        ["SubscriptionService.ChangeScheduleAsync"] = (s, c, id) => s.Subscriptions.ChangeScheduleAsync(c, id.SubscriptionId, new ScheduleInput { Quantity = 3m }, Tomorrow),
        ["SubscriptionService.PauseAsync"] = (s, c, id) => s.Subscriptions.PauseAsync(c, id.SubscriptionId, Nov(28), Nov(29)),
        ["SubscriptionService.ResumeAsync"] = (s, c, id) => s.Subscriptions.ResumeAsync(c, id.SubscriptionId, id.PauseId),
        ["SubscriptionService.SetOverrideAsync"] = (s, c, id) => s.Subscriptions.SetOverrideAsync(c, id.SubscriptionId, Nov(30), 5m),
        ["SubscriptionService.RemoveOverrideAsync"] = (s, c, id) => s.Subscriptions.RemoveOverrideAsync(c, id.SubscriptionId, Tomorrow),
        ["SubscriptionService.CancelAsync"] = (s, c, id) => s.Subscriptions.CancelAsync(c, id.SubscriptionId),
        ["SubscriptionService.ForCustomerAsync"] = (s, c, id) => s.Subscriptions.ForCustomerAsync(c, id.CustomerId),
        ["SubscriptionService.PreviewAsync"] = (s, c, id) => s.Subscriptions.PreviewAsync(c, id.CustomerId, Today),
        ["OrderService.PlaceAsync"] = (s, c, id) => s.Orders.PlaceAsync(c, new OrderInput
        {
            CustomerId = id.CustomerId,
            DeliveryDate = Nov(28),
            Lines = [new OrderLineInput { ProductId = id.ProductId, Quantity = 1m }],
        }),
        ["OrderService.CancelAsync"] = (s, c, id) => s.Orders.CancelAsync(c, id.OrderId),
        ["OrderService.GetForCustomerAsync"] = (s, c, id) => s.Orders.GetForCustomerAsync(c, id.CustomerId),
        ["OrderService.ListAsync"] = (s, c, id) => s.Orders.ListAsync(c, new OrderQuery(CustomerId: id.CustomerId)),
        ["CustomerService.GetAsync"] = (s, c, id) => s.Customers.GetAsync(c, id.CustomerId),
        ["CustomerService.UpdateAsync"] = (s, c, id) => s.Customers.UpdateAsync(c, id.CustomerId, new CustomerInput
        {
            Name = "Taken Over",
            Mobile = "9000000001",
            Email = "taken@example.in",
            AddressLine = "Elsewhere",
            Area = "Indiranagar",
            City = "Bengaluru",
            PinCode = "560038",
        }),
        ["CustomerService.SearchAsync"] = (s, c, id) => s.Customers.SearchAsync(c, new CustomerQuery(RouteId: id.RouteId)),
        ["CustomerService.CreateActivationLinkAsync"] = (s, c, id) => s.Customers.CreateActivationLinkAsync(c, id.CustomerId),
        ["CustomerService.SetInitialPasswordAsync"] = (s, c, id) => s.Customers.SetInitialPasswordAsync(c, id.CustomerId, "a-password-of-mine"),
        ["CustomerService.DeactivateAsync"] = (s, c, id) => s.Customers.DeactivateAsync(c, id.CustomerId),
        ["InvoiceService.InvoiceAsync"] = (s, c, id) => s.Invoices.InvoiceAsync(c, id.InvoiceId),
        ["InvoiceService.InvoicesAsync"] = (s, c, id) => s.Invoices.InvoicesAsync(c, new InvoiceQuery(CustomerId: id.CustomerId)),
        ["DeliveryService.GetDayAsync"] = (s, c, id) => s.Deliveries.GetDayAsync(c, Today),
        ["DeliveryService.GetSheetAsync"] = (s, c, id) => s.Deliveries.GetSheetAsync(Recorder.Person(c), id.RouteId, Today),
        ["DeliveryService.RecordAsync"] = (s, c, id) => s.Deliveries.RecordAsync(Recorder.Person(c),
            new RecordInput(id.RouteId, Today, id.SubscriptionId, null, DeliveryOutcome.NotDelivered, Reason: NotDeliveredReason.Refused)),
        ["DueList.ForRouteAsync"] = (s, c, id) => s.DueList.ForRouteAsync(c, Today, id.RouteId),
        ["AuditLog.SearchAsync"] = (s, c, id) => s.Audit.SearchAsync(c, new AuditQuery(CustomerId: id.CustomerId)),
    };

    public static TheoryData<string> CallsWithAnId => new(WithAnId.Keys);

    private static readonly Dictionary<string, Func<CustomerPortal, Caller, Ids, Task>> PortalCalls = new()
    {
        ["HomeAsync"] = (p, c, id) => p.HomeAsync(c),
        ["CustomerIdAsync"] = (p, c, id) => p.CustomerIdAsync(c),
        ["DayAsync"] = (p, c, id) => p.DayAsync(c, Tomorrow),
        ["CalendarAsync"] = (p, c, id) => p.CalendarAsync(c, Today),
        ["DeliveryAsync"] = (p, c, id) => p.DeliveryAsync(c, id.DeliveryId),
        ["InvoicesAsync"] = (p, c, id) => p.InvoicesAsync(c),
        ["InvoiceAsync"] = (p, c, id) => p.InvoiceAsync(c, id.InvoiceId),
        ["OnSaleAsync"] = (p, c, id) => p.OnSaleAsync(c),
        ["ContactAsync"] = (p, c, id) => p.ContactAsync(c),
        ["UpdateContactAsync"] = (p, c, id) => p.UpdateContactAsync(c, new ContactInput { Email = "mine@example.in", AddressLine = "Mine now" }),
    };

    public static TheoryData<string> PortalMethods => new(PortalCalls.Keys);

    public async Task InitializeAsync()
    {
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        scope = fixture.Services.CreateScope();
        await using var db = fixture.CreateContext();
        var manager = await TestData.AddUserAsync(db, Roles.Manager);
        var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        var route = await TestData.AddRouteAsync(db, agent);
        var milk = await TestData.AddProductAsync(db, 56m);
        (me, mine) = await HouseholdAsync(db, route, milk, manager, agent);
        (neighbour, theirs) = await HouseholdAsync(db, route, milk, manager, agent);
    }

    public Task DisposeAsync()
    {
        scope.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// A customer on the route with a daily milk subscription (a pause on 26–27 Nov, tomorrow changed to 2 L), a pending order for
    /// tomorrow, a delivery recorded yesterday, and an invoice for October.
    /// </summary>
    private static async Task<(Customer, Ids)> HouseholdAsync(
        PortalDbContext db, DeliveryRoute route, Product milk, PortalUser manager, PortalUser agent)
    {
        var customer = await TestData.AddCustomerAsync(db, route, email: $"home{TestData.Next()}@example.in");
        var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, new DateOnly(2026, 10, 1), TestData.Daily(1m));
        var pause = await AddPauseAsync(db, subscription, Nov(26), Nov(27));
        await AddOverrideAsync(db, subscription, Tomorrow, 2m);
        var order = await TestData.AddOrderAsync(db, customer, Tomorrow, (milk, 1m));
        var delivery = await TestData.AddDeliveryAsync(db, subscription, Today.AddDays(-1), agent);
        var invoice = await TestData.AddInvoiceAsync(db, customer, manager, await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 10, 1), agent));
        return (customer, new Ids(customer.Id, subscription.Id, pause.Id, order.Id, delivery.Id, invoice.Id, route.Id, milk.Id));
    }

    /// <summary>Everything of the neighbour's that a refused call could have touched, and the row counts of the tables such calls write.</summary>
    private async Task<string> NeighbourAsStoredAsync()
    {
        await using var db = fixture.CreateContext();
        var id = neighbour.Id;
        var state = new
        {
            Customer = await db.Customers.AsNoTracking().Where(c => c.Id == id)
                .Select(c => new
                {
                    c.Name, c.Mobile, c.Email, c.Address.Line, c.Status, c.RouteId, c.Version,
                    UserName = c.User.UserName, UserEmail = c.User.Email, c.User.PasswordHash, c.User.SecurityStamp, c.User.IsDisabled, c.User.ConcurrencyStamp,
                })
                .SingleAsync(),
            Subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.CustomerId == id).OrderBy(s => s.Id)
                .Select(s => new
                {
                    s.Id, s.Status, s.EndDate, s.Version,
                    Schedules = s.Schedules.OrderBy(x => x.EffectiveFrom).Select(x => new { x.EffectiveFrom, x.Kind, x.Quantity }).ToList(),
                    Pauses = s.Pauses.OrderBy(p => p.FromDate).Select(p => new { p.Id, p.FromDate, p.ToDate }).ToList(),
                    Overrides = s.Overrides.OrderBy(o => o.Date).Select(o => new { o.Date, o.Quantity }).ToList(),
                })
                .ToListAsync(),
            Orders = await db.Orders.AsNoTracking().Where(o => o.CustomerId == id).OrderBy(o => o.Id)
                .Select(o => new { o.Id, o.Status, o.CancelledAt, o.Version, Lines = o.Lines.Count }).ToListAsync(),
            Deliveries = await db.Deliveries.AsNoTracking().Where(d => d.Subscription!.CustomerId == id).OrderBy(d => d.Id)
                .Select(d => new { d.Id, d.Outcome, d.DeliveredQuantity, d.Version }).ToListAsync(),
            Counts = new
            {
                Subscriptions = await db.Subscriptions.CountAsync(),
                Orders = await db.Orders.CountAsync(),
                Deliveries = await db.Deliveries.CountAsync(),
                Invoices = await db.Invoices.CountAsync(),
                Audit = await db.AuditEntries.CountAsync(),
            },
        };
        return JsonSerializer.Serialize(state, new JsonSerializerOptions { WriteIndented = true });
    }

    [Theory]
    [MemberData(nameof(CallsWithAnId))]
    public async Task A_customer_is_refused_another_customers_ids_exactly_as_ids_that_do_not_exist(string call)
    {
        var services = new Services(scope.ServiceProvider);
        var caller = CallerFor(me);
        var before = await NeighbourAsStoredAsync();

        var refusedTheirs = await Assert.ThrowsAsync<AccessDeniedException>(() => WithAnId[call](services, caller, theirs));
        var refusedMissing = await Assert.ThrowsAsync<AccessDeniedException>(() => WithAnId[call](services, caller, Missing(theirs)));

        Assert.Equal(refusedMissing.Message, refusedTheirs.Message);
        Assert.Equal(before, await NeighbourAsStoredAsync());
    }

    [Fact]
    public async Task The_customers_own_ids_are_served()
    {
        var services = new Services(scope.ServiceProvider);
        var caller = CallerFor(me);

        var delivery = await services.Portal.DeliveryAsync(caller, mine.DeliveryId);
        var invoice = await services.Portal.InvoiceAsync(caller, mine.InvoiceId);
        var subscriptions = await services.Subscriptions.ForCustomerAsync(caller, mine.CustomerId);
        var preview = await services.Subscriptions.PreviewAsync(caller, mine.CustomerId, Tomorrow, 1);
        var orders = await services.Orders.GetForCustomerAsync(caller, mine.CustomerId);

        Assert.Equal((mine.DeliveryId, mine.SubscriptionId), (delivery.Id, delivery.SubscriptionId));
        Assert.Equal((mine.InvoiceId, me.Id), (invoice.Id, invoice.CustomerId));
        Assert.Equal([mine.SubscriptionId], subscriptions.Select(s => s.Id));
        Assert.Equal([(mine.SubscriptionId, (int?)null, 2m), (null, mine.OrderId, 1m)],
            Assert.Single(preview).Lines.Select(l => (l.SubscriptionId, l.OrderId, l.Quantity)));
        Assert.Equal([mine.OrderId], orders.Select(o => o.Id));
    }

    [Theory]
    [MemberData(nameof(PortalMethods))]
    public async Task A_customer_login_without_a_customer_is_refused_by_every_portal_method(string method)
    {
        await using var db = fixture.CreateContext();
        var unlinked = await TestData.AddUserAsync(db, Roles.Customer);
        var caller = Caller.For(unlinked, Roles.Customer);
        var before = await NeighbourAsStoredAsync();

        await Assert.ThrowsAsync<AccessDeniedException>(() => PortalCalls[method](new Services(scope.ServiceProvider).Portal, caller, theirs));

        Assert.Equal(before, await NeighbourAsStoredAsync());
    }

    [Theory]
    [MemberData(nameof(PortalMethods))]
    public async Task Office_and_agents_are_refused_the_customers_own_portal_even_with_a_customers_user_id(string method)
    {
        var portal = new Services(scope.ServiceProvider).Portal;
        var before = await NeighbourAsStoredAsync();

        foreach (var role in new[] { Roles.DeliveryAgent, Roles.Staff, Roles.Manager, Roles.Admin })
        {
            // The neighbour's own user id with another role: the role is what opens the portal, not the id alone.
            var caller = new Caller(neighbour.UserId, neighbour.Name, new HashSet<string> { role });
            await Assert.ThrowsAsync<AccessDeniedException>(() => PortalCalls[method](portal, caller, theirs));
        }

        Assert.Equal(before, await NeighbourAsStoredAsync());
    }
}
