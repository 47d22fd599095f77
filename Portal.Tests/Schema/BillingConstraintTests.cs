using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Domain.Billing;
using Portal.Domain.Customers;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Schema;

/// <summary>Every billing record bills exactly one real delivery, at most once ever; invoice numbers never repeat.</summary>
public sealed class BillingConstraintTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly DateOnly Day = new(2026, 10, 15);

    private sealed record Billed(PortalUser Manager, Customer Customer, Delivery Delivery, Invoice Invoice);

    private async Task<Billed> ArrangeAsync()
    {
        await using var db = fixture.CreateContext();
        var manager = await TestData.AddUserAsync(db, Roles.Manager);
        var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        var customer = await TestData.AddCustomerAsync(db);
        var product = await TestData.AddProductAsync(db, unitPrice: 56m);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, product, Day.AddDays(-10));
        var delivery = await TestData.AddDeliveryAsync(db, subscription, Day, agent);
        var invoice = await TestData.AddInvoiceAsync(db, customer, manager, delivery);
        return new Billed(manager, customer, delivery, invoice);
    }

    private static Invoice NewInvoice(Billed billed, string number, string financialYear, int sequence) => new()
    {
        Number = number,
        FinancialYear = financialYear,
        Sequence = sequence,
        CustomerId = billed.Customer.Id,
        BillingRunId = billed.Invoice.BillingRunId,
        PeriodMonth = billed.Invoice.PeriodMonth,
        IssuedAt = TestData.Now,
    };

    [Fact]
    public async Task A_billed_amount_traces_by_foreign_keys_to_the_customers_login()
    {
        var billed = await ArrangeAsync();
        await using var db = fixture.CreateContext();

        var trace = await db.BillingRecords
            .Where(r => r.InvoiceId == billed.Invoice.Id)
            .Select(r => new { r.Amount, r.Delivery.Subscription!.Customer.User.UserName })
            .SingleAsync();

        Assert.Equal(56m, trace.Amount);
        Assert.Equal(billed.Customer.Mobile, trace.UserName);
    }

    [Fact]
    public async Task A_billing_record_without_a_delivery_is_refused()
    {
        var billed = await ArrangeAsync();
        await using var db = fixture.CreateContext();

        var refusal = await PostgresAssert.RefusesAsync(PostgresErrorCodes.NotNullViolation, null, () => db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO billing_records (invoice_id, delivery_id, quantity, unit_price, amount)
            VALUES ({billed.Invoice.Id}, NULL, 1, 56, 56)
            """));

        Assert.Equal("billing_records", refusal.TableName);
        Assert.Equal("delivery_id", refusal.ColumnName);
    }

    [Fact]
    public async Task A_billing_record_for_a_delivery_that_does_not_exist_is_refused()
    {
        var billed = await ArrangeAsync();
        await using var db = fixture.CreateContext();
        db.BillingRecords.Add(new BillingRecord { InvoiceId = billed.Invoice.Id, DeliveryId = long.MaxValue, Quantity = 1m, UnitPrice = 56m, Amount = 56m });

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.ForeignKeyViolation, "fk_billing_records_deliveries_delivery_id", () => db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_delivery_billed_a_second_time_is_refused()
    {
        var billed = await ArrangeAsync();
        await using var db = fixture.CreateContext();

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.UniqueViolation, "ix_billing_records_delivery_id",
            () => TestData.AddInvoiceAsync(db, billed.Customer, billed.Manager, billed.Delivery));
    }

    [Fact]
    public async Task An_invoice_number_used_twice_is_refused()
    {
        var billed = await ArrangeAsync();
        await using var db = fixture.CreateContext();
        db.Invoices.Add(NewInvoice(billed, billed.Invoice.Number, "2026-27", 500_000 + TestData.Next()));

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.UniqueViolation, "ix_invoices_number", () => db.SaveChangesAsync());
    }

    [Fact]
    public async Task The_same_financial_year_and_sequence_twice_is_refused()
    {
        var billed = await ArrangeAsync();
        await using var db = fixture.CreateContext();
        db.Invoices.Add(NewInvoice(billed, $"OTHER/{TestData.Next()}", billed.Invoice.FinancialYear, billed.Invoice.Sequence));

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.UniqueViolation, "ix_invoices_financial_year_sequence", () => db.SaveChangesAsync());
    }

    [Fact]
    public async Task The_same_sequence_in_another_financial_year_is_accepted()
    {
        var billed = await ArrangeAsync();
        await using var db = fixture.CreateContext();
        var invoice = NewInvoice(billed, TestData.InvoiceNumber("2025-26", billed.Invoice.Sequence), "2025-26", billed.Invoice.Sequence);
        db.Invoices.Add(invoice);

        await db.SaveChangesAsync();

        Assert.True(invoice.Id > 0);
    }
}
