using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Products;

namespace Portal.Domain.Orders;

public enum OrderStatus
{
    Pending,
    Delivered,
    PartiallyDelivered,
    NotDelivered,
    Cancelled,
}

/// <summary>A one-time order for one delivery date. Its status follows the deliveries of its lines.</summary>
public class Order
{
    public int Id { get; set; }

    public int CustomerId { get; set; }

    public Customer Customer { get; set; } = null!;

    public DateOnly DeliveryDate { get; set; }

    public OrderStatus Status { get; set; } = OrderStatus.Pending;

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedByUserId { get; set; } = "";

    public PortalUser CreatedBy { get; set; } = null!;

    public DateTimeOffset? CancelledAt { get; set; }

    public List<OrderLine> Lines { get; set; } = [];

    public uint Version { get; set; }
}

/// <summary>One product on an order, at the unit price fixed when it was ordered.</summary>
public class OrderLine
{
    public int Id { get; set; }

    public int OrderId { get; set; }

    public Order Order { get; set; } = null!;

    public int ProductId { get; set; }

    public Product Product { get; set; } = null!;

    public decimal Quantity { get; set; }

    public decimal UnitPrice { get; set; }
}
