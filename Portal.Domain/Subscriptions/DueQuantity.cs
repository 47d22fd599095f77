namespace Portal.Domain.Subscriptions;

/// <summary>
/// The one answer to "how much of this subscription is due on date D". Delivery sheets, billing's missing-delivery
/// check and the customer's calendar all come back here (or to <see cref="DueQuery"/>, its set-based twin in SQL,
/// which the tests hold to the same answers).
/// </summary>
public static class DueQuantity
{
    /// <summary>
    /// Rules, in order: nothing before the start or after the end date; nothing on a paused day (a vacation wins over
    /// everything, overrides included); an override for the day replaces the schedule (0 skips the day); otherwise the
    /// schedule in force that day — the one with the latest effective-from on or before it:
    /// every day; every N days counted from the day that schedule took effect (the start date for the first one);
    /// or the quantity for that weekday.
    /// </summary>
    public static decimal On(Subscription subscription, DateOnly date)
    {
        if (date < subscription.StartDate || (subscription.EndDate is { } end && date > end))
        {
            return 0m;
        }
        if (subscription.Pauses.Any(p => p.FromDate <= date && date <= p.ToDate))
        {
            return 0m;
        }
        var change = subscription.Overrides.FirstOrDefault(o => o.Date == date);
        if (change is not null)
        {
            return change.Quantity;
        }
        SubscriptionSchedule? schedule = null;
        foreach (var candidate in subscription.Schedules)
        {
            if (candidate.EffectiveFrom <= date && (schedule is null || candidate.EffectiveFrom > schedule.EffectiveFrom))
            {
                schedule = candidate;
            }
        }
        return schedule is null ? 0m : ScheduledOn(schedule, date);
    }

    public static decimal ScheduledOn(SubscriptionSchedule schedule, DateOnly date) => schedule.Kind switch
    {
        ScheduleKind.Daily => schedule.Quantity ?? 0m,
        ScheduleKind.EveryNDays => schedule.IntervalDays is > 0 and var n && (date.DayNumber - schedule.EffectiveFrom.DayNumber) % n == 0
            ? schedule.Quantity ?? 0m
            : 0m,
        ScheduleKind.Weekly => date.DayOfWeek switch
        {
            DayOfWeek.Monday => schedule.Monday,
            DayOfWeek.Tuesday => schedule.Tuesday,
            DayOfWeek.Wednesday => schedule.Wednesday,
            DayOfWeek.Thursday => schedule.Thursday,
            DayOfWeek.Friday => schedule.Friday,
            DayOfWeek.Saturday => schedule.Saturday,
            _ => schedule.Sunday,
        } ?? 0m,
        _ => 0m,
    };
}
