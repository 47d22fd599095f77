using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Identity;
using Portal.Tests.Deliveries;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Billing;

/// <summary>Never twice, never half: reruns, supplementary invoices, concurrent runs, a run killed mid-way, gapless numbers, access.</summary>
public sealed class BillingRunSafetyTests : IAsyncLifetime
{
    /// <summary>The advisory lock key billing runs take: "BILL".</summary>
    private const long BillingLockKey = 0x42494C4C;

    private static readonly DateOnly October = new(2026, 10, 1);
    private static readonly DateOnly November = BillingGround.November;
    private BillingGround ground = null!;

    public async Task InitializeAsync() => ground = await BillingGround.CreateAsync();

    public async Task DisposeAsync() => await ground.DisposeAsync();

    private static DateOnly Nov(int day) => new(2026, 11, day);

    [Fact]
    public async Task Rerunning_billing_never_bills_a_delivery_twice()
    {
        await ground.AddDeliveredMonthAsync(November);
        var first = await ground.RunAsync(November);
        var after = await ground.CountsAsync();

        var second = await ground.RunAsync(November);

        Assert.Equal((1, 30), (first.CustomersBilled, first.DeliveriesBilled));
        Assert.Null(second.RunId);
        Assert.Equal((0, 0, 0m), (second.CustomersBilled, second.DeliveriesBilled, second.Total));
        Assert.StartsWith("Nothing new to bill", second.Message);
        Assert.Equal(after, await ground.CountsAsync());
        var preview = await ground.Billing.PreviewAsync(ground.Manager, November);
        Assert.Equal((0, 0m, true), (preview.Deliveries, preview.Total, preview.IsSupplementary));
    }

    [Fact]
    public async Task A_delivery_recorded_after_the_run_is_billed_on_a_supplementary_invoice_with_the_next_number()
    {
        var (late, subscription) = await ground.AddSubscriberAsync(start: Nov(29), end: Nov(30));
        await ground.DeliverAsync(subscription, Nov(29));
        await ground.AddDeliveredMonthAsync(November);
        await ground.RunAsync(November);
        var recordedLate = await ground.DeliverAsync(subscription, Nov(30), planned: 1m, delivered: 0.5m);

        var supplementary = await ground.RunAsync(November);

        Assert.True(supplementary.IsSupplementary);
        Assert.Equal((1, 1, 28m), (supplementary.CustomersBilled, supplementary.DeliveriesBilled, supplementary.Total));
        var invoices = await ground.InvoicesAsync();
        Assert.Equal(3, invoices.Count);
        var extra = invoices.Single(i => i.BillingRunId == supplementary.RunId);
        Assert.Equal((late.Id, true, 3, "INV/2026-27/000003"), (extra.CustomerId, extra.IsSupplementary, extra.Sequence, extra.Number));
        Assert.Equal(recordedLate.Id, Assert.Single(extra.Records).DeliveryId);
        Assert.All(invoices.Where(i => i.Id != extra.Id), i => Assert.False(i.IsSupplementary));
        await using var db = ground.Fixture.CreateContext();
        Assert.Equal([false, true], await db.BillingRuns.OrderBy(r => r.Id).Select(r => r.IsSupplementary).ToListAsync());
        // Nothing is missing any more: the supplementary run's list is empty where the first run's had Nov 30.
        Assert.Equal(1, (await db.BillingRuns.OrderBy(r => r.Id).FirstAsync()).MissingDeliveries);
        Assert.Equal(0, supplementary.Missing);
    }

    [Fact]
    public async Task A_run_is_refused_while_another_holds_the_billing_lock()
    {
        await ground.AddDeliveredMonthAsync(November);
        await using var other = new NpgsqlConnection(ground.Fixture.ConnectionString);
        await other.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({BillingLockKey})", other))
        {
            await take.ExecuteNonQueryAsync();
        }
        var before = await ground.CountsAsync();

        var refused = await ground.Billing.RunAsync(ground.Manager, November);

        Assert.False(refused.Succeeded);
        Assert.Contains("Another billing run is in progress", Assert.Single(refused.Problems).Message);
        Assert.Equal(before, await ground.CountsAsync());
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({BillingLockKey})", other))
        {
            await release.ExecuteNonQueryAsync();
        }
        Assert.Equal(1, (await ground.RunAsync(November)).CustomersBilled);
    }

    [Fact]
    public async Task Two_runs_at_once_bill_once_and_refuse_the_second_with_a_clear_message()
    {
        await ground.AddDeliveredMonthAsync(November);
        // The first run stalls on its first invoice line while holding the lock.
        await using var slow = await TestTrigger.CreateAsync(ground.Fixture, "BEFORE INSERT", "billing_records", "TRUE", "PERFORM pg_sleep(0.05)");
        using var secondScope = ground.Fixture.Services.CreateScope();

        var first = ground.Billing.RunAsync(ground.Manager, November);
        await WaitForBillingLockAsync();
        var second = await secondScope.ServiceProvider.GetRequiredService<BillingService>().RunAsync(ground.Manager, November);
        var firstResult = await first;

        Assert.True(firstResult.Succeeded);
        Assert.Equal(30, firstResult.Value!.DeliveriesBilled);
        Assert.False(second.Succeeded);
        Assert.Equal("Another billing run is in progress. Wait for it to finish, then run again: nothing will be billed twice.", Assert.Single(second.Problems).Message);
        var counts = await ground.CountsAsync();
        Assert.Equal((1, 1, 30), (counts.Runs, counts.Invoices, counts.Records));
    }

    [Fact]
    public async Task A_run_killed_mid_way_leaves_nothing_behind_and_no_gap_in_the_numbers()
    {
        await ground.AddDeliveredMonthAsync(October);
        await ground.RunAsync(October);
        await ground.AddDeliveredMonthAsync(November);
        var (_, gappy) = await ground.AddSubscriberAsync(start: Nov(1), end: Nov(2));
        await ground.DeliverAsync(gappy, Nov(1));
        var before = await ground.CountsAsync();
        Assert.Equal("2026-27=1", before.Sequences);

        await using (await TestTrigger.CreateAsync(ground.Fixture, "BEFORE INSERT", "billing_records", "TRUE", "RAISE EXCEPTION 'killed mid-way'"))
        {
            var killed = await Assert.ThrowsAsync<PostgresException>(() => ground.Billing.RunAsync(ground.Manager, November));
            Assert.Contains("killed mid-way", killed.MessageText);
        }

        Assert.Equal(before, await ground.CountsAsync());
        await using (var db = ground.Fixture.CreateContext())
        {
            Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == AuditActions.BillingRun));
        }
        var rerun = await ground.RunAsync(November);
        Assert.Equal((2, 31, 1), (rerun.CustomersBilled, rerun.DeliveriesBilled, rerun.Missing));
        Assert.Equal(["INV/2026-27/000001", "INV/2026-27/000002", "INV/2026-27/000003"], (await ground.InvoicesAsync()).Select(i => i.Number).Order());
    }

    [Fact]
    public async Task Invoice_numbers_run_without_gaps_per_financial_year_and_continue_across_runs()
    {
        await using var later = await BillingGround.CreateAsync(new DateTimeOffset(2027, 5, 10, 6, 0, 0, TimeSpan.Zero));
        var march = new DateOnly(2027, 3, 1);
        var april = new DateOnly(2027, 4, 1);
        for (var i = 0; i < 3; i++)
        {
            await later.AddDeliveredMonthAsync(march);
        }
        await later.AddDeliveredMonthAsync(april);
        await later.AddDeliveredMonthAsync(april);
        var (_, decemberOnly) = await later.AddSubscriberAsync(start: new DateOnly(2026, 12, 31), end: new DateOnly(2026, 12, 31));
        await later.DeliverAsync(decemberOnly, new DateOnly(2026, 12, 31));

        await later.RunAsync(march);
        await later.RunAsync(april);
        await later.RunAsync(new DateOnly(2026, 12, 1));

        var invoices = await later.InvoicesAsync();
        Assert.Equal(
            ["INV/2026-27/000001", "INV/2026-27/000002", "INV/2026-27/000003", "INV/2026-27/000004", "INV/2027-28/000001", "INV/2027-28/000002"],
            invoices.Select(i => i.Number).Order(StringComparer.Ordinal));
        Assert.All(invoices.Where(i => i.PeriodMonth == march), i => Assert.Equal("2026-27", i.FinancialYear));
        Assert.All(invoices.Where(i => i.PeriodMonth == april), i => Assert.Equal("2027-28", i.FinancialYear));
        Assert.Equal([1, 2, 3], invoices.Where(i => i.PeriodMonth == march).Select(i => i.Sequence).Order());
        Assert.Equal(4, invoices.Single(i => i.PeriodMonth == new DateOnly(2026, 12, 1)).Sequence);
        Assert.All(invoices, i => Assert.Equal(TestData.InvoiceNumber(i.FinancialYear, i.Sequence), i.Number));
    }

    [Theory]
    [InlineData(2026, 3, "2025-26")]
    [InlineData(2026, 4, "2026-27")]
    [InlineData(2026, 11, "2026-27")]
    [InlineData(2027, 3, "2026-27")]
    [InlineData(2099, 12, "2099-00")]
    public void The_financial_year_runs_april_to_march(int year, int month, string expected) =>
        Assert.Equal(expected, BillingService.FinancialYear(new DateOnly(year, month, 1)));

    [Fact]
    public async Task A_month_that_has_not_begun_cannot_be_billed()
    {
        var result = await ground.Billing.RunAsync(ground.Manager, new DateOnly(2027, 1, 1));

        Assert.Equal("Month", Assert.Single(result.Problems).Field);
        Assert.Equal(0, (await ground.CountsAsync()).Runs);
    }

    [Theory]
    [InlineData(Roles.Staff)]
    [InlineData(Roles.DeliveryAgent)]
    [InlineData(Roles.Customer)]
    public async Task Only_managers_and_admins_may_preview_or_run_billing(string role)
    {
        await ground.AddDeliveredMonthAsync(November);
        var refused = new Caller(ground.ManagerUser.Id, "Someone", new HashSet<string> { role });

        await Assert.ThrowsAsync<AccessDeniedException>(() => ground.Billing.PreviewAsync(refused, November));
        await Assert.ThrowsAsync<AccessDeniedException>(() => ground.Billing.RunAsync(refused, November));

        Assert.Equal(0, (await ground.CountsAsync()).Runs);
        var admin = new Caller(ground.ManagerUser.Id, "Owner", new HashSet<string> { Roles.Admin });
        Assert.Single((await ground.Billing.PreviewAsync(admin, November)).Customers);
    }

    private async Task WaitForBillingLockAsync()
    {
        await using var connection = new NpgsqlConnection(ground.Fixture.ConnectionString);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND objid::bigint = @key",
                connection);
            command.Parameters.AddWithValue("key", (long)(uint)BillingLockKey);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }
            await Task.Delay(10);
        }
        Assert.Fail("The first billing run never took the lock.");
    }
}
