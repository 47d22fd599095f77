using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Payments;
using Portal.Domain.Products;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.SelfService;

/// <summary>Rows the customer-portal tests stand on, beyond <see cref="TestData"/>: changes to a day, records with a reason, payments.</summary>
internal static class SelfServiceData
{
    /// <summary>Today in the fixture's clock: Tuesday 24 Nov 2026 (IST), 19:00.</summary>
    public static readonly DateOnly Today = new(2026, 11, 24);

    public static readonly DateOnly Tomorrow = new(2026, 11, 25);

    public static DateOnly Nov(int day) => new(2026, 11, day);

    /// <summary>The customer signed in, as the portal builds the caller from their login.</summary>
    public static Caller CallerFor(Customer customer) => new(customer.UserId, customer.Name, new HashSet<string> { Roles.Customer });

    public static async Task AddOverrideAsync(PortalDbContext db, Subscription subscription, DateOnly date, decimal quantity)
    {
        db.SubscriptionOverrides.Add(new SubscriptionOverride { SubscriptionId = subscription.Id, Date = date, Quantity = quantity, CreatedAt = TestData.Now });
        await db.SaveChangesAsync();
    }

    public static async Task<SubscriptionPause> AddPauseAsync(PortalDbContext db, Subscription subscription, DateOnly from, DateOnly to)
    {
        var pause = new SubscriptionPause { SubscriptionId = subscription.Id, FromDate = from, ToDate = to, CreatedAt = TestData.Now };
        db.SubscriptionPauses.Add(pause);
        await db.SaveChangesAsync();
        return pause;
    }

    /// <summary>A subscription's record for a day with its outcome following from the quantities, and a reason when nothing was delivered.</summary>
    public static async Task<Delivery> AddRecordAsync(
        PortalDbContext db, Subscription subscription, DateOnly date, PortalUser agent, decimal planned, decimal delivered,
        NotDeliveredReason? reason = null, string? note = null)
    {
        var outcome = TestData.OutcomeFor(planned, delivered);
        var delivery = new Delivery
        {
            SubscriptionId = subscription.Id,
            DeliveryDate = date,
            PlannedQuantity = planned,
            DeliveredQuantity = delivered,
            Outcome = outcome,
            Reason = outcome == DeliveryOutcome.NotDelivered ? reason ?? NotDeliveredReason.CustomerAway : null,
            ReasonNote = outcome == DeliveryOutcome.NotDelivered ? note : null,
            RecordedByUserId = agent.Id,
            RecordedAt = TestData.Now,
        };
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync();
        return delivery;
    }

    public static async Task AddPriceAsync(PortalDbContext db, Product product, DateOnly from, decimal unitPrice)
    {
        db.ProductPrices.Add(new ProductPrice { ProductId = product.Id, EffectiveFrom = from, UnitPrice = unitPrice, CreatedAt = TestData.Now });
        await db.SaveChangesAsync();
    }

    public static async Task AddPaymentAsync(PortalDbContext db, Customer customer, PortalUser recordedBy, DateOnly receivedOn, decimal amount)
    {
        db.Payments.Add(new Payment
        {
            CustomerId = customer.Id,
            Amount = amount,
            Method = PaymentMethod.Upi,
            ReceivedOn = receivedOn,
            RecordedByUserId = recordedBy.Id,
            RecordedAt = TestData.Now,
        });
        await db.SaveChangesAsync();
    }

    public static async Task CancelOrderAsync(PortalDbContext db, Order order)
    {
        await db.Orders.Where(o => o.Id == order.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Cancelled).SetProperty(o => o.CancelledAt, TestData.Now));
    }
}
