using Portal.Domain.Subscriptions;

namespace Portal.Tests.Subscriptions;

/// <summary>The per-date function on its own: no database, every rule and boundary.</summary>
public sealed class DueQuantityTests
{
    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    private static Subscription Sub(DateOnly start, params SubscriptionSchedule[] schedules)
    {
        foreach (var schedule in schedules.Where(s => s.EffectiveFrom == default))
        {
            schedule.EffectiveFrom = start;
        }
        return new Subscription { StartDate = start, Schedules = [.. schedules] };
    }

    private static SubscriptionSchedule Daily(decimal q, DateOnly from = default) => new() { Kind = ScheduleKind.Daily, Quantity = q, EffectiveFrom = from };

    private static SubscriptionSchedule Every(int n, decimal q, DateOnly from = default) =>
        new() { Kind = ScheduleKind.EveryNDays, IntervalDays = n, Quantity = q, EffectiveFrom = from };

    private static SubscriptionSchedule Weekly(decimal weekdays, decimal weekend, decimal wednesday, DateOnly from = default) => new()
    {
        Kind = ScheduleKind.Weekly, EffectiveFrom = from,
        Monday = weekdays, Tuesday = weekdays, Wednesday = wednesday, Thursday = weekdays, Friday = weekdays, Saturday = weekend, Sunday = weekend,
    };

    [Fact]
    public void Nothing_is_due_before_the_start_or_after_the_end_date()
    {
        var sub = Sub(D(2026, 11, 10), Daily(1m));
        sub.EndDate = D(2026, 11, 20);

        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 11, 9)));
        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 11, 10)));
        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 11, 20)));
        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 11, 21)));
    }

    [Fact]
    public void A_daily_schedule_runs_across_month_and_year_ends_and_the_leap_day()
    {
        var sub = Sub(D(2027, 12, 30), Daily(1.5m));

        foreach (var day in new[] { D(2027, 12, 31), D(2028, 1, 1), D(2028, 2, 28), D(2028, 2, 29), D(2028, 3, 1) })
        {
            Assert.Equal(1.5m, DueQuantity.On(sub, day));
        }
    }

    [Fact]
    public void Alternate_days_count_from_the_start_date_across_month_ends()
    {
        var sub = Sub(D(2026, 1, 30), Every(2, 1m));

        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 1, 30)));
        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 1, 31)));
        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 2, 1)));
        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 2, 28)));
        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 3, 1)));
    }

    [Fact]
    public void Every_third_day_over_a_leap_february()
    {
        var sub = Sub(D(2028, 2, 26), Every(3, 2m));

        Assert.Equal(2m, DueQuantity.On(sub, D(2028, 2, 26)));
        Assert.Equal(2m, DueQuantity.On(sub, D(2028, 2, 29)));
        Assert.Equal(2m, DueQuantity.On(sub, D(2028, 3, 3)));
        Assert.Equal(0m, DueQuantity.On(sub, D(2028, 3, 1)));
    }

    [Fact]
    public void A_weekday_schedule_gives_each_weekday_its_own_quantity()
    {
        // 23 Nov 2026 is a Monday.
        var sub = Sub(D(2026, 11, 23), Weekly(1m, 2m, 0m));

        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 11, 23)));
        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 11, 24)));
        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 11, 25)));
        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 11, 27)));
        Assert.Equal(2m, DueQuantity.On(sub, D(2026, 11, 28)));
        Assert.Equal(2m, DueQuantity.On(sub, D(2026, 11, 29)));
    }

    [Fact]
    public void A_schedule_change_mid_month_applies_from_its_date_and_past_days_keep_the_old_one()
    {
        var sub = Sub(D(2026, 11, 1), Daily(1m), Every(2, 2m, D(2026, 11, 15)));

        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 11, 14)));
        Assert.Equal(2m, DueQuantity.On(sub, D(2026, 11, 15)));
        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 11, 16)));
        Assert.Equal(2m, DueQuantity.On(sub, D(2026, 11, 17)));
    }

    [Fact]
    public void A_pause_covers_its_first_and_last_day_and_nothing_outside()
    {
        var sub = Sub(D(2026, 11, 1), Daily(1m));
        sub.Pauses.Add(new SubscriptionPause { FromDate = D(2026, 11, 10), ToDate = D(2026, 11, 12) });

        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 11, 9)));
        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 11, 10)));
        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 11, 11)));
        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 11, 12)));
        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 11, 13)));
    }

    [Fact]
    public void An_override_replaces_the_day_and_zero_skips_it()
    {
        var sub = Sub(D(2026, 11, 1), Every(2, 1m));
        sub.Overrides.Add(new SubscriptionOverride { Date = D(2026, 11, 2), Quantity = 3m });
        sub.Overrides.Add(new SubscriptionOverride { Date = D(2026, 11, 3), Quantity = 0m });

        Assert.Equal(3m, DueQuantity.On(sub, D(2026, 11, 2)));
        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 11, 3)));
        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 11, 5)));
    }

    [Fact]
    public void A_pause_wins_over_an_override_on_the_same_day()
    {
        var sub = Sub(D(2026, 11, 1), Daily(1m));
        sub.Pauses.Add(new SubscriptionPause { FromDate = D(2026, 11, 10), ToDate = D(2026, 11, 10) });
        sub.Overrides.Add(new SubscriptionOverride { Date = D(2026, 11, 10), Quantity = 2m });

        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 11, 10)));
    }

    [Fact]
    public void An_override_outside_the_subscription_is_ignored()
    {
        var sub = Sub(D(2026, 11, 10), Daily(1m));
        sub.EndDate = D(2026, 11, 12);
        sub.Overrides.Add(new SubscriptionOverride { Date = D(2026, 11, 9), Quantity = 2m });
        sub.Overrides.Add(new SubscriptionOverride { Date = D(2026, 11, 13), Quantity = 2m });

        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 11, 9)));
        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 11, 13)));
    }

    [Fact]
    public void A_cancelled_subscription_still_answers_for_the_days_before_it_ended()
    {
        var sub = Sub(D(2026, 11, 1), Daily(1m));
        sub.Status = SubscriptionStatus.Cancelled;
        sub.EndDate = D(2026, 11, 15);

        Assert.Equal(1m, DueQuantity.On(sub, D(2026, 11, 15)));
        Assert.Equal(0m, DueQuantity.On(sub, D(2026, 11, 16)));
    }
}
