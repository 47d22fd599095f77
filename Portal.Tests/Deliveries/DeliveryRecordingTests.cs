using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Domain.Deliveries;
using Portal.Domain.Orders;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Deliveries;

/// <summary>What a recording writes: the outcome, the thing it delivers (by foreign key), who and when — and the order it moves.</summary>
public sealed class DeliveryRecordingTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static readonly DateOnly Today = DeliveryGround.Today;
    private IServiceScope scope = null!;
    private DeliveryGround ground = null!;

    private DeliveryService Deliveries => scope.ServiceProvider.GetRequiredService<DeliveryService>();

    public async Task InitializeAsync()
    {
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        scope = fixture.Services.CreateScope();
        ground = await DeliveryGround.CreateAsync(fixture);
    }

    public Task DisposeAsync()
    {
        scope.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Delivered_in_full_records_the_planned_quantity_against_the_subscription_and_date()
    {
        var stop = await ground.AddStopAsync(daily: 2m);

        var recorded = ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(stop.Subscription)));

        var delivery = Assert.Single(await ground.DeliveriesOfAsync(stop.Subscription));
        Assert.Equal((stop.Subscription.Id, (int?)null, Today), (delivery.SubscriptionId!.Value, delivery.OrderLineId, delivery.DeliveryDate));
        Assert.Equal((DeliveryOutcome.Delivered, 2m, 2m), (delivery.Outcome, delivery.PlannedQuantity, delivery.DeliveredQuantity));
        Assert.Null(delivery.Reason);
        Assert.Equal(delivery.Id, recorded.DeliveryId);
        Assert.Equal(delivery.Version, recorded.Version);
        Assert.Equal(ground.AgentUser.DisplayName, recorded.RecordedBy);
    }

    [Fact]
    public async Task A_partial_delivery_records_how_much_of_the_planned_quantity_was_delivered()
    {
        var stop = await ground.AddStopAsync(daily: 10m);

        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Partial(stop.Subscription, 5m)));

        var delivery = Assert.Single(await ground.DeliveriesOfAsync(stop.Subscription));
        Assert.Equal((DeliveryOutcome.Partial, 10m, 5m), (delivery.Outcome, delivery.PlannedQuantity, delivery.DeliveredQuantity));
    }

    [Theory]
    [InlineData(NotDeliveredReason.CustomerAway, null)]
    [InlineData(NotDeliveredReason.Refused, null)]
    [InlineData(NotDeliveredReason.OutOfStock, null)]
    [InlineData(NotDeliveredReason.AddressNotFound, null)]
    [InlineData(NotDeliveredReason.Other, "Gate locked, dog in the yard")]
    public async Task Not_delivered_records_the_reason_and_nothing_delivered(NotDeliveredReason reason, string? note)
    {
        var stop = await ground.AddStopAsync(daily: 2m);

        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Missed(stop.Subscription, reason, note)));

        var delivery = Assert.Single(await ground.DeliveriesOfAsync(stop.Subscription));
        Assert.Equal((DeliveryOutcome.NotDelivered, 2m, 0m), (delivery.Outcome, delivery.PlannedQuantity, delivery.DeliveredQuantity));
        Assert.Equal((reason, note), (delivery.Reason!.Value, delivery.ReasonNote));
    }

    [Fact]
    public async Task Not_delivered_needs_a_reason_and_other_needs_a_note()
    {
        var stop = await ground.AddStopAsync();

        var noReason = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Missed(stop.Subscription, null));
        var otherWithoutNote = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Missed(stop.Subscription, NotDeliveredReason.Other, "  "));

        Assert.Equal("Choose why it was not delivered.", ResultAssert.Refused(noReason, "Reason").Message);
        Assert.Equal("Say what happened.", ResultAssert.Refused(otherWithoutNote, "ReasonNote").Message);
        Assert.Empty(await ground.DeliveriesOfAsync(stop.Subscription));
    }

    [Fact]
    public async Task An_order_line_delivery_references_the_line_and_records_the_office_user()
    {
        var order = await ground.AddOrderAsync(Today, (ground.Paneer, 3m));

        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.StaffRecorder, ground.Full(order.Lines[0])));

        var delivery = Assert.Single(await ground.DeliveriesOfAsync(order.Lines[0]));
        Assert.Null(delivery.SubscriptionId);
        Assert.Equal((Today, 3m, 3m), (delivery.DeliveryDate, delivery.PlannedQuantity, delivery.DeliveredQuantity));
        Assert.Equal(ground.StaffUser.Id, delivery.RecordedByUserId);
        Assert.Null(delivery.RecordedViaSharedLinkId);
    }

    [Fact]
    public async Task The_recorder_and_the_instant_are_stored_as_the_clock_says()
    {
        var stop = await ground.AddStopAsync();
        var at712Ist = new DateTimeOffset(2026, 11, 24, 1, 42, 13, 250, TimeSpan.Zero);
        fixture.Time.AdjustTime(at712Ist);

        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(stop.Subscription)));

        var delivery = Assert.Single(await ground.DeliveriesOfAsync(stop.Subscription));
        Assert.Equal(ground.AgentUser.Id, delivery.RecordedByUserId);
        Assert.Null(delivery.RecordedViaSharedLinkId);
        Assert.Equal(at712Ist, delivery.RecordedAt);
        await using var db = fixture.CreateContext();
        var type = await db.Database.SqlQuery<string>(
            $"SELECT data_type AS \"Value\" FROM information_schema.columns WHERE table_name = 'deliveries' AND column_name = 'recorded_at'").SingleAsync();
        Assert.Equal("timestamp with time zone", type);
    }

    [Fact]
    public async Task An_order_is_delivered_when_every_line_is_delivered()
    {
        var order = await ground.AddOrderAsync(Today, (ground.Milk, 2m), (ground.Paneer, 1m));

        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(order.Lines[0])));
        var afterOne = await ground.StatusOfAsync(order);
        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(order.Lines[1])));

        Assert.Equal(OrderStatus.PartiallyDelivered, afterOne);
        Assert.Equal(OrderStatus.Delivered, await ground.StatusOfAsync(order));
    }

    [Fact]
    public async Task An_order_is_not_delivered_when_no_line_is_delivered()
    {
        var order = await ground.AddOrderAsync(Today, (ground.Milk, 2m), (ground.Paneer, 1m));

        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Missed(order.Lines[0], NotDeliveredReason.OutOfStock)));
        var afterOne = await ground.StatusOfAsync(order);
        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Missed(order.Lines[1], NotDeliveredReason.OutOfStock)));

        Assert.Equal(OrderStatus.Pending, afterOne);
        Assert.Equal(OrderStatus.NotDelivered, await ground.StatusOfAsync(order));
    }

    [Fact]
    public async Task An_order_with_a_mix_of_outcomes_is_partially_delivered()
    {
        var mixed = await ground.AddOrderAsync(Today, (ground.Milk, 2m), (ground.Paneer, 1m));
        var halfOfOneLine = await ground.AddOrderAsync(Today, (ground.Milk, 4m));

        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(mixed.Lines[0])));
        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Missed(mixed.Lines[1], NotDeliveredReason.Refused)));
        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Partial(halfOfOneLine.Lines[0], 2m)));

        Assert.Equal(OrderStatus.PartiallyDelivered, await ground.StatusOfAsync(mixed));
        Assert.Equal(OrderStatus.PartiallyDelivered, await ground.StatusOfAsync(halfOfOneLine));
    }

    [Fact]
    public async Task Correcting_a_line_moves_its_order_again()
    {
        var order = await ground.AddOrderAsync(Today, (ground.Milk, 2m));
        var first = ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(order.Lines[0])));
        Assert.Equal(OrderStatus.Delivered, await ground.StatusOfAsync(order));

        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Missed(order.Lines[0], version: first.Version)));

        Assert.Equal(OrderStatus.NotDelivered, await ground.StatusOfAsync(order));
        Assert.Single(await ground.DeliveriesOfAsync(order.Lines[0]));
    }

    [Fact]
    public async Task When_the_order_cannot_be_updated_no_delivery_is_recorded_either()
    {
        var order = await ground.AddOrderAsync(Today, (ground.Milk, 2m));
        Exception? thrown;
        await using (await TestTrigger.CreateAsync(fixture, "BEFORE UPDATE", "orders", $"NEW.id = {order.Id}", "RAISE EXCEPTION 'order refused by the test'"))
        {
            thrown = await Record.ExceptionAsync(() => Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(order.Lines[0])));
        }

        Assert.Equal("order refused by the test", Assert.IsType<PostgresException>(thrown?.InnerException).MessageText);
        Assert.Empty(await ground.DeliveriesOfAsync(order.Lines[0]));
        Assert.Equal(OrderStatus.Pending, await ground.StatusOfAsync(order));
    }

    [Fact]
    public async Task When_the_delivery_cannot_be_written_the_order_keeps_its_status()
    {
        var order = await ground.AddOrderAsync(Today, (ground.Milk, 2m), (ground.Paneer, 1m));
        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(order.Lines[0])));
        Exception? thrown;
        await using (await TestTrigger.CreateAsync(fixture, "BEFORE INSERT", "deliveries", $"NEW.order_line_id = {order.Lines[1].Id}", "RAISE EXCEPTION 'line refused by the test'"))
        {
            thrown = await Record.ExceptionAsync(() => Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(order.Lines[1])));
        }

        Assert.Equal("line refused by the test", Assert.IsType<PostgresException>(thrown?.InnerException).MessageText);
        Assert.Empty(await ground.DeliveriesOfAsync(order.Lines[1]));
        Assert.Equal(OrderStatus.PartiallyDelivered, await ground.StatusOfAsync(order));
    }
}
