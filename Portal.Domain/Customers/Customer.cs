using Portal.Domain.Identity;
using Portal.Domain.Routes;

namespace Portal.Domain.Customers;

public enum CustomerStatus
{
    Active,
    Inactive,
}

/// <summary>A household that receives deliveries. Always linked to exactly one login (<see cref="UserId"/>: NOT NULL, UNIQUE).</summary>
public class Customer
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Indian 10-digit mobile, normalised (no +91, no spaces).</summary>
    public string Mobile { get; set; } = "";

    /// <summary>Lower-case, unique when present.</summary>
    public string? Email { get; set; }

    public Address Address { get; set; } = new();

    public int? RouteId { get; set; }

    public DeliveryRoute? Route { get; set; }

    /// <summary>Position on the route; lower comes first.</summary>
    public int? StopOrder { get; set; }

    public CustomerStatus Status { get; set; } = CustomerStatus.Active;

    public string UserId { get; set; } = "";

    public PortalUser User { get; set; } = null!;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Lower-cased name and area, kept by PostgreSQL (a generated column) for the grid's text search.</summary>
    public string SearchText { get; private set; } = "";

    public uint Version { get; set; }
}

public class Address
{
    public string Line { get; set; } = "";

    public string Area { get; set; } = "";

    public string City { get; set; } = "";

    public string PinCode { get; set; } = "";
}
