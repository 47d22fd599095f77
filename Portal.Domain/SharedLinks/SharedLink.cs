using Portal.Domain.Identity;
using Portal.Domain.Routes;

namespace Portal.Domain.SharedLinks;

/// <summary>
/// A secret, expiring, revocable link to one route's sheet for one date, for a substitute without an account.
/// Only the SHA-256 of the token is stored.
/// </summary>
public class SharedLink
{
    public int Id { get; set; }

    public int RouteId { get; set; }

    public DeliveryRoute Route { get; set; } = null!;

    public DateOnly SheetDate { get; set; }

    public byte[] TokenHash { get; set; } = [];

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string CreatedByUserId { get; set; } = "";

    public PortalUser CreatedBy { get; set; } = null!;

    public DateTimeOffset CreatedAt { get; set; }
}
