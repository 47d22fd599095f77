using Portal.Domain.Customers;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Domain.Subscriptions;

namespace Portal.Domain.Billing;

/// <summary>One billing of one calendar month. A later run for the same month is supplementary.</summary>
public class BillingRun
{
    public int Id { get; set; }

    /// <summary>The first day of the billed month.</summary>
    public DateOnly PeriodMonth { get; set; }

    public bool IsSupplementary { get; set; }

    public string StartedByUserId { get; set; } = "";

    public PortalUser StartedBy { get; set; } = null!;

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset CompletedAt { get; set; }

    public int CustomersBilled { get; set; }

    public int DeliveriesBilled { get; set; }

    public int MissingDeliveries { get; set; }

    public decimal TotalAmount { get; set; }

    public List<Invoice> Invoices { get; set; } = [];

    public List<MissingDelivery> Missing { get; set; } = [];
}

public class Invoice
{
    public int Id { get; set; }

    /// <summary>e.g. INV/2026-27/000123: gapless per Indian financial year (April–March).</summary>
    public string Number { get; set; } = "";

    public string FinancialYear { get; set; } = "";

    public int Sequence { get; set; }

    public int CustomerId { get; set; }

    public Customer Customer { get; set; } = null!;

    public int BillingRunId { get; set; }

    public BillingRun BillingRun { get; set; } = null!;

    public DateOnly PeriodMonth { get; set; }

    public bool IsSupplementary { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    public decimal TotalAmount { get; set; }

    public List<BillingRecord> Records { get; set; } = [];
}

/// <summary>An invoice line: bills exactly one delivery, and a delivery is billed at most once, ever.</summary>
public class BillingRecord
{
    public long Id { get; set; }

    public int InvoiceId { get; set; }

    public Invoice Invoice { get; set; } = null!;

    public long DeliveryId { get; set; }

    public Delivery Delivery { get; set; } = null!;

    public decimal Quantity { get; set; }

    public decimal UnitPrice { get; set; }

    public decimal Amount { get; set; }
}

/// <summary>Something that was due in a billed month but had no delivery record when the run happened.</summary>
public class MissingDelivery
{
    public long Id { get; set; }

    public int BillingRunId { get; set; }

    public BillingRun BillingRun { get; set; } = null!;

    public int CustomerId { get; set; }

    public Customer Customer { get; set; } = null!;

    public int? RouteId { get; set; }

    public DeliveryRoute? Route { get; set; }

    public DateOnly DeliveryDate { get; set; }

    public int? SubscriptionId { get; set; }

    public Subscription? Subscription { get; set; }

    public int? OrderLineId { get; set; }

    public OrderLine? OrderLine { get; set; }

    public int ProductId { get; set; }

    public Product Product { get; set; } = null!;

    public decimal PlannedQuantity { get; set; }
}

/// <summary>The last invoice number issued in a financial year; bumped inside the billing transaction so numbers have no gaps.</summary>
public class InvoiceSequence
{
    public string FinancialYear { get; set; } = "";

    public int LastNumber { get; set; }
}
