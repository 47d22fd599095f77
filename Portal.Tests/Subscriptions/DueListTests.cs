using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Subscriptions;

/// <summary>
/// The due list on the real database: what is due on a date for a route (or every route), subscriptions and one-time
/// orders together, in stop order, and who may ask. Each test builds its own routes and customers, so the tests sharing
/// this class's database only meet in the all-routes list, where they check the order of the whole list.
/// </summary>
public sealed class DueListTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    /// <summary>Wednesday 2 Dec 2026.</summary>
    private static readonly DateOnly Day = new(2026, 12, 2);

    private IServiceScope scope = null!;
    private DueList dueList = null!;
    private Caller staff = null!;
    private Product milk = null!;
    private Product curd = null!;

    public async Task InitializeAsync()
    {
        scope = fixture.Services.CreateScope();
        dueList = scope.ServiceProvider.GetRequiredService<DueList>();
        await using var db = fixture.CreateContext();
        staff = Caller.For(await TestData.AddUserAsync(db, Roles.Staff), Roles.Staff);
        milk = await TestData.AddProductAsync(db, unit: ProductUnit.Litre);
        curd = await TestData.AddProductAsync(db, unitPrice: 40m, unit: ProductUnit.Pack);
    }

    public Task DisposeAsync()
    {
        scope.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<Customer> AddCustomerAsync(PortalDbContext db, DeliveryRoute? route, string name, int? stopOrder)
    {
        var customer = await TestData.AddCustomerAsync(db, route, name: $"{name} {TestData.Next()}");
        customer.StopOrder = stopOrder;
        await db.SaveChangesAsync();
        return customer;
    }

    private static async Task CancelAsync(PortalDbContext db, Order order)
    {
        order.Status = OrderStatus.Cancelled;
        order.CancelledAt = TestData.Now;
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_route_lists_subscriptions_and_order_lines_together_in_stop_order_then_by_name()
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        // Made out of stop order, and the two at stop 3 out of name order, so neither the ids nor the insert order give the answer.
        var third = await AddCustomerAsync(db, route, "Zara Shetty", 3);
        var second = await AddCustomerAsync(db, route, "Kiran Rao", 2);
        var thirdToo = await AddCustomerAsync(db, route, "Asha Menon", 3);
        var first = await AddCustomerAsync(db, route, "Vivaan Das", 1);
        var fourth = await AddCustomerAsync(db, route, "Meera Iyer", 4);
        await TestData.AddSubscriptionAsync(db, third, milk, Day.AddDays(-30));
        await TestData.AddSubscriptionAsync(db, second, milk, Day.AddDays(-30), TestData.Daily(2m));
        await TestData.AddSubscriptionAsync(db, thirdToo, milk, Day.AddDays(-30));
        await TestData.AddSubscriptionAsync(db, first, curd, Day.AddDays(-10), TestData.Daily(1m));
        var firstOrder = await TestData.AddOrderAsync(db, first, Day, (milk, 1.5m));
        var fourthOrder = await TestData.AddOrderAsync(db, fourth, Day, (milk, 1m), (curd, 3m));

        var items = await dueList.ForRouteAsync(staff, Day, route.Id);

        // One customer's lines come by product name.
        var fourthLines = new[] { (fourth.Id, DueKind.OrderLine, milk, 1m), (fourth.Id, DueKind.OrderLine, curd, 3m) }
            .OrderBy(l => l.Item3.Name, StringComparer.Ordinal)
            .Select(l => (l.Item1, l.Item2, l.Item3.Id, l.Item4));
        Assert.Equal(
            [
                (first.Id, DueKind.Subscription, curd.Id, 1m),
                (first.Id, DueKind.OrderLine, milk.Id, 1.5m),
                (second.Id, DueKind.Subscription, milk.Id, 2m),
                (thirdToo.Id, DueKind.Subscription, milk.Id, 1m),
                (third.Id, DueKind.Subscription, milk.Id, 1m),
                .. fourthLines,
            ],
            items.Select(i => (i.CustomerId, i.Kind, i.ProductId, i.PlannedQuantity)).ToList());
        Assert.All(items, i => Assert.Equal((Day, route.Id), (i.Date, i.RouteId)));

        var line = items.First(i => i.Kind == DueKind.OrderLine);
        Assert.Equal((firstOrder.Id, firstOrder.Lines.Single().Id, (int?)null), (line.OrderId, line.OrderLineId, line.SubscriptionId));
        Assert.Equal((first.Name, first.Address.Line, first.Address.Area, 1, milk.Name, ProductUnit.Litre),
            (line.CustomerName, line.AddressLine, line.Area, line.StopOrder, line.ProductName, line.Unit));
        Assert.All(items.Where(i => i.Kind == DueKind.Subscription), i => Assert.True(i.SubscriptionId is not null && i.OrderId is null && i.OrderLineId is null));
        Assert.Equal(fourthOrder.Lines.Select(l => l.Id).Order(), items.Where(i => i.CustomerId == fourth.Id).Select(i => i.OrderLineId!.Value).Order());
    }

    [Fact]
    public async Task Planned_quantities_are_what_the_per_date_function_answers_for_each_subscription_on_each_day()
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var start = Day.AddDays(-20);
        var subscriptions = new List<Subscription>();
        async Task AddAsync(SubscriptionSchedule schedule, DateOnly? from = null)
        {
            var customer = await TestData.AddCustomerAsync(db, route);
            subscriptions.Add(await TestData.AddSubscriptionAsync(db, customer, milk, from ?? start, schedule));
        }
        await AddAsync(TestData.Daily(1.5m));
        await AddAsync(TestData.EveryNDays(2, 1m));
        await AddAsync(TestData.EveryNDays(3, 2m), start.AddDays(1));
        var weekly = TestData.Weekly(1m, 2m);
        weekly.Wednesday = 0m;
        await AddAsync(weekly);
        await AddAsync(TestData.Daily(0.5m));
        await AddAsync(TestData.Daily(1m), Day.AddDays(3));

        // History and exceptions around the day: a schedule change, a pause, overrides, an end date.
        subscriptions[0].Schedules.Add(new SubscriptionSchedule { Kind = ScheduleKind.EveryNDays, IntervalDays = 2, Quantity = 3m, EffectiveFrom = Day.AddDays(-1) });
        subscriptions[1].Pauses.Add(new SubscriptionPause { FromDate = Day.AddDays(-2), ToDate = Day.AddDays(1), CreatedAt = TestData.Now });
        subscriptions[2].Overrides.Add(new SubscriptionOverride { Date = Day, Quantity = 4m, CreatedAt = TestData.Now });
        subscriptions[2].Overrides.Add(new SubscriptionOverride { Date = Day.AddDays(2), Quantity = 0m, CreatedAt = TestData.Now });
        subscriptions[4].EndDate = Day.AddDays(1);
        subscriptions[4].Status = SubscriptionStatus.Cancelled;
        await db.SaveChangesAsync();

        var ids = subscriptions.Select(s => s.Id).ToHashSet();
        var loaded = await db.Subscriptions.AsNoTracking().AsSplitQuery()
            .Include(s => s.Schedules).Include(s => s.Pauses).Include(s => s.Overrides)
            .Where(s => ids.Contains(s.Id))
            .ToListAsync();
        var dueDays = 0;
        for (var day = Day.AddDays(-3); day <= Day.AddDays(7); day = day.AddDays(1))
        {
            var items = await dueList.ForRouteAsync(staff, day, route.Id);

            var expected = loaded
                .Select(s => (s.Id, Quantity: DueQuantity.On(s, day)))
                .Where(e => e.Quantity > 0)
                .OrderBy(e => e.Id)
                .ToList();
            Assert.Equal(expected, items.Select(i => (i.SubscriptionId!.Value, i.PlannedQuantity)).OrderBy(e => e.Item1).ToList());
            dueDays += expected.Count;
        }
        Assert.True(dueDays > 20, "the schedules should make plenty of deliveries to compare");
    }

    [Fact]
    public async Task Cancelled_orders_are_not_due()
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var customer = await TestData.AddCustomerAsync(db, route);
        var kept = await TestData.AddOrderAsync(db, customer, Day, (milk, 1m));
        var cancelled = await TestData.AddOrderAsync(db, customer, Day, (curd, 2m));
        await CancelAsync(db, cancelled);

        var items = await dueList.ForRouteAsync(staff, Day, route.Id);

        Assert.Equal([kept.Id], items.Select(i => i.OrderId!.Value));
    }

    [Fact]
    public async Task Inactive_customers_get_nothing_from_their_subscriptions_or_orders()
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var active = await TestData.AddCustomerAsync(db, route);
        var inactive = await TestData.AddCustomerAsync(db, route);
        foreach (var customer in new[] { active, inactive })
        {
            await TestData.AddSubscriptionAsync(db, customer, milk, Day.AddDays(-5));
            await TestData.AddOrderAsync(db, customer, Day, (curd, 1m));
        }
        inactive.Status = CustomerStatus.Inactive;
        await db.SaveChangesAsync();

        var onRoute = await dueList.ForRouteAsync(staff, Day, route.Id);
        var everywhere = await dueList.ForAllRoutesAsync(staff, Day);

        Assert.Equal([(active.Id, DueKind.Subscription), (active.Id, DueKind.OrderLine)], onRoute.Select(i => (i.CustomerId, i.Kind)));
        Assert.DoesNotContain(everywhere, i => i.CustomerId == inactive.Id);
        Assert.Equal(2, everywhere.Count(i => i.CustomerId == active.Id));
    }

    [Fact]
    public async Task A_route_has_none_of_the_customers_of_other_routes_or_of_no_route()
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var otherRoute = await TestData.AddRouteAsync(db);
        var mine = await TestData.AddCustomerAsync(db, route);
        var other = await TestData.AddCustomerAsync(db, otherRoute);
        var unrouted = await TestData.AddCustomerAsync(db);
        foreach (var customer in new[] { mine, other, unrouted })
        {
            await TestData.AddSubscriptionAsync(db, customer, milk, Day.AddDays(-5));
            await TestData.AddOrderAsync(db, customer, Day, (curd, 1m));
        }

        var items = await dueList.ForRouteAsync(staff, Day, route.Id);
        var otherItems = await dueList.ForRouteAsync(staff, Day, otherRoute.Id);

        Assert.Equal([mine.Id, mine.Id], items.Select(i => i.CustomerId));
        Assert.Equal([other.Id, other.Id], otherItems.Select(i => i.CustomerId));
    }

    [Fact]
    public async Task All_routes_come_in_route_order_each_in_stop_order_with_customers_on_no_route_last()
    {
        await using var db = fixture.CreateContext();
        var firstRoute = await TestData.AddRouteAsync(db);
        var secondRoute = await TestData.AddRouteAsync(db);
        var unrouted = await AddCustomerAsync(db, null, "Aarav Nair", null);
        var secondRouteStop1 = await AddCustomerAsync(db, secondRoute, "Deepa Gupta", 1);
        var firstRouteStop2 = await AddCustomerAsync(db, firstRoute, "Arjun Patel", 2);
        var firstRouteStop1 = await AddCustomerAsync(db, firstRoute, "Sai Kulkarni", 1);
        await TestData.AddSubscriptionAsync(db, unrouted, milk, Day.AddDays(-5));
        await TestData.AddSubscriptionAsync(db, secondRouteStop1, milk, Day.AddDays(-5));
        await TestData.AddOrderAsync(db, firstRouteStop2, Day, (curd, 1m));
        await TestData.AddSubscriptionAsync(db, firstRouteStop1, milk, Day.AddDays(-5));

        var items = await dueList.ForAllRoutesAsync(staff, Day);

        var mine = new[] { unrouted.Id, secondRouteStop1.Id, firstRouteStop2.Id, firstRouteStop1.Id };
        Assert.Equal(
            [firstRouteStop1.Id, firstRouteStop2.Id, secondRouteStop1.Id, unrouted.Id],
            items.Where(i => mine.Contains(i.CustomerId)).Select(i => i.CustomerId));
        // Other tests' customers share this database: the whole list must still be routes in order, stops in order, no route last.
        var keys = items.Select(i => (NoRoute: i.RouteId is null, Route: i.RouteId ?? 0, Stop: i.StopOrder ?? int.MaxValue)).ToList();
        Assert.Equal(keys.OrderBy(k => k.NoRoute).ThenBy(k => k.Route).ThenBy(k => k.Stop), keys);
        Assert.All(items, i => Assert.Equal(Day, i.Date));
    }

    [Fact]
    public async Task Paused_days_and_skipped_days_have_nothing_due()
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var away = await TestData.AddCustomerAsync(db, route);
        var skipping = await TestData.AddCustomerAsync(db, route);
        var awayWithExtra = await TestData.AddCustomerAsync(db, route);
        var home = await TestData.AddCustomerAsync(db, route);
        var pausedSubscription = await TestData.AddSubscriptionAsync(db, away, milk, Day.AddDays(-10));
        var skippedSubscription = await TestData.AddSubscriptionAsync(db, skipping, milk, Day.AddDays(-10));
        var overriddenPause = await TestData.AddSubscriptionAsync(db, awayWithExtra, milk, Day.AddDays(-10));
        var homeSubscription = await TestData.AddSubscriptionAsync(db, home, milk, Day.AddDays(-10));
        pausedSubscription.Pauses.Add(new SubscriptionPause { FromDate = Day, ToDate = Day.AddDays(2), CreatedAt = TestData.Now });
        skippedSubscription.Overrides.Add(new SubscriptionOverride { Date = Day, Quantity = 0m, CreatedAt = TestData.Now });
        overriddenPause.Pauses.Add(new SubscriptionPause { FromDate = Day.AddDays(-3), ToDate = Day, CreatedAt = TestData.Now });
        overriddenPause.Overrides.Add(new SubscriptionOverride { Date = Day, Quantity = 2m, CreatedAt = TestData.Now });
        await db.SaveChangesAsync();

        var onTheDay = await dueList.ForRouteAsync(staff, Day, route.Id);
        var dayBefore = await dueList.ForRouteAsync(staff, Day.AddDays(-1), route.Id);
        var dayAfterThePause = await dueList.ForRouteAsync(staff, Day.AddDays(3), route.Id);

        Assert.Equal([homeSubscription.Id], onTheDay.Select(i => i.SubscriptionId!.Value));
        Assert.Equal([pausedSubscription.Id, skippedSubscription.Id, homeSubscription.Id], dayBefore.Select(i => i.SubscriptionId!.Value));
        Assert.Equal(
            [pausedSubscription.Id, skippedSubscription.Id, overriddenPause.Id, homeSubscription.Id],
            dayAfterThePause.Select(i => i.SubscriptionId!.Value));
    }

    [Fact]
    public async Task A_date_range_lists_each_day_in_turn_with_what_is_due_on_it()
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var customer = await TestData.AddCustomerAsync(db, route);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, Day, TestData.EveryNDays(2, 1m));
        var order = await TestData.AddOrderAsync(db, customer, Day.AddDays(1), (curd, 2m));

        var items = await DueList.QueryAsync(db, Day.AddDays(-1), Day.AddDays(4), route.Id, CancellationToken.None);

        Assert.Equal(
            [
                (Day, (int?)subscription.Id, (int?)null),
                (Day.AddDays(1), null, order.Id),
                (Day.AddDays(2), subscription.Id, null),
                (Day.AddDays(4), subscription.Id, null),
            ],
            items.Select(i => (i.Date, i.SubscriptionId, i.OrderId)));
    }

    [Fact]
    public async Task An_agent_gets_the_routes_assigned_to_them_and_no_other()
    {
        await using var db = fixture.CreateContext();
        var agentUser = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        var agent = Caller.For(agentUser, Roles.DeliveryAgent);
        var assigned = await TestData.AddRouteAsync(db, agentUser);
        var notAssigned = await TestData.AddRouteAsync(db, await TestData.AddUserAsync(db, Roles.DeliveryAgent));
        foreach (var route in new[] { assigned, notAssigned })
        {
            await TestData.AddSubscriptionAsync(db, await TestData.AddCustomerAsync(db, route), milk, Day.AddDays(-1));
        }

        var items = await dueList.ForRouteAsync(agent, Day, assigned.Id);

        Assert.Equal([assigned.Id], items.Select(i => i.RouteId!.Value));
        await Assert.ThrowsAsync<AccessDeniedException>(() => dueList.ForRouteAsync(agent, Day, notAssigned.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => dueList.ForAllRoutesAsync(agent, Day));
    }

    [Fact]
    public async Task A_customer_cannot_read_a_due_list_not_even_for_their_own_route()
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var customer = await TestData.AddCustomerAsync(db, route);
        await TestData.AddSubscriptionAsync(db, customer, milk, Day.AddDays(-1));
        var user = await db.Users.SingleAsync(u => u.Id == customer.UserId);
        var caller = Caller.For(user, Roles.Customer);

        await Assert.ThrowsAsync<AccessDeniedException>(() => dueList.ForRouteAsync(caller, Day, route.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => dueList.ForAllRoutesAsync(caller, Day));
    }

    [Theory]
    [InlineData(Roles.Admin)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Staff)]
    public async Task Office_roles_get_any_route_and_all_routes(string role)
    {
        await using var db = fixture.CreateContext();
        var caller = Caller.For(await TestData.AddUserAsync(db, role), role);
        var route = await TestData.AddRouteAsync(db, await TestData.AddUserAsync(db, Roles.DeliveryAgent));
        var customer = await TestData.AddCustomerAsync(db, route);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, Day.AddDays(-1));

        var items = await dueList.ForRouteAsync(caller, Day, route.Id);
        var everywhere = await dueList.ForAllRoutesAsync(caller, Day);

        Assert.Equal([subscription.Id], items.Select(i => i.SubscriptionId!.Value));
        Assert.Contains(everywhere, i => i.SubscriptionId == subscription.Id);
    }
}
