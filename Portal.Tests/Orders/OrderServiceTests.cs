using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Orders;

/// <summary>Placing and cancelling one-time orders on the real database, with the clock moved around the 21:00 IST cut-off.</summary>
public sealed class OrderServiceTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    /// <summary>Today in the fixture's clock: Tuesday 24 Nov 2026 (IST); it is 19:00.</summary>
    private static readonly DateOnly Today = new(2026, 11, 24);
    private static readonly DateOnly Tomorrow = Today.AddDays(1);

    /// <summary>20:59 and 21:00 IST on 24 Nov 2026: the last minute before the cut-off for 25 Nov, and the cut-off itself.</summary>
    private static readonly DateTimeOffset JustBeforeCutoff = new(2026, 11, 24, 15, 29, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset AtCutoff = new(2026, 11, 24, 15, 30, 0, TimeSpan.Zero);

    private IServiceScope scope = null!;
    private OrderService orders = null!;
    private Caller staff = null!;
    private Customer customer = null!;
    private Product milk = null!;
    private Product paneer = null!;

    public async Task InitializeAsync()
    {
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        scope = fixture.Services.CreateScope();
        orders = scope.ServiceProvider.GetRequiredService<OrderService>();
        await using var db = fixture.CreateContext();
        staff = Caller.For(await TestData.AddUserAsync(db, Roles.Staff), Roles.Staff);
        customer = await TestData.AddCustomerAsync(db, name: $"Asha Rao {TestData.Next()}");
        milk = await TestData.AddProductAsync(db, unitPrice: 56m, unit: ProductUnit.Litre);
        paneer = await TestData.AddProductAsync(db, unitPrice: 95.50m, unit: ProductUnit.Pack);
    }

    public Task DisposeAsync()
    {
        scope.Dispose();
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        return Task.CompletedTask;
    }

    private static OrderInput Order(Customer forCustomer, DateOnly date, params (Product Product, decimal? Quantity)[] lines) => new()
    {
        CustomerId = forCustomer.Id,
        DeliveryDate = date,
        Lines = lines.Select(l => new OrderLineInput { ProductId = l.Product.Id, Quantity = l.Quantity }).ToList(),
    };

    private static Caller CallerFor(Customer c) => new(c.UserId, c.Name, new HashSet<string> { Roles.Customer });

    private async Task<int> PlaceAsync(OrderInput input, Caller? by = null)
    {
        var result = await orders.PlaceAsync(by ?? staff, input);
        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Select(p => $"{p.Field}: {p.Message}")));
        return result.Value;
    }

    private async Task<(int Orders, int Lines, int Audit)> CountsAsync()
    {
        await using var db = fixture.CreateContext();
        return (await db.Orders.CountAsync(), await db.OrderLines.CountAsync(), await db.AuditEntries.CountAsync());
    }

    /// <summary>Places <paramref name="input"/>, expects it refused, and checks that nothing at all was written.</summary>
    private async Task<Result<int>> RefusedAsync(OrderInput input, Caller? by = null)
    {
        var before = await CountsAsync();
        var result = await orders.PlaceAsync(by ?? staff, input);
        Assert.False(result.Succeeded);
        Assert.Equal(before, await CountsAsync());
        return result;
    }

    private async Task<Order> LoadAsync(int orderId)
    {
        await using var db = fixture.CreateContext();
        return await db.Orders.AsNoTracking().Include(o => o.Lines.OrderBy(l => l.Id)).SingleAsync(o => o.Id == orderId);
    }

    private async Task<List<AuditEntry>> AuditAsync(int orderId)
    {
        await using var db = fixture.CreateContext();
        var id = orderId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == OrderService.EntityType && a.EntityId == id)
            .OrderBy(a => a.Id)
            .ToListAsync();
    }

    [Fact]
    public async Task A_placed_order_is_pending_with_its_lines_priced_and_its_placer_recorded()
    {
        var id = await PlaceAsync(Order(customer, Tomorrow.AddDays(2), (milk, 2m), (paneer, 1m)));

        var order = await LoadAsync(id);
        Assert.Equal((customer.Id, Tomorrow.AddDays(2), OrderStatus.Pending, staff.UserId, (DateTimeOffset?)null),
            (order.CustomerId, order.DeliveryDate, order.Status, order.CreatedByUserId, order.CancelledAt));
        Assert.Equal(TestServices.DefaultNow, order.CreatedAt);
        Assert.Equal([(milk.Id, 2m, 56m), (paneer.Id, 1m, 95.50m)], order.Lines.Select(l => (l.ProductId, l.Quantity, l.UnitPrice)));
    }

    [Fact]
    public async Task The_unit_price_is_the_one_on_the_day_the_order_is_placed_and_later_price_changes_never_touch_it()
    {
        var catalog = scope.ServiceProvider.GetRequiredService<ProductCatalog>();
        // A rise that starts on the delivery day: the order still carries the price of the day it was placed.
        Assert.True((await catalog.AddPriceAsync(staff, milk.Id, new PriceInput { UnitPrice = 60m, EffectiveFrom = Today.AddDays(3) })).Succeeded);

        var id = await PlaceAsync(Order(customer, Today.AddDays(3), (milk, 1m)));
        Assert.Equal(56m, Assert.Single((await LoadAsync(id)).Lines).UnitPrice);

        // Later a back-dated price covers the day it was placed, and the next day the order is looked at again.
        Assert.True((await catalog.AddPriceAsync(staff, milk.Id, new PriceInput { UnitPrice = 58m, EffectiveFrom = Today.AddDays(-1) })).Succeeded);
        fixture.Time.AdjustTime(TestServices.DefaultNow.AddDays(1));

        Assert.Equal(56m, Assert.Single((await LoadAsync(id)).Lines).UnitPrice);
        var next = await PlaceAsync(Order(customer, Today.AddDays(3), (paneer, 1m), (milk, 1m)));
        Assert.Equal(58m, (await LoadAsync(next)).Lines.Single(l => l.ProductId == milk.Id).UnitPrice);
    }

    [Fact]
    public async Task An_order_for_tomorrow_is_accepted_at_20_59_IST()
    {
        fixture.Time.AdjustTime(JustBeforeCutoff);

        var id = await PlaceAsync(Order(customer, Tomorrow, (milk, 1m)));

        Assert.Equal(Tomorrow, (await LoadAsync(id)).DeliveryDate);
    }

    [Fact]
    public async Task An_order_for_tomorrow_is_refused_from_21_00_IST_with_the_rule_explained_and_the_day_after_is_still_open()
    {
        fixture.Time.AdjustTime(AtCutoff);

        var result = await RefusedAsync(Order(customer, Tomorrow, (milk, 1m)));

        Assert.Equal(
            "Orders for 25 Nov 2026 closed at 21:00 on 24 Nov 2026 (the cut-off is 21:00 the evening before delivery). The earliest delivery date open now is 26 Nov 2026.",
            result.ErrorFor(nameof(OrderInput.DeliveryDate)));
        await PlaceAsync(Order(customer, Tomorrow.AddDays(1), (milk, 1m)));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public async Task An_order_for_today_or_a_past_day_is_refused(int daysFromToday)
    {
        var result = await RefusedAsync(Order(customer, Today.AddDays(daysFromToday), (milk, 1m)));

        Assert.Equal("Orders are for tomorrow onwards.", result.ErrorFor(nameof(OrderInput.DeliveryDate)));
    }

    [Fact]
    public async Task An_order_months_ahead_is_refused_as_a_likely_mistyped_date()
    {
        var result = await RefusedAsync(Order(customer, Today.AddDays(OrderRules.MaxDaysAhead + 1), (milk, 1m)));

        Assert.Contains("up to 90 days ahead", result.ErrorFor(nameof(OrderInput.DeliveryDate)), StringComparison.Ordinal);
        await PlaceAsync(Order(customer, Today.AddDays(OrderRules.MaxDaysAhead), (milk, 1m)));
    }

    [Theory]
    [InlineData("0", ProductUnit.Litre, "The quantity must be more than 0.")]
    [InlineData("-1", ProductUnit.Litre, "The quantity must be more than 0.")]
    [InlineData("1.5", ProductUnit.Pack, "This product is counted in whole packs: 1, 2, 3…")]
    [InlineData("2.5", ProductUnit.Piece, "This product is counted in whole pieces: 1, 2, 3…")]
    [InlineData("0.0005", ProductUnit.Litre, "Use at most 3 decimals.")]
    [InlineData("1001", ProductUnit.Litre, "At most 1000 on one line. Check the quantity.")]
    public async Task A_bad_quantity_is_refused_next_to_its_line(string quantity, ProductUnit unit, string message)
    {
        await using var db = fixture.CreateContext();
        var product = await TestData.AddProductAsync(db, unit: unit);

        var result = await RefusedAsync(Order(customer, Tomorrow, (milk, 1m), (product, decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Equal(message, result.ErrorFor("Lines[1].Quantity"));
        Assert.Null(result.ErrorFor("Lines[0].Quantity"));
    }

    [Fact]
    public async Task A_fraction_of_a_litre_or_a_kg_is_accepted()
    {
        await using var db = fixture.CreateContext();
        var ghee = await TestData.AddProductAsync(db, unitPrice: 640m, unit: ProductUnit.Kg);

        var id = await PlaceAsync(Order(customer, Tomorrow, (milk, 1.5m), (ghee, 0.25m)));

        Assert.Equal([1.5m, 0.25m], (await LoadAsync(id)).Lines.Select(l => l.Quantity));
    }

    [Fact]
    public async Task The_whole_number_rule_follows_the_unit_in_the_database_not_the_one_the_form_sent()
    {
        var input = Order(customer, Tomorrow, (paneer, 1.5m));
        input.Lines[0].Unit = ProductUnit.Litre;

        var result = await RefusedAsync(input);

        Assert.Equal("This product is counted in whole packs: 1, 2, 3…", result.ErrorFor("Lines[0].Quantity"));
    }

    [Fact]
    public async Task A_product_no_longer_on_sale_is_refused()
    {
        await using var db = fixture.CreateContext();
        var retired = await TestData.AddProductAsync(db);
        retired.IsActive = false;
        await db.SaveChangesAsync();

        var result = await RefusedAsync(Order(customer, Tomorrow, (milk, 1m), (retired, 1m)));

        Assert.Equal($"{retired.Name} is no longer on sale.", result.ErrorFor("Lines[1].ProductId"));
    }

    [Fact]
    public async Task A_product_without_a_price_today_is_refused_even_if_it_has_one_by_the_delivery_date()
    {
        await using var db = fixture.CreateContext();
        var newProduct = await TestData.AddProductAsync(db, priceFrom: Tomorrow);

        var result = await RefusedAsync(Order(customer, Tomorrow, (newProduct, 1m)));

        Assert.Equal($"{newProduct.Name} has no price for today (24 Nov 2026). Add its price before ordering it.", result.ErrorFor("Lines[0].ProductId"));
    }

    [Fact]
    public async Task The_same_product_twice_is_refused_on_the_second_line_rather_than_merged()
    {
        var result = await RefusedAsync(Order(customer, Tomorrow, (milk, 1m), (paneer, 1m), (milk, 2m)));

        Assert.Equal("Already on this order (line 1). Change that line's quantity instead.", result.ErrorFor("Lines[2].ProductId"));
        Assert.Null(result.ErrorFor("Lines[0].ProductId"));
    }

    [Fact]
    public async Task An_order_without_lines_or_without_a_customer_or_a_date_is_refused_field_by_field()
    {
        var result = await RefusedAsync(new OrderInput());

        Assert.Equal("Choose the customer.", result.ErrorFor(nameof(OrderInput.CustomerId)));
        Assert.Equal("Choose the delivery date.", result.ErrorFor(nameof(OrderInput.DeliveryDate)));
        Assert.Equal("Add at least one product.", result.ErrorFor(nameof(OrderInput.Lines)));
    }

    [Fact]
    public async Task A_line_without_a_product_or_a_quantity_is_refused_next_to_each_field()
    {
        var result = await RefusedAsync(new OrderInput { CustomerId = customer.Id, DeliveryDate = Tomorrow, Lines = [new OrderLineInput()] });

        Assert.Equal("Choose a product.", result.ErrorFor("Lines[0].ProductId"));
        Assert.Equal("Enter a quantity.", result.ErrorFor("Lines[0].Quantity"));
    }

    [Fact]
    public async Task A_deactivated_customer_cannot_be_ordered_for()
    {
        await using var db = fixture.CreateContext();
        var gone = await TestData.AddCustomerAsync(db);
        gone.Status = CustomerStatus.Inactive;
        await db.SaveChangesAsync();

        var result = await RefusedAsync(Order(gone, Tomorrow, (milk, 1m)));

        Assert.Equal($"{gone.Name} is deactivated. Reactivate them before placing an order.", result.ErrorFor(nameof(OrderInput.CustomerId)));
    }

    [Fact]
    public async Task Staff_ordering_for_a_customer_that_does_not_exist_are_told_so_next_to_the_customer()
    {
        var result = await RefusedAsync(new OrderInput { CustomerId = int.MaxValue, DeliveryDate = Tomorrow, Lines = [new() { ProductId = milk.Id, Quantity = 1m }] });

        Assert.Equal("That customer does not exist.", result.ErrorFor(nameof(OrderInput.CustomerId)));
    }

    [Fact]
    public async Task Placing_an_order_writes_an_audit_entry_for_the_customer_in_the_same_change()
    {
        var id = await PlaceAsync(Order(customer, Tomorrow, (milk, 1.5m), (paneer, 2m)));

        var entry = Assert.Single(await AuditAsync(id));
        Assert.Equal((AuditActions.OrderPlaced, customer.Id, staff.UserId), (entry.Action, entry.CustomerId, entry.ActorUserId));
        Assert.Equal(
            $"Placed order #{id} for {customer.Name} for 25 Nov 2026: {milk.Name} (1.5 litres), {paneer.Name} (2 packs); total ₹275.00",
            entry.Summary);
    }

    [Fact]
    public async Task Cancelling_before_the_cut_off_marks_the_order_cancelled_keeps_its_lines_and_is_audited()
    {
        var id = await PlaceAsync(Order(customer, Tomorrow, (milk, 2m), (paneer, 1m)));
        fixture.Time.AdjustTime(JustBeforeCutoff);

        var result = await orders.CancelAsync(staff, id);

        Assert.True(result.Succeeded, result.GeneralError);
        var order = await LoadAsync(id);
        Assert.Equal((OrderStatus.Cancelled, (DateTimeOffset?)JustBeforeCutoff), (order.Status, order.CancelledAt));
        Assert.Equal([(milk.Id, 2m, 56m), (paneer.Id, 1m, 95.50m)], order.Lines.Select(l => (l.ProductId, l.Quantity, l.UnitPrice)));
        var audit = await AuditAsync(id);
        Assert.Equal([AuditActions.OrderPlaced, AuditActions.OrderCancelled], audit.Select(a => a.Action));
        Assert.Equal(customer.Id, audit[1].CustomerId);
        Assert.StartsWith($"Cancelled order #{id} for {customer.Name} for 25 Nov 2026", audit[1].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_from_the_cut_off_on_is_refused_and_changes_nothing()
    {
        var id = await PlaceAsync(Order(customer, Tomorrow, (milk, 1m)));
        fixture.Time.AdjustTime(AtCutoff);

        var result = await orders.CancelAsync(staff, id);

        Assert.False(result.Succeeded);
        Assert.Equal("Cancelling closed at 21:00 on 24 Nov 2026, the evening before delivery: the order is on the delivery sheet.", result.GeneralError);
        var order = await LoadAsync(id);
        Assert.Equal((OrderStatus.Pending, (DateTimeOffset?)null), (order.Status, order.CancelledAt));
        Assert.Single(await AuditAsync(id));
    }

    [Fact]
    public async Task Only_pending_orders_can_be_cancelled()
    {
        var cancelled = await PlaceAsync(Order(customer, Tomorrow.AddDays(1), (milk, 1m)));
        Assert.True((await orders.CancelAsync(staff, cancelled)).Succeeded);
        var delivered = await PlaceAsync(Order(customer, Tomorrow.AddDays(1), (paneer, 1m)));
        await using (var db = fixture.CreateContext())
        {
            await db.Orders.Where(o => o.Id == delivered).ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Delivered));
        }

        Assert.Equal("This order is already cancelled.", (await orders.CancelAsync(staff, cancelled)).GeneralError);
        Assert.Equal("This order is delivered; only pending orders can be cancelled.", (await orders.CancelAsync(staff, delivered)).GeneralError);
        Assert.Equal(OrderStatus.Delivered, (await LoadAsync(delivered)).Status);
        Assert.Equal("That order does not exist.", (await orders.CancelAsync(staff, int.MaxValue)).GeneralError);
    }

    [Fact]
    public async Task A_customer_places_and_cancels_their_own_orders()
    {
        var me = CallerFor(customer);

        var id = await PlaceAsync(Order(customer, Tomorrow, (milk, 1m)), by: me);
        var cancelled = await orders.CancelAsync(me, id);

        Assert.True(cancelled.Succeeded, cancelled.GeneralError);
        var order = await LoadAsync(id);
        Assert.Equal((OrderStatus.Cancelled, customer.UserId), (order.Status, order.CreatedByUserId));
        Assert.Equal([id], (await orders.GetForCustomerAsync(me, customer.Id)).Select(o => o.Id));
    }

    [Fact]
    public async Task A_customer_is_refused_the_same_way_for_another_customers_id_and_for_an_id_that_does_not_exist()
    {
        await using var db = fixture.CreateContext();
        var neighbour = await TestData.AddCustomerAsync(db);
        var theirOrder = await PlaceAsync(Order(neighbour, Tomorrow, (milk, 1m)));
        var me = CallerFor(customer);
        var before = await CountsAsync();

        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.PlaceAsync(me, Order(neighbour, Tomorrow, (milk, 1m))));
        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.PlaceAsync(me, new OrderInput { CustomerId = int.MaxValue, DeliveryDate = Tomorrow }));
        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.PlaceAsync(me, new OrderInput()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.CancelAsync(me, theirOrder));
        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.CancelAsync(me, int.MaxValue));
        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.GetForCustomerAsync(me, neighbour.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.GetForCustomerAsync(me, int.MaxValue));
        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.ListAsync(me, new OrderQuery()));

        Assert.Equal(before, await CountsAsync());
        Assert.Equal(OrderStatus.Pending, (await LoadAsync(theirOrder)).Status);
    }

    [Fact]
    public async Task A_delivery_agent_can_neither_place_nor_cancel_orders()
    {
        await using var db = fixture.CreateContext();
        var agent = Caller.For(await TestData.AddUserAsync(db, Roles.DeliveryAgent), Roles.DeliveryAgent);
        var id = await PlaceAsync(Order(customer, Tomorrow, (milk, 1m)));

        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.PlaceAsync(agent, Order(customer, Tomorrow, (milk, 1m))));
        await Assert.ThrowsAsync<AccessDeniedException>(() => orders.CancelAsync(agent, id));
        Assert.Equal(OrderStatus.Pending, (await LoadAsync(id)).Status);
    }
}
