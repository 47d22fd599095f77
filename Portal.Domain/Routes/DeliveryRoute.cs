using Portal.Domain.Customers;
using Portal.Domain.Identity;

namespace Portal.Domain.Routes;

/// <summary>A named morning round. Its customers carry their stop order; its agents are the users who may work it.</summary>
public class DeliveryRoute
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public bool IsActive { get; set; } = true;

    public List<Customer> Customers { get; set; } = [];

    public List<RouteAgent> Agents { get; set; } = [];

    public uint Version { get; set; }
}

public class RouteAgent
{
    public int RouteId { get; set; }

    public DeliveryRoute Route { get; set; } = null!;

    public string UserId { get; set; } = "";

    public PortalUser User { get; set; } = null!;
}
