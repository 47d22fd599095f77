using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.SharedLinks;

namespace Portal.Domain.Auditing;

/// <summary>Who did what, when. Written in the same transaction as the change it describes.</summary>
public class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public string? ActorUserId { get; set; }

    public PortalUser? ActorUser { get; set; }

    public int? ActorSharedLinkId { get; set; }

    public SharedLink? ActorSharedLink { get; set; }

    /// <summary>The actor's name as it was at the time.</summary>
    public string ActorName { get; set; } = "";

    public string Action { get; set; } = "";

    public string EntityType { get; set; } = "";

    public string EntityId { get; set; } = "";

    public int? CustomerId { get; set; }

    public Customer? Customer { get; set; }

    public string Summary { get; set; } = "";

    /// <summary>JSON of the changed fields before and after.</summary>
    public string? Before { get; set; }

    public string? After { get; set; }
}
