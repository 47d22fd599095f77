using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.SharedLinks;
using Portal.Domain.Subscriptions;

namespace Portal.Domain.Deliveries;

public enum DeliveryOutcome
{
    Delivered,
    Partial,
    NotDelivered,
}

public enum NotDeliveredReason
{
    CustomerAway,
    Refused,
    OutOfStock,
    AddressNotFound,
    Other,
}

/// <summary>
/// What happened at one stop for one thing due: either a subscription on a date, or an order line — never both, never neither.
/// Unique per (subscription, date) and per order line, so a stop is recorded once and corrected in place.
/// </summary>
public class Delivery
{
    public long Id { get; set; }

    public int? SubscriptionId { get; set; }

    public Subscription? Subscription { get; set; }

    public int? OrderLineId { get; set; }

    public OrderLine? OrderLine { get; set; }

    public DateOnly DeliveryDate { get; set; }

    public decimal PlannedQuantity { get; set; }

    public decimal DeliveredQuantity { get; set; }

    public DeliveryOutcome Outcome { get; set; }

    public NotDeliveredReason? Reason { get; set; }

    public string? ReasonNote { get; set; }

    public string? RecordedByUserId { get; set; }

    public PortalUser? RecordedBy { get; set; }

    public int? RecordedViaSharedLinkId { get; set; }

    public SharedLink? RecordedViaSharedLink { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public uint Version { get; set; }
}
