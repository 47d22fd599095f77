using Portal.Domain.Customers;
using Portal.Domain.Products;

namespace Portal.Domain.Subscriptions;

public enum SubscriptionStatus
{
    Active,
    Paused,
    Cancelled,
}

public enum ScheduleKind
{
    Daily,
    EveryNDays,
    Weekly,
}

public class Subscription
{
    public int Id { get; set; }

    public int CustomerId { get; set; }

    public Customer Customer { get; set; } = null!;

    public int ProductId { get; set; }

    public Product Product { get; set; } = null!;

    public DateOnly StartDate { get; set; }

    public DateOnly? EndDate { get; set; }

    public SubscriptionStatus Status { get; set; } = SubscriptionStatus.Active;

    public DateTimeOffset CreatedAt { get; set; }

    public List<SubscriptionSchedule> Schedules { get; set; } = [];

    public List<SubscriptionPause> Pauses { get; set; } = [];

    public List<SubscriptionOverride> Overrides { get; set; } = [];

    public uint Version { get; set; }
}

/// <summary>
/// The schedule that applies from <see cref="EffectiveFrom"/> until the next one: changing a schedule adds a row,
/// so past dates keep answering with the schedule that applied then.
/// </summary>
public class SubscriptionSchedule
{
    public int Id { get; set; }

    public int SubscriptionId { get; set; }

    public Subscription Subscription { get; set; } = null!;

    public DateOnly EffectiveFrom { get; set; }

    public ScheduleKind Kind { get; set; }

    /// <summary>Quantity on each due day for <see cref="ScheduleKind.Daily"/> and <see cref="ScheduleKind.EveryNDays"/>.</summary>
    public decimal? Quantity { get; set; }

    /// <summary>N for <see cref="ScheduleKind.EveryNDays"/>, counted from the subscription's start date (2 = alternate days).</summary>
    public int? IntervalDays { get; set; }

    public decimal? Monday { get; set; }

    public decimal? Tuesday { get; set; }

    public decimal? Wednesday { get; set; }

    public decimal? Thursday { get; set; }

    public decimal? Friday { get; set; }

    public decimal? Saturday { get; set; }

    public decimal? Sunday { get; set; }
}

/// <summary>A vacation: nothing is delivered from <see cref="FromDate"/> to <see cref="ToDate"/>, both included.</summary>
public class SubscriptionPause
{
    public int Id { get; set; }

    public int SubscriptionId { get; set; }

    public Subscription Subscription { get; set; } = null!;

    public DateOnly FromDate { get; set; }

    public DateOnly ToDate { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One date's quantity instead of the schedule's (0 = skip that day).</summary>
public class SubscriptionOverride
{
    public int Id { get; set; }

    public int SubscriptionId { get; set; }

    public Subscription Subscription { get; set; } = null!;

    public DateOnly Date { get; set; }

    public decimal Quantity { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
