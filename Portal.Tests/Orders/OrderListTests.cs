using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Common;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Orders;

/// <summary>
/// The office's orders list and a customer's orders, read from the real database. Each test works in its own stretch of
/// delivery dates or on its own route and customers, so the tests sharing this class's database never see each other's orders.
/// </summary>
public sealed class OrderListTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 24);

    private IServiceScope scope = null!;
    private OrderService orders = null!;
    private Caller staff = null!;
    private Product milk = null!;
    private Product curd = null!;

    public async Task InitializeAsync()
    {
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        scope = fixture.Services.CreateScope();
        orders = scope.ServiceProvider.GetRequiredService<OrderService>();
        await using var db = fixture.CreateContext();
        staff = Caller.For(await TestData.AddUserAsync(db, Roles.Staff), Roles.Staff);
        milk = await TestData.AddProductAsync(db, unitPrice: 56.33m, unit: ProductUnit.Litre);
        curd = await TestData.AddProductAsync(db, unitPrice: 40m, unit: ProductUnit.Pack);
    }

    public Task DisposeAsync()
    {
        scope.Dispose();
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        return Task.CompletedTask;
    }

    private static async Task SetStatusAsync(Portal.Domain.Data.PortalDbContext db, Order order, OrderStatus status)
    {
        order.Status = status;
        order.CancelledAt = status == OrderStatus.Cancelled ? TestData.Now : null;
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_row_carries_customer_route_date_items_status_and_the_total_rounded_to_paise()
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var customer = await TestData.AddCustomerAsync(db, route, name: $"Meera Iyer {TestData.Next()}");
        // 1.5 × ₹56.33 = ₹84.495, which is ₹84.50 to the paisa; 2 packs × ₹40 = ₹80.
        var order = await TestData.AddOrderAsync(db, customer, new DateOnly(2026, 12, 5), (milk, 1.5m), (curd, 2m));

        var page = await orders.ListAsync(staff, new OrderQuery(CustomerId: customer.Id));

        var row = Assert.Single(page.Rows);
        Assert.Equal(1, page.Total);
        Assert.Equal((order.Id, customer.Name, route.Name, new DateOnly(2026, 12, 5), OrderStatus.Pending),
            (row.Id, row.CustomerName, row.RouteName, row.DeliveryDate, row.Status));
        Assert.Equal($"{milk.Name} (1.5 litres), {curd.Name} (2 packs)", row.Items);
        Assert.Equal(164.50m, row.Total);
        Assert.Equal("₹164.50", IndianFormats.Money(row.Total));
        Assert.True(row.CanCancel);
    }

    [Fact]
    public async Task The_list_filters_by_delivery_dates_with_both_ends_included_newest_first()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var byDay = new Dictionary<int, int>();
        foreach (var day in new[] { 1, 2, 3, 4 })
        {
            byDay[day] = (await TestData.AddOrderAsync(db, customer, new DateOnly(2027, 1, day), (milk, 1m))).Id;
        }

        var page = await orders.ListAsync(staff, new OrderQuery(From: new DateOnly(2027, 1, 2), To: new DateOnly(2027, 1, 3)));

        Assert.Equal([byDay[3], byDay[2]], page.Rows.Select(r => r.Id));
        Assert.Equal(2, page.Total);
        var fromOnly = await orders.ListAsync(staff, new OrderQuery(From: new DateOnly(2027, 1, 3), To: new DateOnly(2027, 1, 31)));
        Assert.Equal([byDay[4], byDay[3]], fromOnly.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task The_list_filters_by_route_and_by_status()
    {
        await using var db = fixture.CreateContext();
        var north = await TestData.AddRouteAsync(db);
        var south = await TestData.AddRouteAsync(db);
        var onNorth = await TestData.AddCustomerAsync(db, north);
        var onSouth = await TestData.AddCustomerAsync(db, south);
        var date = new DateOnly(2026, 12, 10);
        var pending = await TestData.AddOrderAsync(db, onNorth, date, (milk, 1m));
        var cancelled = await TestData.AddOrderAsync(db, onNorth, date, (curd, 1m));
        await SetStatusAsync(db, cancelled, OrderStatus.Cancelled);
        var delivered = await TestData.AddOrderAsync(db, onNorth, date.AddDays(-20), (milk, 2m));
        await SetStatusAsync(db, delivered, OrderStatus.Delivered);
        var southern = await TestData.AddOrderAsync(db, onSouth, date, (milk, 1m));

        var northOrders = await orders.ListAsync(staff, new OrderQuery(RouteId: north.Id));
        var northPending = await orders.ListAsync(staff, new OrderQuery(RouteId: north.Id, Status: OrderStatus.Pending));
        var northCancelled = await orders.ListAsync(staff, new OrderQuery(RouteId: north.Id, Status: OrderStatus.Cancelled));
        var southOrders = await orders.ListAsync(staff, new OrderQuery(RouteId: south.Id));

        Assert.Equal([cancelled.Id, pending.Id, delivered.Id], northOrders.Rows.Select(r => r.Id));
        Assert.Equal([pending.Id], northPending.Rows.Select(r => r.Id));
        Assert.Equal([cancelled.Id], northCancelled.Rows.Select(r => r.Id));
        Assert.False(northCancelled.Rows[0].CanCancel);
        Assert.Equal([southern.Id], southOrders.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task The_list_pages_on_the_server_newest_delivery_date_first_with_the_total_count()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var ids = new List<int>();
        for (var day = 1; day <= 7; day++)
        {
            ids.Add((await TestData.AddOrderAsync(db, customer, new DateOnly(2027, 2, day), (milk, day))).Id);
        }
        ids.Reverse();

        var pages = new List<OrderPage>();
        for (var page = 0; page < 3; page++)
        {
            pages.Add(await orders.ListAsync(staff, new OrderQuery(Page: page, PageSize: 3, CustomerId: customer.Id)));
        }

        Assert.All(pages, p => Assert.Equal(7, p.Total));
        Assert.Equal([3, 3, 1], pages.Select(p => p.Rows.Count));
        Assert.Equal(ids, pages.SelectMany(p => p.Rows).Select(r => r.Id));
    }

    [Fact]
    public async Task The_list_finds_orders_by_customer_name_by_mobile_and_by_order_number()
    {
        await using var db = fixture.CreateContext();
        var unique = $"Zarine{TestData.Next()}";
        var customer = await TestData.AddCustomerAsync(db, name: $"{unique} Daruwalla");
        var other = await TestData.AddCustomerAsync(db);
        var order = await TestData.AddOrderAsync(db, customer, new DateOnly(2026, 12, 20), (milk, 1m));
        var otherOrder = await TestData.AddOrderAsync(db, other, new DateOnly(2026, 12, 20), (milk, 1m));

        Assert.Equal([order.Id], (await orders.ListAsync(staff, new OrderQuery(Search: unique.ToUpperInvariant()))).Rows.Select(r => r.Id));
        Assert.Equal([order.Id], (await orders.ListAsync(staff, new OrderQuery(Search: customer.Mobile))).Rows.Select(r => r.Id));
        Assert.Contains(otherOrder.Id, (await orders.ListAsync(staff, new OrderQuery(Search: $"#{otherOrder.Id}"))).Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task A_pending_order_past_its_cut_off_is_listed_with_the_reason_it_can_no_longer_be_cancelled()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var tomorrow = await TestData.AddOrderAsync(db, customer, Today.AddDays(1), (milk, 1m));
        var later = await TestData.AddOrderAsync(db, customer, Today.AddDays(2), (milk, 1m));
        fixture.Time.AdjustTime(new DateTimeOffset(2026, 11, 24, 15, 30, 0, TimeSpan.Zero));

        var rows = (await orders.ListAsync(staff, new OrderQuery(CustomerId: customer.Id))).Rows;

        var closed = rows.Single(r => r.Id == tomorrow.Id);
        Assert.False(closed.CanCancel);
        Assert.Equal("Cancelling closed at 21:00 on 24 Nov 2026, the evening before delivery: the order is on the delivery sheet.", closed.CancelClosedReason);
        Assert.True(rows.Single(r => r.Id == later.Id).CanCancel);
    }

    [Fact]
    public async Task A_customers_orders_come_upcoming_first_soonest_first_then_past_newest_first()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var other = await TestData.AddCustomerAsync(db);
        var lastWeek = await TestData.AddOrderAsync(db, customer, Today.AddDays(-7), (milk, 1m));
        var nextWeek = await TestData.AddOrderAsync(db, customer, Today.AddDays(7), (milk, 1m));
        var yesterday = await TestData.AddOrderAsync(db, customer, Today.AddDays(-1), (milk, 1m));
        var tomorrow = await TestData.AddOrderAsync(db, customer, Today.AddDays(1), (curd, 1m));
        await TestData.AddOrderAsync(db, other, Today.AddDays(1), (milk, 1m));

        var rows = await orders.GetForCustomerAsync(staff, customer.Id);

        Assert.Equal([tomorrow.Id, nextWeek.Id, yesterday.Id, lastWeek.Id], rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Only_office_roles_read_the_orders_list()
    {
        await using var db = fixture.CreateContext();
        var agent = Caller.For(await TestData.AddUserAsync(db, Roles.DeliveryAgent), Roles.DeliveryAgent);
        var customer = await TestData.AddCustomerAsync(db);
        var asCustomer = new Caller(customer.UserId, customer.Name, new HashSet<string> { Roles.Customer });

        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.ListAsync(agent, new OrderQuery()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.ListAsync(asCustomer, new OrderQuery(CustomerId: customer.Id)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.GetForCustomerAsync(agent, customer.Id));
    }
}
