using System.Security.Cryptography;
using Npgsql;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.SharedLinks;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Schema;

/// <summary>A delivery record is about exactly one thing due, recorded once, by someone, with quantities and outcome that agree.</summary>
public sealed class DeliveryConstraintTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly DateOnly Day = new(2026, 11, 25);

    private sealed record Due(PortalUser Agent, Subscription Subscription, OrderLine Line);

    private async Task<Due> ArrangeAsync()
    {
        await using var db = fixture.CreateContext();
        var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        var customer = await TestData.AddCustomerAsync(db);
        var product = await TestData.AddProductAsync(db);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, product, Day.AddDays(-7), TestData.Daily(2m));
        var order = await TestData.AddOrderAsync(db, customer, Day, (product, 2m));
        return new Due(agent, subscription, order.Lines[0]);
    }

    /// <summary>A valid record of 2 planned, 2 delivered, by the agent; the tests break one thing each.</summary>
    private static Delivery Delivered(Due due, int? subscriptionId, int? orderLineId) => new()
    {
        SubscriptionId = subscriptionId,
        OrderLineId = orderLineId,
        DeliveryDate = Day,
        PlannedQuantity = 2m,
        DeliveredQuantity = 2m,
        Outcome = DeliveryOutcome.Delivered,
        RecordedByUserId = due.Agent.Id,
        RecordedAt = TestData.Now,
    };

    private async Task RefusesAsync(string sqlState, string? constraint, params Delivery[] deliveries)
    {
        await using var db = fixture.CreateContext();
        db.Deliveries.AddRange(deliveries);
        await PostgresAssert.RefusesAsync(sqlState, constraint, () => db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_delivery_for_a_subscription_date_and_one_for_an_order_line_are_accepted()
    {
        var due = await ArrangeAsync();
        await using var db = fixture.CreateContext();
        db.Deliveries.AddRange(Delivered(due, due.Subscription.Id, null), Delivered(due, null, due.Line.Id));

        Assert.Equal(2, await db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_delivery_for_both_a_subscription_and_an_order_line_is_refused()
    {
        var due = await ArrangeAsync();

        await RefusesAsync(PostgresErrorCodes.CheckViolation, "ck_deliveries_one_target", Delivered(due, due.Subscription.Id, due.Line.Id));
    }

    [Fact]
    public async Task A_delivery_for_neither_a_subscription_nor_an_order_line_is_refused()
    {
        var due = await ArrangeAsync();

        await RefusesAsync(PostgresErrorCodes.CheckViolation, "ck_deliveries_one_target", Delivered(due, null, null));
    }

    [Fact]
    public async Task A_second_delivery_for_the_same_subscription_and_date_is_refused()
    {
        var due = await ArrangeAsync();
        await using (var db = fixture.CreateContext())
        {
            await TestData.AddDeliveryAsync(db, due.Subscription, Day, due.Agent, planned: 2m);
        }

        await RefusesAsync(PostgresErrorCodes.UniqueViolation, "ix_deliveries_subscription_id_delivery_date", Delivered(due, due.Subscription.Id, null));
    }

    [Fact]
    public async Task A_delivery_for_the_same_subscription_on_the_next_date_is_accepted()
    {
        var due = await ArrangeAsync();
        await using var db = fixture.CreateContext();
        await TestData.AddDeliveryAsync(db, due.Subscription, Day, due.Agent, planned: 2m);

        var next = await TestData.AddDeliveryAsync(db, due.Subscription, Day.AddDays(1), due.Agent, planned: 2m);

        Assert.True(next.Id > 0);
    }

    [Fact]
    public async Task A_second_delivery_for_the_same_order_line_is_refused()
    {
        var due = await ArrangeAsync();
        await using (var db = fixture.CreateContext())
        {
            await TestData.AddDeliveryAsync(db, due.Line, due.Agent);
        }

        await RefusesAsync(PostgresErrorCodes.UniqueViolation, "ix_deliveries_order_line_id", Delivered(due, null, due.Line.Id));
    }

    [Theory]
    [InlineData(-1.0, DeliveryOutcome.Partial)]
    [InlineData(-0.5, DeliveryOutcome.NotDelivered)]
    [InlineData(2.5, DeliveryOutcome.Delivered)]
    [InlineData(3.0, DeliveryOutcome.Partial)]
    public async Task A_delivered_quantity_below_zero_or_above_planned_is_refused(double delivered, DeliveryOutcome outcome)
    {
        var due = await ArrangeAsync();
        var delivery = Delivered(due, due.Subscription.Id, null);
        delivery.DeliveredQuantity = (decimal)delivered;
        delivery.Outcome = outcome;
        delivery.Reason = outcome == DeliveryOutcome.NotDelivered ? NotDeliveredReason.CustomerAway : null;

        await using var db = fixture.CreateContext();
        db.Deliveries.Add(delivery);
        var refusal = await PostgresAssert.RefusesAsync(PostgresErrorCodes.CheckViolation, null, () => db.SaveChangesAsync());

        // Both checks refuse such a row; PostgreSQL reports the first by name.
        Assert.Contains(refusal.ConstraintName, new[] { "ck_deliveries_outcome", "ck_deliveries_quantities" });
    }

    [Fact]
    public async Task A_planned_quantity_of_zero_is_refused()
    {
        var due = await ArrangeAsync();
        var delivery = Delivered(due, due.Subscription.Id, null);
        delivery.PlannedQuantity = 0m;
        delivery.DeliveredQuantity = 0m;
        delivery.Outcome = DeliveryOutcome.NotDelivered;
        delivery.Reason = NotDeliveredReason.Other;

        await RefusesAsync(PostgresErrorCodes.CheckViolation, "ck_deliveries_quantities", delivery);
    }

    [Theory]
    [InlineData(DeliveryOutcome.Delivered, 1.5, null)]
    [InlineData(DeliveryOutcome.Delivered, 2.0, NotDeliveredReason.Refused)]
    [InlineData(DeliveryOutcome.Partial, 2.0, null)]
    [InlineData(DeliveryOutcome.Partial, 0.0, null)]
    [InlineData(DeliveryOutcome.NotDelivered, 0.0, null)]
    [InlineData(DeliveryOutcome.NotDelivered, 1.0, NotDeliveredReason.CustomerAway)]
    public async Task An_outcome_that_does_not_match_the_quantities_is_refused(DeliveryOutcome outcome, double delivered, NotDeliveredReason? reason)
    {
        var due = await ArrangeAsync();
        var delivery = Delivered(due, due.Subscription.Id, null);
        delivery.Outcome = outcome;
        delivery.DeliveredQuantity = (decimal)delivered;
        delivery.Reason = reason;

        await RefusesAsync(PostgresErrorCodes.CheckViolation, "ck_deliveries_outcome", delivery);
    }

    [Fact]
    public async Task A_delivery_with_no_recorder_is_refused()
    {
        var due = await ArrangeAsync();
        var delivery = Delivered(due, due.Subscription.Id, null);
        delivery.RecordedByUserId = null;

        await RefusesAsync(PostgresErrorCodes.CheckViolation, "ck_deliveries_recorder", delivery);
    }

    [Fact]
    public async Task A_delivery_recorded_by_both_a_user_and_a_shared_link_is_refused()
    {
        var due = await ArrangeAsync();
        int linkId;
        await using (var db = fixture.CreateContext())
        {
            var route = await TestData.AddRouteAsync(db, due.Agent);
            var link = new SharedLink
            {
                RouteId = route.Id,
                SheetDate = Day,
                TokenHash = RandomNumberGenerator.GetBytes(32),
                ExpiresAt = TestData.Now.AddDays(1),
                CreatedByUserId = due.Agent.Id,
                CreatedAt = TestData.Now,
            };
            db.SharedLinks.Add(link);
            await db.SaveChangesAsync();
            linkId = link.Id;
        }
        var delivery = Delivered(due, due.Subscription.Id, null);
        delivery.RecordedViaSharedLinkId = linkId;

        await RefusesAsync(PostgresErrorCodes.CheckViolation, "ck_deliveries_recorder", delivery);
    }
}
