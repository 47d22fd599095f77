using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Billing;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Schema;

/// <summary>What the columns are in PostgreSQL, and that values come back exactly as written.</summary>
public sealed class MappingTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Theory]
    [InlineData("customers", "created_at", "timestamp with time zone")]
    [InlineData("deliveries", "recorded_at", "timestamp with time zone")]
    [InlineData("users", "lockout_end", "timestamp with time zone")]
    [InlineData("deliveries", "delivery_date", "date")]
    [InlineData("product_prices", "effective_from", "date")]
    [InlineData("billing_records", "amount", "numeric(12,2)")]
    [InlineData("product_prices", "unit_price", "numeric(12,2)")]
    [InlineData("payments", "amount", "numeric(12,2)")]
    [InlineData("deliveries", "planned_quantity", "numeric(10,3)")]
    [InlineData("deliveries", "delivered_quantity", "numeric(10,3)")]
    [InlineData("order_lines", "quantity", "numeric(10,3)")]
    [InlineData("deliveries", "outcome", "character varying(30)")]
    [InlineData("customers", "status", "character varying(30)")]
    public async Task Columns_have_the_agreed_PostgreSQL_types(string table, string column, string expected)
    {
        await using var db = fixture.CreateContext();

        var actual = await db.Database.SqlQuery<string>(
            $"""
            SELECT data_type
                || CASE WHEN data_type = 'numeric' THEN '(' || numeric_precision || ',' || numeric_scale || ')'
                        WHEN character_maximum_length IS NOT NULL THEN '(' || character_maximum_length || ')'
                        ELSE '' END AS "Value"
            FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = {table} AND column_name = {column}
            """).SingleAsync();

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Money_quantities_dates_instants_and_enums_round_trip_exactly()
    {
        var recordedAt = new DateTimeOffset(2026, 11, 24, 1, 15, 30, 123, TimeSpan.Zero).AddTicks(4560);
        var date = new DateOnly(2026, 11, 24);
        long deliveryId;
        long recordId;
        await using (var db = fixture.CreateContext())
        {
            var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
            var customer = await TestData.AddCustomerAsync(db);
            var subscription = await TestData.AddSubscriptionAsync(db, customer, await TestData.AddProductAsync(db), date);
            var delivery = await TestData.AddDeliveryAsync(db, subscription, date, agent, planned: 1.000m, delivered: 0.500m);
            delivery.RecordedAt = recordedAt;
            var run = await TestData.AddBillingRunAsync(db, await TestData.AddUserAsync(db, Roles.Manager), date);
            var record = new BillingRecord { DeliveryId = delivery.Id, Quantity = 0.500m, UnitPrice = 246913.00m, Amount = 123456.50m };
            db.Invoices.Add(new Invoice
            {
                Number = $"MAP/{TestData.Next()}",
                FinancialYear = "2026-27",
                Sequence = 900_000 + TestData.Next(),
                CustomerId = customer.Id,
                BillingRun = run,
                PeriodMonth = run.PeriodMonth,
                IssuedAt = recordedAt,
                TotalAmount = 123456.50m,
                Records = [record],
            });
            await db.SaveChangesAsync();
            deliveryId = delivery.Id;
            recordId = record.Id;
        }

        await using var check = fixture.CreateContext();
        var read = await check.Deliveries.AsNoTracking().SingleAsync(d => d.Id == deliveryId);
        var billed = await check.BillingRecords.AsNoTracking().SingleAsync(r => r.Id == recordId);

        Assert.Equal("123456.50", billed.Amount.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("246913.00", billed.UnitPrice.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("0.500", billed.Quantity.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("0.500", read.DeliveredQuantity.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(date, read.DeliveryDate);
        // timestamptz keeps microseconds; the instant is the same, and it comes back in UTC.
        Assert.Equal(recordedAt, read.RecordedAt);
        Assert.Equal(TimeSpan.Zero, read.RecordedAt.Offset);
        Assert.Equal(DeliveryOutcome.Partial, read.Outcome);
        Assert.Equal("Partial", await check.Database.SqlQuery<string>($"SELECT outcome AS \"Value\" FROM deliveries WHERE id = {deliveryId}").SingleAsync());
        Assert.Equal("2026-11-24", await check.Database.SqlQuery<string>($"SELECT delivery_date::text AS \"Value\" FROM deliveries WHERE id = {deliveryId}").SingleAsync());
    }

    [Fact]
    public async Task A_customer_saved_by_someone_else_meanwhile_is_a_concurrency_conflict()
    {
        int customerId;
        await using (var setup = fixture.CreateContext())
        {
            customerId = (await TestData.AddCustomerAsync(setup)).Id;
        }
        await using var first = fixture.CreateContext();
        await using var second = fixture.CreateContext();
        var mine = await first.Customers.SingleAsync(c => c.Id == customerId);
        var theirs = await second.Customers.SingleAsync(c => c.Id == customerId);
        var versionBefore = mine.Version;

        mine.Name = "Saved first";
        await first.SaveChangesAsync();
        theirs.Name = "Saved second";

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        Assert.NotEqual(versionBefore, mine.Version);
        await using var check = fixture.CreateContext();
        Assert.Equal("Saved first", await check.Customers.Where(c => c.Id == customerId).Select(c => c.Name).SingleAsync());
    }
}
