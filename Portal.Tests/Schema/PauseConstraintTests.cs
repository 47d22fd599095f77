using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Schema;

/// <summary>No day of a subscription is ever paused twice: an exclusion constraint over the inclusive date ranges.</summary>
public sealed class PauseConstraintTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly DateOnly Start = new(2026, 11, 1);

    private async Task<Subscription> AddSubscriptionAsync()
    {
        await using var db = fixture.CreateContext();
        return await TestData.AddSubscriptionAsync(db, await TestData.AddCustomerAsync(db), await TestData.AddProductAsync(db), Start);
    }

    private static SubscriptionPause Pause(Subscription subscription, int fromDay, int toDay) => new()
    {
        SubscriptionId = subscription.Id,
        FromDate = new DateOnly(2026, 12, fromDay),
        ToDate = new DateOnly(2026, 12, toDay),
        CreatedAt = TestData.Now,
    };

    private async Task AddAsync(params SubscriptionPause[] pauses)
    {
        await using var db = fixture.CreateContext();
        db.SubscriptionPauses.AddRange(pauses);
        await db.SaveChangesAsync();
    }

    private async Task<int> CountPausesAsync(Subscription subscription)
    {
        await using var db = fixture.CreateContext();
        return await db.SubscriptionPauses.CountAsync(p => p.SubscriptionId == subscription.Id);
    }

    [Theory]
    [InlineData(5, 12)]
    [InlineData(10, 15)]
    [InlineData(1, 1)]
    [InlineData(3, 4)]
    [InlineData(1, 31)]
    public async Task A_pause_overlapping_another_pause_of_the_same_subscription_is_refused(int fromDay, int toDay)
    {
        var subscription = await AddSubscriptionAsync();
        await AddAsync(Pause(subscription, 1, 10));

        await using var db = fixture.CreateContext();
        db.SubscriptionPauses.Add(Pause(subscription, fromDay, toDay));

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.ExclusionViolation, "ex_subscription_pauses_no_overlap", () => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Pauses_that_touch_without_sharing_a_day_are_accepted()
    {
        var subscription = await AddSubscriptionAsync();

        await AddAsync(Pause(subscription, 1, 10));
        await AddAsync(Pause(subscription, 11, 15));
        await AddAsync(Pause(subscription, 16, 16));

        Assert.Equal(3, await CountPausesAsync(subscription));
    }

    [Fact]
    public async Task Overlapping_pauses_of_different_subscriptions_are_accepted()
    {
        var first = await AddSubscriptionAsync();
        var second = await AddSubscriptionAsync();

        await AddAsync(Pause(first, 1, 10));
        await AddAsync(Pause(second, 1, 10));

        Assert.Equal(1, await CountPausesAsync(first));
        Assert.Equal(1, await CountPausesAsync(second));
    }

    [Fact]
    public async Task A_pause_ending_before_it_starts_is_refused()
    {
        var subscription = await AddSubscriptionAsync();
        await using var db = fixture.CreateContext();
        db.SubscriptionPauses.Add(Pause(subscription, 10, 9));

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.CheckViolation, "ck_subscription_pauses_dates", () => db.SaveChangesAsync());
    }
}
