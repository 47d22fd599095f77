using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Customers;
using Portal.Domain.Deliveries;
using Portal.Domain.Orders;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;
using Portal.Tests.Schema;

namespace Portal.Tests.Deliveries;

/// <summary>Only what is due, only up to today, within the planned quantity; corrected in place, never duplicated; locked once billed.</summary>
public sealed class DeliveryRulesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private const string NotOnSheet = "That item is not on this sheet.";
    private const string NothingDueToday = "Nothing is due for this item on 24 Nov 2026.";
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
    public async Task Nothing_can_be_recorded_for_a_future_date()
    {
        var stop = await ground.AddStopAsync();
        var order = await ground.AddOrderAsync(Today.AddDays(1), (ground.Milk, 1m));

        var subscription = await Deliveries.RecordAsync(ground.StaffRecorder, ground.Full(stop.Subscription, Today.AddDays(1)));
        var line = await Deliveries.RecordAsync(ground.StaffRecorder, ground.Full(order.Lines[0]) with { Date = Today.AddDays(1) });

        Assert.Equal("Deliveries cannot be recorded for a future date.", ResultAssert.Refused(subscription).Message);
        Assert.Equal("Deliveries cannot be recorded for a future date.", ResultAssert.Refused(line).Message);
        Assert.Empty(await ground.DeliveriesOfAsync(stop.Subscription));
        Assert.Empty(await ground.DeliveriesOfAsync(order.Lines[0]));
        Assert.Equal(OrderStatus.Pending, await ground.StatusOfAsync(order));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(10.5)]
    public async Task A_part_delivery_is_more_than_nothing_and_less_than_planned(decimal delivered)
    {
        var stop = await ground.AddStopAsync(daily: 10m);

        var result = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Partial(stop.Subscription, delivered));

        Assert.Equal("A part delivery is more than 0 and less than the 10 planned.", ResultAssert.Refused(result, "DeliveredQuantity").Message);
        Assert.Empty(await ground.DeliveriesOfAsync(stop.Subscription));
    }

    [Fact]
    public async Task A_part_delivery_needs_a_quantity_and_whole_units_stay_whole()
    {
        var stop = await ground.AddStopAsync(daily: 10m);
        var order = await ground.AddOrderAsync(Today, (ground.Paneer, 3m));

        var missing = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Partial(stop.Subscription, 0m) with { DeliveredQuantity = null });
        var tooPrecise = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Partial(stop.Subscription, 2.0005m));
        var halfAPiece = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Partial(order.Lines[0], 1.5m));

        Assert.Equal("Enter how much was delivered.", ResultAssert.Refused(missing, "DeliveredQuantity").Message);
        Assert.Equal("Use at most 3 decimals.", ResultAssert.Refused(tooPrecise, "DeliveredQuantity").Message);
        Assert.Equal("This product is counted in whole pieces or packs.", ResultAssert.Refused(halfAPiece, "DeliveredQuantity").Message);
        Assert.Empty(await ground.DeliveriesOfAsync(stop.Subscription));
        Assert.Empty(await ground.DeliveriesOfAsync(order.Lines[0]));
    }

    [Fact]
    public async Task The_database_refuses_delivered_above_planned_or_below_zero()
    {
        var stop = await ground.AddStopAsync(daily: 2m);
        var recorded = ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Partial(stop.Subscription, 1m)));
        await using var db = fixture.CreateContext();

        foreach (var delivered in new[] { 3m, -1m })
        {
            // Both checks forbid it (a partial delivery is also below planned and above 0); PostgreSQL names the first it tries.
            var refusal = await PostgresAssert.RefusesAsync("23514", null, () =>
                db.Database.ExecuteSqlAsync($"UPDATE deliveries SET delivered_quantity = {delivered} WHERE id = {recorded.DeliveryId}"));
            Assert.Contains(refusal.ConstraintName, new[] { "ck_deliveries_quantities", "ck_deliveries_outcome" });
        }
        Assert.Equal(1m, Assert.Single(await ground.DeliveriesOfAsync(stop.Subscription)).DeliveredQuantity);
    }

    [Fact]
    public async Task A_paused_day_has_nothing_to_record()
    {
        var stop = await ground.AddStopAsync();
        await using (var db = fixture.CreateContext())
        {
            db.SubscriptionPauses.Add(new SubscriptionPause
            {
                SubscriptionId = stop.Subscription.Id, FromDate = Today.AddDays(-1), ToDate = Today.AddDays(2), CreatedAt = TestData.Now,
            });
            await db.SaveChangesAsync();
        }

        var result = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(stop.Subscription));

        Assert.Equal(NothingDueToday, ResultAssert.Refused(result).Message);
        Assert.Empty(await ground.DeliveriesOfAsync(stop.Subscription));
    }

    [Fact]
    public async Task A_skipped_day_and_an_off_day_have_nothing_to_record()
    {
        var skipped = await ground.AddStopAsync();
        var alternate = await ground.AddStopAsync(schedule: TestData.EveryNDays(2, 1m), start: Today.AddDays(-1));
        await using (var db = fixture.CreateContext())
        {
            db.SubscriptionOverrides.Add(new SubscriptionOverride { SubscriptionId = skipped.Subscription.Id, Date = Today, Quantity = 0m, CreatedAt = TestData.Now });
            await db.SaveChangesAsync();
        }

        var skip = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(skipped.Subscription));
        var off = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(alternate.Subscription));

        Assert.Equal(NothingDueToday, ResultAssert.Refused(skip).Message);
        Assert.Equal(NothingDueToday, ResultAssert.Refused(off).Message);
        Assert.Empty(await ground.DeliveriesOfAsync(skipped.Subscription));
        Assert.Empty(await ground.DeliveriesOfAsync(alternate.Subscription));
    }

    [Fact]
    public async Task Another_routes_customer_is_not_on_this_sheet()
    {
        Domain.Routes.DeliveryRoute otherRoute;
        OrderLine otherLine;
        await using (var db = fixture.CreateContext())
        {
            otherRoute = await TestData.AddRouteAsync(db, ground.AgentUser);
            var customer = await TestData.AddCustomerAsync(db, otherRoute);
            otherLine = (await TestData.AddOrderAsync(db, customer, Today, (ground.Milk, 1m))).Lines[0];
        }
        var elsewhere = await ground.AddStopAsync(route: otherRoute);

        var subscription = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(elsewhere.Subscription));
        var line = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(otherLine));

        Assert.Equal(NotOnSheet, ResultAssert.Refused(subscription).Message);
        Assert.Equal(NotOnSheet, ResultAssert.Refused(line).Message);
        Assert.Empty(await ground.DeliveriesOfAsync(elsewhere.Subscription));
        Assert.Empty(await ground.DeliveriesOfAsync(otherLine));
    }

    [Fact]
    public async Task A_cancelled_order_or_one_for_another_day_is_not_on_this_sheet()
    {
        var cancelled = await ground.AddOrderAsync(Today, (ground.Milk, 1m));
        var yesterdays = await ground.AddOrderAsync(Today.AddDays(-1), (ground.Milk, 1m));
        await using (var db = fixture.CreateContext())
        {
            await db.Orders.Where(o => o.Id == cancelled.Id)
                .ExecuteUpdateAsync(o => o.SetProperty(x => x.Status, OrderStatus.Cancelled).SetProperty(x => x.CancelledAt, TestData.Now));
        }

        var cancelledLine = await Deliveries.RecordAsync(ground.StaffRecorder, ground.Full(cancelled.Lines[0]));
        var wrongDay = await Deliveries.RecordAsync(ground.StaffRecorder, ground.Full(yesterdays.Lines[0]));

        Assert.Equal(NotOnSheet, ResultAssert.Refused(cancelledLine).Message);
        Assert.Equal(NotOnSheet, ResultAssert.Refused(wrongDay).Message);
        Assert.Empty(await ground.DeliveriesOfAsync(cancelled.Lines[0]));
        Assert.Empty(await ground.DeliveriesOfAsync(yesterdays.Lines[0]));
        Assert.Equal(OrderStatus.Cancelled, await ground.StatusOfAsync(cancelled));
    }

    [Fact]
    public async Task An_inactive_customer_and_an_ended_subscription_have_nothing_on_the_sheet()
    {
        var inactive = await ground.AddStopAsync();
        var ended = await ground.AddStopAsync();
        await using (var db = fixture.CreateContext())
        {
            await db.Customers.Where(c => c.Id == inactive.Customer.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.Status, CustomerStatus.Inactive));
            await db.Subscriptions.Where(s => s.Id == ended.Subscription.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndDate, Today.AddDays(-1)).SetProperty(x => x.Status, SubscriptionStatus.Cancelled));
        }

        var inactiveResult = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(inactive.Subscription));
        var endedResult = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(ended.Subscription));

        Assert.Equal(NotOnSheet, ResultAssert.Refused(inactiveResult).Message);
        Assert.Equal(NothingDueToday, ResultAssert.Refused(endedResult).Message);
        var sheet = await Deliveries.GetSheetAsync(ground.AgentRecorder, ground.Route.Id, Today);
        Assert.DoesNotContain(sheet.Stops, s => s.CustomerId == inactive.Customer.Id || s.CustomerId == ended.Customer.Id);
    }

    [Fact]
    public async Task A_correction_updates_the_one_record_in_place_and_audits_before_and_after()
    {
        var stop = await ground.AddStopAsync(daily: 2m);
        var first = ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(stop.Subscription)));
        fixture.Time.Advance(TimeSpan.FromMinutes(20));

        var corrected = ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.StaffRecorder, ground.Partial(stop.Subscription, 1.5m, version: first.Version)));

        var delivery = Assert.Single(await ground.DeliveriesOfAsync(stop.Subscription));
        Assert.Equal(first.DeliveryId, delivery.Id);
        Assert.Equal((DeliveryOutcome.Partial, 1.5m, 2m), (delivery.Outcome, delivery.DeliveredQuantity, delivery.PlannedQuantity));
        Assert.Equal((ground.StaffUser.Id, fixture.Time.GetUtcNow()), (delivery.RecordedByUserId!, delivery.RecordedAt));
        Assert.NotEqual(first.Version, corrected.Version);
        await using var db = fixture.CreateContext();
        var audit = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == DeliveryService.EntityType && a.CustomerId == stop.Customer.Id).ToListAsync();
        var entry = Assert.Single(audit);
        Assert.Equal((AuditActions.DeliveryCorrected, ground.StaffUser.Id), (entry.Action, entry.ActorUserId!));
        using var before = JsonDocument.Parse(entry.Before!);
        using var after = JsonDocument.Parse(entry.After!);
        Assert.Equal(("Delivered", 2m), (before.RootElement.GetProperty("Outcome").GetString(), before.RootElement.GetProperty("Delivered").GetDecimal()));
        Assert.Equal(("Partial", 1.5m), (after.RootElement.GetProperty("Outcome").GetString(), after.RootElement.GetProperty("Delivered").GetDecimal()));
        Assert.Contains("delivered 1.5 of 2", entry.Summary);
    }

    [Fact]
    public async Task A_second_first_recording_is_told_who_recorded_it_and_when()
    {
        var stop = await ground.AddStopAsync(daily: 2m);
        fixture.Time.AdjustTime(new DateTimeOffset(2026, 11, 24, 7, 12, 40, TimeSpan.FromHours(5.5)).ToUniversalTime());
        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(stop.Subscription)));
        fixture.Time.Advance(TimeSpan.FromMinutes(3));

        var second = await Deliveries.RecordAsync(ground.StaffRecorder, ground.Missed(stop.Subscription, NotDeliveredReason.Refused));

        Assert.StartsWith($"Already recorded by {ground.AgentUser.DisplayName} at 07:12.", ResultAssert.Refused(second).Message);
        var delivery = Assert.Single(await ground.DeliveriesOfAsync(stop.Subscription));
        Assert.Equal((DeliveryOutcome.Delivered, ground.AgentUser.Id), (delivery.Outcome, delivery.RecordedByUserId!));
    }

    [Fact]
    public async Task A_correction_made_from_an_old_version_is_refused()
    {
        var order = await ground.AddOrderAsync(Today, (ground.Milk, 2m));
        var first = ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(order.Lines[0])));
        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.StaffRecorder, ground.Partial(order.Lines[0], 1m, first.Version)));

        var stale = await Deliveries.RecordAsync(ground.AgentRecorder, ground.Missed(order.Lines[0], NotDeliveredReason.Refused, first.Version));

        Assert.StartsWith($"Already recorded by {ground.StaffUser.DisplayName} at 19:00.", ResultAssert.Refused(stale).Message);
        Assert.Equal(DeliveryOutcome.Partial, Assert.Single(await ground.DeliveriesOfAsync(order.Lines[0])).Outcome);
        Assert.Equal(OrderStatus.PartiallyDelivered, await ground.StatusOfAsync(order));
    }

    [Fact]
    public async Task A_billed_delivery_is_locked_and_says_on_which_invoice()
    {
        var stop = await ground.AddStopAsync(daily: 2m);
        var recorded = ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(stop.Subscription)));
        string number;
        await using (var db = fixture.CreateContext())
        {
            var delivery = await db.Deliveries.SingleAsync(d => d.Id == recorded.DeliveryId);
            number = (await TestData.AddInvoiceAsync(db, stop.Customer, ground.StaffUser, delivery)).Number;
        }

        var correction = await Deliveries.RecordAsync(ground.StaffRecorder, ground.Missed(stop.Subscription, NotDeliveredReason.Refused, version: recorded.Version));

        Assert.Equal($"This delivery is billed on invoice {number} and can no longer be changed.", ResultAssert.Refused(correction).Message);
        var unchanged = Assert.Single(await ground.DeliveriesOfAsync(stop.Subscription));
        Assert.Equal((DeliveryOutcome.Delivered, 2m, recorded.Version), (unchanged.Outcome, unchanged.DeliveredQuantity, unchanged.Version));
        var sheet = await Deliveries.GetSheetAsync(ground.StaffRecorder, ground.Route.Id, Today);
        Assert.True(sheet.Stops.Single(s => s.CustomerId == stop.Customer.Id).Items.Single().Recorded!.Billed);
    }
}
