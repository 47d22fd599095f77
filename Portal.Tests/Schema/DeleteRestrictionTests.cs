using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Domain.Billing;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Schema;

/// <summary>
/// Nothing that was delivered or billed can lose the rows it points at: PostgreSQL refuses the delete (ON DELETE RESTRICT),
/// whatever code sends it. The deletes are raw SQL so EF's own checks on tracked rows cannot stand in for the database's.
/// </summary>
public sealed class DeleteRestrictionTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    private async Task RefusesAsync(string constraint, FormattableString delete)
    {
        await using var db = fixture.CreateContext();
        await PostgresAssert.RefusesAsync(PostgresErrorCodes.ForeignKeyViolation, constraint, () => db.Database.ExecuteSqlAsync(delete));
    }

    [Fact]
    public async Task A_customer_with_nothing_attached_can_be_deleted()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);

        Assert.Equal(1, await db.Database.ExecuteSqlAsync($"DELETE FROM customers WHERE id = {customer.Id}"));
    }

    [Fact]
    public async Task Deleting_a_customer_with_a_subscription_is_refused()
    {
        int customerId;
        await using (var db = fixture.CreateContext())
        {
            var customer = await TestData.AddCustomerAsync(db);
            await TestData.AddSubscriptionAsync(db, customer, await TestData.AddProductAsync(db), Day);
            customerId = customer.Id;
        }

        await RefusesAsync("fk_subscriptions_customers_customer_id", $"DELETE FROM customers WHERE id = {customerId}");
    }

    [Fact]
    public async Task Deleting_a_customer_with_an_order_is_refused()
    {
        int customerId;
        await using (var db = fixture.CreateContext())
        {
            var customer = await TestData.AddCustomerAsync(db);
            await TestData.AddOrderAsync(db, customer, Day, (await TestData.AddProductAsync(db), 1m));
            customerId = customer.Id;
        }

        await RefusesAsync("fk_orders_customers_customer_id", $"DELETE FROM customers WHERE id = {customerId}");
    }

    [Fact]
    public async Task Deleting_a_customer_with_an_invoice_is_refused()
    {
        int customerId;
        await using (var db = fixture.CreateContext())
        {
            var customer = await TestData.AddCustomerAsync(db);
            var run = await TestData.AddBillingRunAsync(db, await TestData.AddUserAsync(db, Roles.Manager), Day);
            var sequence = 700_000 + TestData.Next();
            db.Invoices.Add(new Invoice
            {
                Number = TestData.InvoiceNumber("2026-27", sequence),
                FinancialYear = "2026-27",
                Sequence = sequence,
                CustomerId = customer.Id,
                BillingRunId = run.Id,
                PeriodMonth = run.PeriodMonth,
                IssuedAt = TestData.Now,
            });
            await db.SaveChangesAsync();
            customerId = customer.Id;
        }

        await RefusesAsync("fk_invoices_customers_customer_id", $"DELETE FROM customers WHERE id = {customerId}");
    }

    [Fact]
    public async Task Deleting_an_order_that_has_lines_is_refused()
    {
        int orderId;
        await using (var db = fixture.CreateContext())
        {
            var customer = await TestData.AddCustomerAsync(db);
            orderId = (await TestData.AddOrderAsync(db, customer, Day, (await TestData.AddProductAsync(db), 1m))).Id;
        }

        await RefusesAsync("fk_order_lines_orders_order_id", $"DELETE FROM orders WHERE id = {orderId}");
    }

    [Fact]
    public async Task Deleting_a_billed_delivery_is_refused()
    {
        long deliveryId;
        await using (var db = fixture.CreateContext())
        {
            var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
            var customer = await TestData.AddCustomerAsync(db);
            var order = await TestData.AddOrderAsync(db, customer, Day, (await TestData.AddProductAsync(db), 2m));
            var delivery = await TestData.AddDeliveryAsync(db, order.Lines[0], agent);
            await TestData.AddInvoiceAsync(db, customer, await TestData.AddUserAsync(db, Roles.Manager), delivery);
            deliveryId = delivery.Id;
        }

        await RefusesAsync("fk_billing_records_deliveries_delivery_id", $"DELETE FROM deliveries WHERE id = {deliveryId}");
    }

    [Fact]
    public async Task Deleting_a_subscription_that_has_a_delivery_is_refused()
    {
        int subscriptionId;
        await using (var db = fixture.CreateContext())
        {
            var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
            var customer = await TestData.AddCustomerAsync(db);
            var subscription = await TestData.AddSubscriptionAsync(db, customer, await TestData.AddProductAsync(db), Day);
            await TestData.AddDeliveryAsync(db, subscription, Day, agent);
            subscriptionId = subscription.Id;
        }

        await RefusesAsync("fk_deliveries_subscriptions_subscription_id", $"DELETE FROM subscriptions WHERE id = {subscriptionId}");
    }

    [Fact]
    public async Task Deleting_a_user_who_is_a_customer_is_refused()
    {
        string userId;
        await using (var db = fixture.CreateContext())
        {
            userId = (await TestData.AddCustomerAsync(db)).UserId;
        }

        await RefusesAsync("fk_customers_users_user_id", $"DELETE FROM users WHERE id = {userId}");

        await using var check = fixture.CreateContext();
        Assert.True(await check.UserRoles.AnyAsync(r => r.UserId == userId), "The refused delete must not have removed the user's roles either.");
    }

    [Fact]
    public async Task Deleting_a_customer_through_EF_is_refused_by_the_database_too()
    {
        int customerId;
        await using (var db = fixture.CreateContext())
        {
            var customer = await TestData.AddCustomerAsync(db);
            await TestData.AddSubscriptionAsync(db, customer, await TestData.AddProductAsync(db), Day);
            customerId = customer.Id;
        }

        await using var context = fixture.CreateContext();
        context.Customers.Remove(await context.Customers.SingleAsync(c => c.Id == customerId));

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.ForeignKeyViolation, "fk_subscriptions_customers_customer_id", () => context.SaveChangesAsync());
    }
}
