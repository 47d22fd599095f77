using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Payments;
using Portal.Domain.SelfService;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Payments;

/// <summary>Recording money received and reading a customer's account, on the real database. Clock at 19:00 IST on Tuesday 24 Nov 2026.</summary>
public sealed class PaymentServiceTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 24);

    private IServiceScope scope = null!;
    private PaymentService payments = null!;
    private PortalUser managerUser = null!;
    private Caller manager = null!;
    private Customer customer = null!;

    public async Task InitializeAsync()
    {
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        scope = fixture.Services.CreateScope();
        payments = scope.ServiceProvider.GetRequiredService<PaymentService>();
        await using var db = fixture.CreateContext();
        managerUser = await TestData.AddUserAsync(db, Roles.Manager);
        manager = Caller.For(managerUser, Roles.Manager);
        customer = await TestData.AddCustomerAsync(db, name: $"Meena Pillai {TestData.Next()}");
    }

    public Task DisposeAsync()
    {
        scope.Dispose();
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        return Task.CompletedTask;
    }

    private static PaymentInput Valid() => new() { Amount = 1_250.50m, Method = PaymentMethod.Upi, ReceivedOn = Today.AddDays(-2), Reference = "UPI 628100000123" };

    private static Caller CallerFor(Customer c) => new(c.UserId, c.Name, new HashSet<string> { Roles.Customer });

    /// <summary>(payments, payment audit entries) for <paramref name="c"/>, to prove a refusal wrote nothing.</summary>
    private async Task<(int Payments, int AuditEntries)> WrittenForAsync(Customer c)
    {
        await using var db = fixture.CreateContext();
        return (await db.Payments.CountAsync(p => p.CustomerId == c.Id),
            await db.AuditEntries.CountAsync(a => a.Action == AuditActions.PaymentRecorded && a.CustomerId == c.Id));
    }

    [Theory]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Admin)]
    public async Task A_manager_or_admin_records_a_payment_with_who_and_when_and_an_audit_entry(string role)
    {
        await using var db = fixture.CreateContext();
        var user = await TestData.AddUserAsync(db, role);
        var input = Valid();
        input.Reference = "  NEFT HDFCN20261122  ";

        var result = await payments.RecordAsync(Caller.For(user, role), customer.Id, input);

        Assert.True(result.Succeeded, result.GeneralError);
        var payment = await db.Payments.AsNoTracking().SingleAsync(p => p.Id == result.Value);
        Assert.Equal(customer.Id, payment.CustomerId);
        Assert.Equal(1_250.50m, payment.Amount);
        Assert.Equal(PaymentMethod.Upi, payment.Method);
        Assert.Equal(new DateOnly(2026, 11, 22), payment.ReceivedOn);
        Assert.Equal("NEFT HDFCN20261122", payment.Reference);
        Assert.Equal(user.Id, payment.RecordedByUserId);
        Assert.Equal(TestServices.DefaultNow, payment.RecordedAt);

        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == AuditActions.PaymentRecorded && a.EntityId == payment.Id.ToString());
        Assert.Equal(PaymentService.EntityType, entry.EntityType);
        Assert.Equal(customer.Id, entry.CustomerId);
        Assert.Equal(user.Id, entry.ActorUserId);
        Assert.Equal(TestServices.DefaultNow, entry.At);
        Assert.Equal($"Recorded payment of ₹1,250.50 (UPI) from {customer.Name}, received 22 Nov 2026, ref. NEFT HDFCN20261122", entry.Summary);
        var after = JsonSerializer.Deserialize<Dictionary<string, string?>>(entry.After!)!;
        Assert.Equal(
            new Dictionary<string, string?> { ["Amount"] = "1250.50", ["Method"] = "Upi", ["Received on"] = "2026-11-22", ["Reference"] = "NEFT HDFCN20261122" },
            after);
    }

    [Fact]
    public async Task An_empty_reference_is_stored_as_none()
    {
        var input = Valid();
        input.Reference = "   ";

        var result = await payments.RecordAsync(manager, customer.Id, input);

        Assert.True(result.Succeeded, result.GeneralError);
        await using var db = fixture.CreateContext();
        Assert.Null(await db.Payments.Where(p => p.Id == result.Value).Select(p => p.Reference).SingleAsync());
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "zero", nameof(PaymentInput.Amount), "The amount must be more than ₹0." },
        { "negative", nameof(PaymentInput.Amount), "The amount must be more than ₹0." },
        { "three decimals", nameof(PaymentInput.Amount), "Amounts are in rupees and paise: at most 2 decimals." },
        { "over the limit", nameof(PaymentInput.Amount), "Check the amount: more than ₹10,00,000.00 at once." },
        { "no amount", nameof(PaymentInput.Amount), "Enter the amount received in rupees." },
        { "no method", nameof(PaymentInput.Method), "Choose how the money was paid." },
        { "unknown method", nameof(PaymentInput.Method), "Choose cash, UPI or bank transfer." },
        { "tomorrow", nameof(PaymentInput.ReceivedOn), "The day received cannot be after today (24 Nov 2026)." },
        { "over a year ago", nameof(PaymentInput.ReceivedOn), "Payments received before 24 Nov 2025 cannot be recorded here. Check the year." },
        { "no date", nameof(PaymentInput.ReceivedOn), "Choose the day the money was received." },
        { "long reference", nameof(PaymentInput.Reference), "Keep the reference under 100 characters." },
    };

    private static PaymentInput Spoil(string bad)
    {
        var input = Valid();
        switch (bad)
        {
            case "zero": input.Amount = 0m; break;
            case "negative": input.Amount = -500m; break;
            case "three decimals": input.Amount = 100.125m; break;
            case "over the limit": input.Amount = 10_00_000.01m; break;
            case "no amount": input.Amount = null; break;
            case "no method": input.Method = null; break;
            case "unknown method": input.Method = (PaymentMethod)42; break;
            case "tomorrow": input.ReceivedOn = Today.AddDays(1); break;
            case "over a year ago": input.ReceivedOn = Today.AddDays(-366); break;
            case "no date": input.ReceivedOn = null; break;
            case "long reference": input.Reference = new string('7', Limits.ReferenceLength + 1); break;
            default: throw new ArgumentOutOfRangeException(nameof(bad), bad, null);
        }
        return input;
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_refused_next_to_its_field_and_nothing_is_written(string bad, string field, string message)
    {
        var result = await payments.RecordAsync(manager, customer.Id, Spoil(bad));

        Assert.False(result.Succeeded);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(field, problem.Field);
        Assert.Equal(message, problem.Message);
        Assert.Equal((0, 0), await WrittenForAsync(customer));
    }

    [Fact]
    public async Task The_database_itself_refuses_a_payment_of_nothing()
    {
        await using var db = fixture.CreateContext();
        db.Payments.Add(new Payment
        {
            CustomerId = customer.Id, Amount = 0m, Method = PaymentMethod.Cash, ReceivedOn = Today,
            RecordedByUserId = managerUser.Id, RecordedAt = TestData.Now,
        });

        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        var postgres = Assert.IsType<PostgresException>(refused.InnerException);
        Assert.Equal((PostgresErrorCodes.CheckViolation, "ck_payments_amount"), (postgres.SqlState, postgres.ConstraintName));
    }

    [Fact]
    public async Task The_limits_themselves_are_accepted()
    {
        var largest = await payments.RecordAsync(manager, customer.Id,
            new PaymentInput { Amount = PaymentRules.MaxAmount, Method = PaymentMethod.Bank, ReceivedOn = Today, Reference = new string('7', Limits.ReferenceLength) });
        var oldest = await payments.RecordAsync(manager, customer.Id,
            new PaymentInput { Amount = 0.01m, Method = PaymentMethod.Cash, ReceivedOn = Today.AddDays(-PaymentRules.MaxDaysBack) });

        Assert.True(largest.Succeeded, largest.Problems.FirstOrDefault()?.Message);
        Assert.True(oldest.Succeeded, oldest.Problems.FirstOrDefault()?.Message);
        Assert.Equal((2, 2), await WrittenForAsync(customer));
    }

    [Fact]
    public async Task Today_is_today_in_India_even_while_it_is_still_yesterday_in_UTC()
    {
        // 05:00 IST on Wednesday 25 Nov is 23:30 UTC on Tuesday 24 Nov.
        fixture.Time.AdjustTime(new DateTimeOffset(2026, 11, 24, 23, 30, 0, TimeSpan.Zero));
        var input = Valid();
        input.ReceivedOn = new DateOnly(2026, 11, 25);

        var result = await payments.RecordAsync(manager, customer.Id, input);

        Assert.True(result.Succeeded, result.Problems.FirstOrDefault()?.Message);
    }

    [Fact]
    public async Task A_customer_that_does_not_exist_is_refused_with_a_clear_message_and_nothing_is_written()
    {
        await using var db = fixture.CreateContext();
        var before = await db.Payments.CountAsync();

        var result = await payments.RecordAsync(manager, int.MaxValue, Valid());

        Assert.Equal("There is no such customer.", Assert.Single(result.Problems).Message);
        Assert.Equal(before, await db.Payments.CountAsync());
        Assert.Null(await payments.ForCustomerAsync(manager, int.MaxValue));
    }

    [Theory]
    [InlineData(Roles.Staff)]
    [InlineData(Roles.DeliveryAgent)]
    [InlineData(Roles.Customer)]
    public async Task Only_managers_and_admins_record_or_read_payments(string role)
    {
        await using var db = fixture.CreateContext();
        var caller = role == Roles.Customer
            ? CallerFor(customer)
            : Caller.For(await TestData.AddUserAsync(db, role), role);

        await Assert.ThrowsAsync<AccessDeniedException>(() => payments.RecordAsync(caller, customer.Id, Valid()));
        // Refused whatever they send: bad input does not turn the refusal into field messages.
        await Assert.ThrowsAsync<AccessDeniedException>(() => payments.RecordAsync(caller, customer.Id, new PaymentInput()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => payments.ForCustomerAsync(caller, customer.Id));
        Assert.Equal((0, 0), await WrittenForAsync(customer));
    }

    [Fact]
    public async Task The_office_sees_the_same_balance_as_the_customer_and_every_payment_newest_first()
    {
        await using var db = fixture.CreateContext();
        var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        var neighbour = await TestData.AddCustomerAsync(db);
        var milk = await TestData.AddProductAsync(db, 56m);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, new DateOnly(2026, 10, 1));
        var neighbours = await TestData.AddSubscriptionAsync(db, neighbour, milk, new DateOnly(2026, 10, 1));
        // October: 1 L + 1.5 L = 140.00; November: 2 L = 112.00.
        await TestData.AddInvoiceAsync(db, customer, managerUser,
            await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 10, 10), agent, 1m),
            await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 10, 11), agent, 1.5m));
        await TestData.AddInvoiceAsync(db, customer, managerUser,
            await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 11, 10), agent, 2m));
        await TestData.AddInvoiceAsync(db, neighbour, managerUser,
            await TestData.AddDeliveryAsync(db, neighbours, new DateOnly(2026, 11, 10), agent, 5m));
        // Recorded out of order on purpose: the list follows the day received.
        var later = await payments.RecordAsync(manager, customer.Id,
            new PaymentInput { Amount = 100.50m, Method = PaymentMethod.Cash, ReceivedOn = new DateOnly(2026, 11, 20) });
        var earlier = await payments.RecordAsync(manager, customer.Id,
            new PaymentInput { Amount = 140m, Method = PaymentMethod.Upi, ReceivedOn = new DateOnly(2026, 11, 2), Reference = "UPI 1" });
        await payments.RecordAsync(manager, neighbour.Id, new PaymentInput { Amount = 280m, Method = PaymentMethod.Bank, ReceivedOn = Today });

        var account = await payments.ForCustomerAsync(manager, customer.Id);
        var home = await scope.ServiceProvider.GetRequiredService<CustomerPortal>().HomeAsync(CallerFor(customer));

        Assert.NotNull(account);
        Assert.Equal(new AccountBalance(252m, 240.50m, new DateOnly(2026, 11, 20), 100.50m), account.Balance);
        Assert.Equal(11.50m, account.Balance.Due);
        Assert.Equal(home.Balance, account.Balance);
        Assert.Equal(home.Balance.Due, account.Balance.Due);
        Assert.Equal(
            [
                new PaymentRow(later.Value, new DateOnly(2026, 11, 20), 100.50m, PaymentMethod.Cash, null, managerUser.DisplayName, TestServices.DefaultNow),
                new PaymentRow(earlier.Value, new DateOnly(2026, 11, 2), 140m, PaymentMethod.Upi, "UPI 1", managerUser.DisplayName, TestServices.DefaultNow),
            ],
            account.Payments);
    }

    [Fact]
    public async Task A_customer_with_nothing_invoiced_or_paid_owes_nothing()
    {
        var account = await payments.ForCustomerAsync(manager, customer.Id);

        Assert.NotNull(account);
        Assert.Equal(new AccountBalance(0m, 0m, null, null), account.Balance);
        Assert.Empty(account.Payments);
    }
}
