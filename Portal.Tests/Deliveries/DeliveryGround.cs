using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Deliveries;

/// <summary>A customer on the ground's route and their daily subscription.</summary>
internal sealed record Stop(Customer Customer, Subscription Subscription);

/// <summary>
/// What a delivery test stands on: a fresh route with one agent assigned, an office user, milk (litres) and paneer
/// (pieces). Stops and orders are added as each test needs them, all on the test class's own database.
/// </summary>
internal sealed class DeliveryGround
{
    /// <summary>Today in India at <see cref="TestServices.DefaultNow"/> (19:00 IST, Tuesday 24 Nov 2026).</summary>
    public static readonly DateOnly Today = new(2026, 11, 24);

    /// <summary>Subscriptions here started long enough ago to be due on any date a test asks about.</summary>
    public static readonly DateOnly Start = Today.AddDays(-60);

    private readonly DatabaseFixture fixture;

    private DeliveryGround(DatabaseFixture fixture, PortalUser staff, PortalUser agent, DeliveryRoute route, Product milk, Product paneer)
    {
        this.fixture = fixture;
        StaffUser = staff;
        AgentUser = agent;
        Route = route;
        Milk = milk;
        Paneer = paneer;
    }

    public PortalUser StaffUser { get; }

    public PortalUser AgentUser { get; }

    public DeliveryRoute Route { get; }

    public Product Milk { get; }

    public Product Paneer { get; }

    public Caller Staff => Caller.For(StaffUser, Roles.Staff);

    public Caller Agent => Caller.For(AgentUser, Roles.DeliveryAgent);

    public Recorder StaffRecorder => Recorder.Person(Staff);

    public Recorder AgentRecorder => Recorder.Person(Agent);

    public static async Task<DeliveryGround> CreateAsync(DatabaseFixture fixture)
    {
        await using var db = fixture.CreateContext();
        var staff = await TestData.AddUserAsync(db, Roles.Staff);
        var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        var route = await TestData.AddRouteAsync(db, agent);
        var milk = await TestData.AddProductAsync(db, 56m, ProductUnit.Litre);
        var paneer = await TestData.AddProductAsync(db, 90m, ProductUnit.Piece);
        return new DeliveryGround(fixture, staff, agent, route, milk, paneer);
    }

    /// <summary>
    /// A customer on <paramref name="route"/> (the ground's unless told) with a milk subscription from <see cref="Start"/> (unless told):
    /// <paramref name="daily"/> litres a day, or <paramref name="schedule"/>.
    /// </summary>
    public async Task<Stop> AddStopAsync(decimal daily = 1m, DeliveryRoute? route = null, SubscriptionSchedule? schedule = null, DateOnly? start = null)
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db, route ?? Route);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, Milk, start ?? Start, schedule ?? TestData.Daily(daily));
        return new Stop(customer, subscription);
    }

    /// <summary>A pending one-time order for a new customer on the ground's route.</summary>
    public async Task<Order> AddOrderAsync(DateOnly date, params (Product Product, decimal Quantity)[] lines)
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db, Route);
        return await TestData.AddOrderAsync(db, customer, date, lines);
    }

    public RecordInput Full(Subscription subscription, DateOnly? date = null, uint? version = null) =>
        new(Route.Id, date ?? Today, subscription.Id, null, DeliveryOutcome.Delivered, ExpectedVersion: version);

    public RecordInput Partial(Subscription subscription, decimal delivered, DateOnly? date = null, uint? version = null) =>
        new(Route.Id, date ?? Today, subscription.Id, null, DeliveryOutcome.Partial, delivered, ExpectedVersion: version);

    public RecordInput Missed(Subscription subscription, NotDeliveredReason? reason, string? note = null, DateOnly? date = null, uint? version = null) =>
        new(Route.Id, date ?? Today, subscription.Id, null, DeliveryOutcome.NotDelivered, Reason: reason, ReasonNote: note, ExpectedVersion: version);

    public RecordInput Full(OrderLine line, uint? version = null) =>
        new(Route.Id, Today, null, line.Id, DeliveryOutcome.Delivered, ExpectedVersion: version);

    public RecordInput Partial(OrderLine line, decimal delivered, uint? version = null) =>
        new(Route.Id, Today, null, line.Id, DeliveryOutcome.Partial, delivered, ExpectedVersion: version);

    public RecordInput Missed(OrderLine line, NotDeliveredReason reason = NotDeliveredReason.CustomerAway, uint? version = null) =>
        new(Route.Id, Today, null, line.Id, DeliveryOutcome.NotDelivered, Reason: reason, ExpectedVersion: version);

    public async Task<List<Delivery>> DeliveriesOfAsync(Subscription subscription)
    {
        await using var db = fixture.CreateContext();
        return await db.Deliveries.AsNoTracking().Where(d => d.SubscriptionId == subscription.Id).ToListAsync();
    }

    public async Task<List<Delivery>> DeliveriesOfAsync(OrderLine line)
    {
        await using var db = fixture.CreateContext();
        return await db.Deliveries.AsNoTracking().Where(d => d.OrderLineId == line.Id).ToListAsync();
    }

    public async Task<OrderStatus> StatusOfAsync(Order order)
    {
        await using var db = fixture.CreateContext();
        return await db.Orders.Where(o => o.Id == order.Id).Select(o => o.Status).SingleAsync();
    }
}

internal static class ResultAssert
{
    public static T Succeeded<T>(Result<T> result)
    {
        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Select(p => $"{p.Field}: {p.Message}")));
        return result.Value!;
    }

    public static Problem Refused<T>(Result<T> result, string? field = null)
    {
        Assert.False(result.Succeeded, "Expected a problem, but the change went through.");
        var problem = Assert.Single(result.Problems);
        Assert.Equal(field, problem.Field);
        return problem;
    }
}

/// <summary>
/// A row trigger a test puts on a table for a while: <c>IF condition THEN action</c> before each insert or update,
/// to make one write fail (RAISE EXCEPTION) or stall (pg_sleep). Dropped when disposed.
/// </summary>
internal sealed class TestTrigger : IAsyncDisposable
{
    private readonly DatabaseFixture fixture;
    private readonly string name;
    private readonly string table;

    private TestTrigger(DatabaseFixture fixture, string name, string table)
    {
        this.fixture = fixture;
        this.name = name;
        this.table = table;
    }

    public static async Task<TestTrigger> CreateAsync(DatabaseFixture fixture, string when, string table, string condition, string action)
    {
        var name = $"test_{Guid.NewGuid():N}";
        var sql = $"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF {condition} THEN {action}; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}();
            """;
        await ExecuteAsync(fixture, sql);
        return new TestTrigger(fixture, name, table);
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync(fixture, $"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();");

    private static async Task ExecuteAsync(DatabaseFixture fixture, string sql)
    {
        await using var db = fixture.CreateContext();
        await db.Database.ExecuteSqlRawAsync(sql);
    }
}
