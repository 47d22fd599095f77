using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Common;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Billing;

/// <summary>The seed's testing checklist for what a run bills: delivered quantities, at the right price, to the paisa.</summary>
public sealed class BillingServiceTests : IAsyncLifetime
{
    private static readonly DateOnly November = BillingGround.November;
    private BillingGround ground = null!;

    public async Task InitializeAsync() => ground = await BillingGround.CreateAsync();

    public async Task DisposeAsync() => await ground.DisposeAsync();

    private static DateOnly Nov(int day) => new(2026, 11, day);

    [Fact]
    public async Task A_delivered_one_time_order_is_billed_at_the_price_on_its_order_line()
    {
        var customer = await ground.AddCustomerAsync();
        var order = await ground.AddOrderAsync(customer, Nov(12), (ground.Milk, 3m));
        // The product's price changes after the order was placed: the order keeps the price it was placed at.
        await ground.AddPriceAsync(ground.Milk, Nov(1), 70m);
        var delivery = await ground.DeliverAsync(order.Lines[0]);

        var result = await ground.RunAsync(November);

        var invoice = Assert.Single(await ground.InvoicesAsync());
        Assert.Equal(customer.Id, invoice.CustomerId);
        var line = Assert.Single(invoice.Records);
        Assert.Equal((delivery.Id, 3m, 56m, 168m), (line.DeliveryId, line.Quantity, line.UnitPrice, line.Amount));
        Assert.Equal((168m, 1, 1), (result.Total, result.CustomersBilled, result.DeliveriesBilled));
    }

    [Fact]
    public async Task A_subscription_delivered_on_20_of_30_days_bills_20_days_and_reports_the_other_10_missing()
    {
        var (customer, subscription) = await ground.AddSubscriberAsync(daily: 1m, end: Nov(30));
        for (var day = 1; day <= 20; day++)
        {
            await ground.DeliverAsync(subscription, Nov(day));
        }

        var preview = await ground.Billing.PreviewAsync(ground.Manager, November);
        var result = await ground.RunAsync(November);

        Assert.Equal(10, preview.Missing.Count);
        Assert.Equal(Enumerable.Range(21, 10).Select(Nov), preview.Missing.Select(m => m.Date).Order());
        var invoice = Assert.Single(await ground.InvoicesAsync());
        Assert.Equal(20, invoice.Records.Count);
        Assert.Equal(20 * 56m, invoice.TotalAmount);
        Assert.Equal((20, 10), (result.DeliveriesBilled, result.Missing));
        await using var db = ground.Fixture.CreateContext();
        var missing = await db.MissingDeliveries.AsNoTracking().Where(m => m.BillingRunId == result.RunId).ToListAsync();
        Assert.Equal(Enumerable.Range(21, 10).Select(Nov), missing.Select(m => m.DeliveryDate).Order());
        Assert.All(missing, m => Assert.Equal((customer.Id, subscription.Id, (int?)ground.Route.Id, 1m), (m.CustomerId, m.SubscriptionId!.Value, m.RouteId, m.PlannedQuantity)));
    }

    [Fact]
    public async Task A_partial_delivery_bills_the_delivered_quantity_not_the_planned_one()
    {
        var (_, subscription) = await ground.AddSubscriberAsync(daily: 10m, start: Nov(5), end: Nov(5));
        await ground.DeliverAsync(subscription, Nov(5), planned: 10m, delivered: 5m);

        await ground.RunAsync(November);

        var line = Assert.Single(Assert.Single(await ground.InvoicesAsync()).Records);
        Assert.Equal((5m, 56m, 280m), (line.Quantity, line.UnitPrice, line.Amount));
    }

    [Fact]
    public async Task Not_delivered_stops_and_customers_with_nothing_delivered_get_no_invoice()
    {
        var (delivered, deliveredSubscription) = await ground.AddSubscriberAsync(start: Nov(3), end: Nov(4));
        await ground.DeliverAsync(deliveredSubscription, Nov(3));
        await ground.DeliverAsync(deliveredSubscription, Nov(4), planned: 1m, delivered: 0m);
        var (_, awaySubscription) = await ground.AddSubscriberAsync(start: Nov(3), end: Nov(4));
        await ground.DeliverAsync(awaySubscription, Nov(3), planned: 1m, delivered: 0m);
        await ground.DeliverAsync(awaySubscription, Nov(4), planned: 1m, delivered: 0m);
        await ground.AddSubscriberAsync(start: Nov(3), end: Nov(4)); // nothing recorded at all
        var ordered = await ground.AddCustomerAsync();
        var order = await ground.AddOrderAsync(ordered, Nov(6), (ground.Milk, 2m));
        await ground.DeliverAsync(order.Lines[0], delivered: 0m);

        var result = await ground.RunAsync(November);

        var invoice = Assert.Single(await ground.InvoicesAsync());
        Assert.Equal(delivered.Id, invoice.CustomerId);
        var line = Assert.Single(invoice.Records);
        Assert.Equal((1m, 56m), (line.Quantity, line.Amount));
        Assert.Equal((1, 1, 56m, 2), (result.CustomersBilled, result.DeliveriesBilled, result.Total, result.Missing));
    }

    [Fact]
    public async Task A_price_change_mid_month_bills_each_delivery_at_the_price_of_its_own_day()
    {
        await ground.AddPriceAsync(ground.Milk, Nov(16), 60m);
        var (_, subscription) = await ground.AddSubscriberAsync(daily: 2m, start: Nov(15), end: Nov(16));
        await ground.DeliverAsync(subscription, Nov(15), planned: 2m);
        await ground.DeliverAsync(subscription, Nov(16), planned: 2m);

        await ground.RunAsync(November);

        var invoice = Assert.Single(await ground.InvoicesAsync());
        await using var db = ground.Fixture.CreateContext();
        var lines = await db.BillingRecords.AsNoTracking().Where(b => b.InvoiceId == invoice.Id)
            .OrderBy(b => b.Delivery.DeliveryDate).Select(b => new { b.Delivery.DeliveryDate, b.UnitPrice, b.Amount }).ToListAsync();
        Assert.Equal([(Nov(15), 56m, 112m), (Nov(16), 60m, 120m)], lines.Select(l => (l.DeliveryDate, l.UnitPrice, l.Amount)));
        Assert.Equal(232m, invoice.TotalAmount);
    }

    [Fact]
    public async Task Amounts_are_rounded_to_paise_and_every_invoice_total_is_the_sum_of_its_lines()
    {
        var (_, thirds) = await ground.AddSubscriberAsync(start: Nov(1), end: Nov(3));
        await ground.DeliverAsync(thirds, Nov(1), planned: 1m, delivered: 0.333m);
        await ground.DeliverAsync(thirds, Nov(2), planned: 1m, delivered: 0.333m);
        await ground.DeliverAsync(thirds, Nov(3), planned: 1m, delivered: 0.667m);
        var other = await ground.AddCustomerAsync();
        var order = await ground.AddOrderAsync(other, Nov(9), (ground.Milk, 0.125m), (ground.Milk, 1.5m));
        await ground.DeliverAsync(order.Lines[0]);
        await ground.DeliverAsync(order.Lines[1], delivered: 0.999m);

        var result = await ground.RunAsync(November);

        var invoices = await ground.InvoicesAsync();
        Assert.Equal(2, invoices.Count);
        var lines = invoices.SelectMany(i => i.Records).ToList();
        // 0.333 × 56 = 18.648 → 18.65; 0.667 × 56 = 37.352 → 37.35; 0.125 × 56 = 7.00; 0.999 × 56 = 55.944 → 55.94.
        Assert.Equal([7.00m, 18.65m, 18.65m, 37.35m, 55.94m], lines.Select(l => l.Amount).Order());
        Assert.All(lines, l => Assert.Equal(Math.Round(l.Quantity * l.UnitPrice, 2, MidpointRounding.AwayFromZero), l.Amount));
        Assert.All(invoices, i => Assert.Equal(i.Records.Sum(r => r.Amount), i.TotalAmount));
        Assert.Equal(62.94m, invoices.Single(i => i.CustomerId == other.Id).TotalAmount);
        Assert.Equal(74.65m, invoices.Single(i => i.CustomerId != other.Id).TotalAmount);
        Assert.Equal(invoices.Sum(i => i.TotalAmount), result.Total);
        await using var db = ground.Fixture.CreateContext();
        var run = await db.BillingRuns.AsNoTracking().SingleAsync();
        Assert.Equal(result.Total, run.TotalAmount);
    }

    [Fact]
    public async Task Preview_writes_nothing_and_agrees_with_what_the_run_then_bills()
    {
        var a = await ground.AddDeliveredMonthAsync(November, daily: 1.5m);
        var (b, partly) = await ground.AddSubscriberAsync(daily: 2m, end: Nov(30));
        await ground.DeliverAsync(partly, Nov(2), planned: 2m, delivered: 1.25m);
        var c = await ground.AddCustomerAsync();
        var order = await ground.AddOrderAsync(c, Nov(20), (ground.Milk, 4m));
        await ground.DeliverAsync(order.Lines[0]);
        var before = await ground.CountsAsync();

        var preview = await ground.Billing.PreviewAsync(ground.Manager, November);

        Assert.Equal(before, await ground.CountsAsync());
        Assert.Null(preview.Blocker);
        Assert.False(preview.IsSupplementary);
        Assert.Equal(29, preview.Missing.Count);
        var result = await ground.RunAsync(November);
        var invoices = await ground.InvoicesAsync();
        Assert.Equal(
            preview.Customers.Select(x => (x.CustomerId, x.Deliveries, x.Total)).OrderBy(x => x.CustomerId),
            invoices.Select(i => (i.CustomerId, i.Records.Count, i.TotalAmount)).OrderBy(x => x.CustomerId));
        Assert.Equal(new[] { a.Id, b.Id, c.Id }.Order(), invoices.Select(i => i.CustomerId).Order());
        Assert.Equal((preview.Total, preview.Deliveries, preview.Missing.Count), (result.Total, result.DeliveriesBilled, result.Missing));
    }

    [Fact]
    public async Task An_undelivered_one_time_order_is_reported_missing_on_its_date_and_route_and_not_billed()
    {
        var customer = await ground.AddCustomerAsync();
        var order = await ground.AddOrderAsync(customer, Nov(10), (ground.Milk, 2m));

        var preview = await ground.Billing.PreviewAsync(ground.Manager, November);
        var result = await ground.RunAsync(November);

        var missing = Assert.Single(preview.Missing);
        Assert.Equal((Nov(10), (int?)ground.Route.Id, ground.Route.Name, customer.Id, (int?)order.Lines[0].Id, 2m),
            (missing.Date, missing.RouteId, missing.RouteName, missing.CustomerId, missing.OrderLineId, missing.Planned));
        Assert.Empty(preview.Customers);
        Assert.Null(result.RunId);
        Assert.Empty(await ground.InvoicesAsync());
    }

    [Fact]
    public async Task A_delivery_without_a_price_for_its_day_blocks_the_run_and_nothing_is_written()
    {
        await using (var db = ground.Fixture.CreateContext())
        {
            var unpriced = await TestData.AddProductAsync(db, 40m, priceFrom: new DateOnly(2026, 12, 1));
            var customer = await TestData.AddCustomerAsync(db, ground.Route);
            var subscription = await TestData.AddSubscriptionAsync(db, customer, unpriced, Nov(20));
            subscription.EndDate = Nov(20);
            await db.SaveChangesAsync();
            await TestData.AddDeliveryAsync(db, subscription, Nov(20), ground.AgentUser);
        }
        await ground.AddDeliveredMonthAsync(November);
        var before = await ground.CountsAsync();

        var preview = await ground.Billing.PreviewAsync(ground.Manager, November);
        var result = await ground.Billing.RunAsync(ground.Manager, November);

        Assert.NotNull(preview.Blocker);
        Assert.Contains("no price for their day", Assert.Single(result.Problems).Message);
        Assert.Equal(before, await ground.CountsAsync());
    }

    [Fact]
    public async Task Every_billed_amount_traces_by_foreign_keys_to_the_customer_and_their_login()
    {
        var (subscriber, subscription) = await ground.AddSubscriberAsync(start: Nov(7), end: Nov(7));
        await ground.DeliverAsync(subscription, Nov(7));
        var buyer = await ground.AddCustomerAsync();
        var order = await ground.AddOrderAsync(buyer, Nov(8), (ground.Milk, 2m));
        await ground.DeliverAsync(order.Lines[0]);
        await ground.RunAsync(November);

        await using var db = ground.Fixture.CreateContext();
        var traced = await db.Database.SqlQueryRaw<Trace>("""
            SELECT i.number AS number, b.amount AS amount, c.id AS customer_id, u.id AS user_id,
                   d.subscription_id AS subscription_id, d.order_line_id AS order_line_id
            FROM invoices i
            JOIN billing_records b ON b.invoice_id = i.id
            JOIN deliveries d ON d.id = b.delivery_id
            LEFT JOIN subscriptions s ON s.id = d.subscription_id
            LEFT JOIN order_lines ol ON ol.id = d.order_line_id
            LEFT JOIN orders o ON o.id = ol.order_id
            JOIN customers c ON c.id = coalesce(s.customer_id, o.customer_id) AND c.id = i.customer_id
            JOIN users u ON u.id = c.user_id
            ORDER BY c.id
            """).ToListAsync();

        Assert.Equal(2, traced.Count);
        Assert.Equal((subscriber.Id, subscriber.UserId, (int?)subscription.Id, (int?)null), (traced[0].CustomerId, traced[0].UserId, traced[0].SubscriptionId, traced[0].OrderLineId));
        Assert.Equal((buyer.Id, buyer.UserId, (int?)null, (int?)order.Lines[0].Id), (traced[1].CustomerId, traced[1].UserId, traced[1].SubscriptionId, traced[1].OrderLineId));
        Assert.Equal((56m, 112m), (traced[0].Amount, traced[1].Amount));
        Assert.Equal(await db.BillingRecords.CountAsync(), traced.Count);
        // And each hop of that join is a foreign key declared in PostgreSQL, not a convention of the query.
        var keys = await db.Database.SqlQueryRaw<string>("""
            SELECT c.conrelid::regclass::text || '.' || a.attname || '->' || c.confrelid::regclass::text AS "Value"
            FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
            """).ToListAsync();
        Assert.Superset(
            new HashSet<string>
            {
                "billing_records.invoice_id->invoices", "billing_records.delivery_id->deliveries",
                "deliveries.subscription_id->subscriptions", "deliveries.order_line_id->order_lines",
                "subscriptions.customer_id->customers", "order_lines.order_id->orders", "orders.customer_id->customers",
                "invoices.customer_id->customers", "customers.user_id->users",
            },
            keys.ToHashSet());
    }

    [Fact]
    public async Task Billed_deliveries_are_locked_against_correction()
    {
        var staffCaller = await StaffAsync();
        var (_, subscription) = await ground.AddSubscriberAsync(start: Nov(30), end: Nov(30));
        var deliveries = ground.Scope.ServiceProvider.GetRequiredService<DeliveryService>();
        var recorded = await deliveries.RecordAsync(Recorder.Person(staffCaller),
            new RecordInput(ground.Route.Id, Nov(30), subscription.Id, null, DeliveryOutcome.Delivered));
        Assert.True(recorded.Succeeded, string.Join("; ", recorded.Problems.Select(p => p.Message)));
        await ground.RunAsync(November);
        var invoice = Assert.Single(await ground.InvoicesAsync());

        var correction = await deliveries.RecordAsync(Recorder.Person(staffCaller),
            new RecordInput(ground.Route.Id, Nov(30), subscription.Id, null, DeliveryOutcome.Partial, 0.5m, ExpectedVersion: recorded.Value!.Version));

        Assert.False(correction.Succeeded);
        Assert.Contains(invoice.Number, Assert.Single(correction.Problems).Message);
        await using var db = ground.Fixture.CreateContext();
        Assert.Equal(1m, await db.Deliveries.Where(d => d.Id == recorded.Value.DeliveryId).Select(d => d.DeliveredQuantity).SingleAsync());
    }

    private async Task<Caller> StaffAsync()
    {
        await using var db = ground.Fixture.CreateContext();
        var staff = await TestData.AddUserAsync(db, Roles.Staff);
        return Caller.For(staff, Roles.Staff);
    }

    private sealed record Trace(string Number, decimal Amount, int CustomerId, string UserId, int? SubscriptionId, int? OrderLineId);
}
