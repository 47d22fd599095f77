using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Deliveries;
using Portal.Domain.Common;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

/// <summary>The control an agent taps at each stop, against the real delivery service and database.</summary>
public sealed class DeliveryStopControlTests : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly DatabaseFixture database;
    private PortalUser agent = null!;
    private DeliveryRoute route = null!;
    private Product milk = null!;
    private Product paneer = null!;

    public DeliveryStopControlTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
    }

    private DateOnly Today => Services.GetRequiredService<PortalClock>().Today;

    private Recorder Agent => Recorder.Person(Caller.For(agent, Roles.DeliveryAgent));

    public async Task InitializeAsync()
    {
        await using var db = database.CreateContext();
        agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        route = await TestData.AddRouteAsync(db, agent);
        milk = await TestData.AddProductAsync(db, unit: ProductUnit.Litre);
        paneer = await TestData.AddProductAsync(db, unit: ProductUnit.Pack);
        SignInAs(Roles.DeliveryAgent, agent.Id, agent.DisplayName);
    }

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    /// <summary>A customer of their own on the route with <paramref name="litres"/> of milk due today, as the sheet shows it.</summary>
    private async Task<SheetItem> MilkDueAsync(decimal litres)
    {
        await using var db = database.CreateContext();
        var customer = await TestData.AddCustomerAsync(db, route);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, Today.AddDays(-7), TestData.Daily(litres));
        return await ItemAsync(i => i.Due.SubscriptionId == subscription.Id);
    }

    private async Task<SheetItem> ItemAsync(Func<SheetItem, bool> which)
    {
        var sheet = await Services.GetRequiredService<DeliveryService>().GetSheetAsync(Agent, route.Id, Today);
        return sheet.Stops.SelectMany(s => s.Items).Single(which);
    }

    private IRenderedComponent<DeliveryItemControl> RenderItem(SheetItem item, List<SheetItem>? recorded = null, Action? stale = null)
    {
        RenderPopoverProvider();
        return Render<DeliveryItemControl>(parameters => parameters
            .Add(p => p.Item, item)
            .Add(p => p.RouteId, route.Id)
            .Add(p => p.Date, Today)
            .Add(p => p.Recorder, Agent)
            .Add(p => p.OnRecorded, (SheetItem now) => recorded?.Add(now))
            .Add(p => p.OnStale, () => stale?.Invoke()));
    }

    private async Task<List<Delivery>> StoredAsync(SheetItem item)
    {
        await using var db = database.CreateContext();
        return await db.Deliveries.AsNoTracking()
            .Where(d => item.Due.SubscriptionId != null
                ? d.SubscriptionId == item.Due.SubscriptionId && d.DeliveryDate == Today
                : d.OrderLineId == item.Due.OrderLineId)
            .ToListAsync();
    }

    private static void Click(IRenderedComponent<DeliveryItemControl> control, string testId) =>
        control.Find($"[data-testid={testId}]").Click();

    [Fact]
    public async Task One_tap_on_delivered_records_the_full_quantity_and_shows_it_with_who_and_when()
    {
        var item = await MilkDueAsync(2m);
        var recorded = new List<SheetItem>();
        var control = RenderItem(item, recorded);

        Click(control, "item-delivered");

        control.WaitForAssertion(() => Assert.Equal("Delivered 2 L", control.Find("[data-testid=item-outcome-text]").TextContent.Trim()));
        Assert.Equal($"{agent.DisplayName} · 19:00", control.Find("[data-testid=item-recorded-by]").TextContent.Trim());
        Assert.Empty(control.FindAll("[data-testid=item-delivered]"));
        var stored = Assert.Single(await StoredAsync(item));
        Assert.Equal(DeliveryOutcome.Delivered, stored.Outcome);
        Assert.Equal(2m, stored.DeliveredQuantity);
        Assert.Equal(agent.Id, stored.RecordedByUserId);
        Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(recorded).Recorded?.Outcome);
    }

    [Fact]
    public async Task A_part_delivery_of_the_whole_planned_quantity_is_refused_next_to_the_field_and_nothing_is_stored()
    {
        var item = await MilkDueAsync(10m);
        var control = RenderItem(item);
        Click(control, "item-part");

        control.Find("input[data-testid=part-quantity]").Input("10");
        Click(control, "save-part");

        control.WaitForAssertion(() => Assert.Contains("A part delivery is more than 0 and less than the 10 planned.", control.Markup));
        Assert.Empty(await StoredAsync(item));
        Assert.Empty(control.FindAll("[data-testid=item-outcome]"));
    }

    [Fact]
    public async Task A_part_delivery_starts_at_half_steps_below_the_planned_quantity_and_records_what_was_left()
    {
        var item = await MilkDueAsync(10m);
        var control = RenderItem(item);
        Click(control, "item-part");
        Assert.Equal("5", control.Find("input[data-testid=part-quantity]").GetAttribute("value"));

        for (var i = 0; i < 9; i++)
        {
            Click(control, "part-more");
        }

        Assert.Equal("9.5", control.Find("input[data-testid=part-quantity]").GetAttribute("value"));
        Assert.True(control.Find("button[data-testid=part-more]").HasAttribute("disabled"));
        Click(control, "save-part");
        control.WaitForAssertion(() => Assert.Equal("Part: 9.5 of 10 L", control.Find("[data-testid=item-outcome-text]").TextContent.Trim()));
        var stored = Assert.Single(await StoredAsync(item));
        Assert.Equal((DeliveryOutcome.Partial, 9.5m, 10m), (stored.Outcome, stored.DeliveredQuantity, stored.PlannedQuantity));
    }

    [Fact]
    public async Task Not_delivered_needs_a_reason_and_stores_nothing_until_one_is_chosen()
    {
        var item = await MilkDueAsync(1m);
        var control = RenderItem(item);
        Click(control, "item-not-delivered");

        Click(control, "save-not-delivered");

        control.WaitForAssertion(() => Assert.Equal("Choose why it was not delivered.", control.Find("[data-testid=reason-error]").TextContent.Trim()));
        Assert.Empty(await StoredAsync(item));

        Click(control, "reason-CustomerAway");
        Click(control, "save-not-delivered");

        control.WaitForAssertion(() => Assert.Equal("Not delivered: Customer away", control.Find("[data-testid=item-outcome-text]").TextContent.Trim()));
        var stored = Assert.Single(await StoredAsync(item));
        Assert.Equal((DeliveryOutcome.NotDelivered, NotDeliveredReason.CustomerAway, 0m), (stored.Outcome, stored.Reason, stored.DeliveredQuantity));
    }

    [Fact]
    public async Task Other_as_the_reason_needs_a_note_saying_what_happened()
    {
        var item = await MilkDueAsync(1m);
        var control = RenderItem(item);
        Click(control, "item-not-delivered");
        Click(control, "reason-Other");

        Click(control, "save-not-delivered");
        control.WaitForAssertion(() => Assert.Contains("Say what happened.", control.Markup));
        Assert.Empty(await StoredAsync(item));

        control.Find("[data-testid=reason-note] input, input[data-testid=reason-note]").Input("Gate locked, dog in the yard");
        Click(control, "save-not-delivered");

        control.WaitForAssertion(() => Assert.Equal("Not delivered: Gate locked, dog in the yard", control.Find("[data-testid=item-outcome-text]").TextContent.Trim()));
        var stored = Assert.Single(await StoredAsync(item));
        Assert.Equal((NotDeliveredReason.Other, "Gate locked, dog in the yard"), (stored.Reason, stored.ReasonNote));
    }

    [Fact]
    public async Task A_recorded_item_is_corrected_in_place_never_recorded_twice()
    {
        var item = await MilkDueAsync(2m);
        await Services.GetRequiredService<DeliveryService>().RecordAsync(Agent,
            new RecordInput(route.Id, Today, item.Due.SubscriptionId, null, DeliveryOutcome.Delivered));
        var control = RenderItem(await ItemAsync(i => i.Due.SubscriptionId == item.Due.SubscriptionId));
        Assert.Equal("Delivered 2 L", control.Find("[data-testid=item-outcome-text]").TextContent.Trim());

        Click(control, "item-change");
        Click(control, "item-not-delivered");
        Click(control, "reason-Refused");
        Click(control, "save-not-delivered");

        control.WaitForAssertion(() => Assert.Equal("Not delivered: Refused", control.Find("[data-testid=item-outcome-text]").TextContent.Trim()));
        var stored = Assert.Single(await StoredAsync(item));
        Assert.Equal((DeliveryOutcome.NotDelivered, 0m), (stored.Outcome, stored.DeliveredQuantity));
    }

    [Fact]
    public async Task Someone_else_recording_the_stop_first_gets_their_name_and_time_and_asks_the_sheet_to_reload()
    {
        var item = await MilkDueAsync(1m);
        var stale = 0;
        var control = RenderItem(item, stale: () => stale++);
        await using (var db = database.CreateContext())
        {
            var staff = await TestData.AddUserAsync(db, Roles.Staff);
            var first = await Services.GetRequiredService<DeliveryService>().RecordAsync(Recorder.Person(Caller.For(staff, Roles.Staff)),
                new RecordInput(route.Id, Today, item.Due.SubscriptionId, null, DeliveryOutcome.NotDelivered, Reason: NotDeliveredReason.OutOfStock));
            Assert.True(first.Succeeded);

            Click(control, "item-delivered");

            control.WaitForAssertion(() => Assert.StartsWith($"Already recorded by {staff.DisplayName} at 19:00.",
                control.Find("[data-testid=item-problem]").TextContent.Trim()));
        }
        Assert.Equal(1, stale);
        var stored = Assert.Single(await StoredAsync(item));
        Assert.Equal(DeliveryOutcome.NotDelivered, stored.Outcome);
    }

    [Fact]
    public async Task A_billed_item_shows_a_lock_and_offers_no_controls()
    {
        var item = await MilkDueAsync(1m);
        await using (var db = database.CreateContext())
        {
            var subscription = await db.Subscriptions.Include(s => s.Customer).SingleAsync(s => s.Id == item.Due.SubscriptionId);
            var delivery = await TestData.AddDeliveryAsync(db, subscription, Today, agent);
            await TestData.AddInvoiceAsync(db, subscription.Customer, agent, delivery);
        }

        var control = RenderItem(await ItemAsync(i => i.Due.SubscriptionId == item.Due.SubscriptionId));

        Assert.Contains("Billed", control.Find("[data-testid=item-locked]").TextContent);
        Assert.Empty(control.FindAll("button"));
    }

    [Fact]
    public async Task A_one_time_order_line_recorded_from_the_sheet_moves_its_order_to_delivered()
    {
        Order order;
        await using (var db = database.CreateContext())
        {
            var customer = await TestData.AddCustomerAsync(db, route);
            order = await TestData.AddOrderAsync(db, customer, Today, (paneer, 2m));
        }
        var item = await ItemAsync(i => i.Due.OrderId == order.Id);
        var control = RenderItem(item);
        Assert.Equal("Order", control.Find("[data-testid=item-order]").TextContent.Trim());
        Assert.Equal("2 packs", control.Find("[data-testid=item-planned]").TextContent.Trim());

        Click(control, "item-delivered");

        control.WaitForAssertion(() => Assert.Equal("Delivered 2 packs", control.Find("[data-testid=item-outcome-text]").TextContent.Trim()));
        await using var check = database.CreateContext();
        Assert.Equal(OrderStatus.Delivered, (await check.Orders.SingleAsync(o => o.Id == order.Id)).Status);
    }

    [Fact]
    public async Task One_pack_planned_cannot_be_part_delivered()
    {
        Order order;
        await using (var db = database.CreateContext())
        {
            var customer = await TestData.AddCustomerAsync(db, route);
            order = await TestData.AddOrderAsync(db, customer, Today, (paneer, 1m));
        }

        var control = RenderItem(await ItemAsync(i => i.Due.OrderId == order.Id));

        Assert.True(control.Find("button[data-testid=item-part]").HasAttribute("disabled"));
        Assert.False(control.Find("button[data-testid=item-delivered]").HasAttribute("disabled"));
    }
}
