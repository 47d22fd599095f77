using Portal.Domain.Customers;
using Portal.Domain.Identity;

namespace Portal.Domain.Payments;

public enum PaymentMethod
{
    Cash,
    Upi,
    Bank,
}

/// <summary>Money received from a customer against their balance.</summary>
public class Payment
{
    public int Id { get; set; }

    public int CustomerId { get; set; }

    public Customer Customer { get; set; } = null!;

    public decimal Amount { get; set; }

    public PaymentMethod Method { get; set; }

    public DateOnly ReceivedOn { get; set; }

    public string? Reference { get; set; }

    public string RecordedByUserId { get; set; } = "";

    public PortalUser RecordedBy { get; set; } = null!;

    public DateTimeOffset RecordedAt { get; set; }
}
