using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Deliveries;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Domain.Subscriptions;

namespace Portal.Domain.SelfService;

/// <summary>One thing planned for one customer on one day, before anything is recorded for it.</summary>
internal sealed record PlannedItem(
    DateOnly Date, string ProductName, ProductUnit Unit, decimal Quantity, decimal ScheduledQuantity, PreviewReason Reason,
    int? SubscriptionId, int? OrderId, int? OrderLineId);

/// <summary>A delivery record of the customer with what it comes to at billing's prices.</summary>
internal sealed record RecordedItem(
    long Id, DateOnly Date, string ProductName, ProductUnit Unit, decimal Planned, decimal Delivered, DeliveryOutcome Outcome,
    NotDeliveredReason? Reason, string? ReasonNote, int? SubscriptionId, int? OrderLineId, int? OrderId, decimal Amount);

/// <summary>
/// One customer's days: what is planned (the subscription service's preview rules over <see cref="DueQuantity.On"/>, plus
/// order lines) and what was recorded, priced the way billing prices it. A few queries for the whole range, never one per day.
/// </summary>
internal static class CustomerCalendar
{
    public static async Task<IReadOnlyList<PlannedItem>> PlannedAsync(
        PortalDbContext db, int customerId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var subscriptions = await db.Subscriptions.AsNoTracking().AsSplitQuery()
            .Include(s => s.Product)
            .Include(s => s.Schedules.Where(x => x.EffectiveFrom <= to))
            .Include(s => s.Pauses.Where(p => p.FromDate <= to && p.ToDate >= from))
            .Include(s => s.Overrides.Where(o => o.Date >= from && o.Date <= to))
            .Where(s => s.CustomerId == customerId && s.StartDate <= to && (s.EndDate == null || s.EndDate >= from))
            .OrderBy(s => s.Product.Name).ThenBy(s => s.Id)
            .ToListAsync(cancellationToken);
        var orderLines = await db.OrderLines.AsNoTracking()
            .Where(l => l.Order.CustomerId == customerId && l.Order.DeliveryDate >= from && l.Order.DeliveryDate <= to
                        && l.Order.Status != OrderStatus.Cancelled)
            .OrderBy(l => l.OrderId).ThenBy(l => l.Id)
            .Select(l => new { l.Order.DeliveryDate, l.OrderId, l.Id, l.Product.Name, l.Product.Unit, l.Quantity })
            .ToListAsync(cancellationToken);

        var planned = new List<PlannedItem>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            foreach (var subscription in subscriptions)
            {
                if (LineOn(subscription, day) is { } line)
                {
                    planned.Add(line);
                }
            }
            planned.AddRange(orderLines.Where(l => l.DeliveryDate == day).Select(l =>
                new PlannedItem(day, l.Name, l.Unit, l.Quantity, l.Quantity, PreviewReason.Order, null, l.OrderId, l.Id)));
        }
        return planned;
    }

    /// <summary>
    /// A subscription's line on a day, by the rules of <see cref="SubscriptionService.PreviewAsync"/>: the quantity from
    /// <see cref="DueQuantity.On"/>; paused, skipped (an override of 0) and changed days shown with their reason, even at 0;
    /// nothing for a scheduled day with nothing due, nor for a subscription cancelled before it began.
    /// </summary>
    private static PlannedItem? LineOn(Subscription subscription, DateOnly day)
    {
        if (day < subscription.StartDate || (subscription.EndDate is { } end && day > end))
        {
            return null;
        }
        var quantity = DueQuantity.On(subscription, day);
        if (quantity == 0 && subscription.Status == SubscriptionStatus.Cancelled)
        {
            return null;
        }
        var paused = subscription.Pauses.Any(p => p.FromDate <= day && day <= p.ToDate);
        var changed = subscription.Overrides.Any(o => o.Date == day);
        var reason = paused ? PreviewReason.Paused : changed ? (quantity == 0 ? PreviewReason.Skipped : PreviewReason.Changed) : PreviewReason.Scheduled;
        if (quantity == 0 && reason == PreviewReason.Scheduled)
        {
            return null;
        }
        return new PlannedItem(day, subscription.Product.Name, subscription.Product.Unit, quantity, ScheduledOn(subscription, day), reason,
            subscription.Id, null, null);
    }

    /// <summary>What the schedule in force that day gives, ignoring pauses and overrides: "usually 1 L".</summary>
    private static decimal ScheduledOn(Subscription subscription, DateOnly day)
    {
        var schedule = subscription.Schedules.Where(s => s.EffectiveFrom <= day).MaxBy(s => s.EffectiveFrom);
        return schedule is null ? 0m : DueQuantity.ScheduledOn(schedule, day);
    }

    /// <summary>
    /// The customer's delivery records between two days, each with its amount: what its invoice line says once billed, and
    /// until then what billing will charge — the delivered quantity at the product's price on the day (subscriptions) or at the
    /// order line's price, rounded to paise.
    /// </summary>
    public static async Task<IReadOnlyList<RecordedItem>> RecordedAsync(
        PortalDbContext db, int customerId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        // Two branches, each starting from the customer, so each uses its own index; one OR across the two outer joins
        // would make PostgreSQL read every customer's deliveries of the month.
        var inRange = db.Deliveries.AsNoTracking().Where(d => d.DeliveryDate >= from && d.DeliveryDate <= to);
        var rows = await inRange.Where(d => d.Subscription!.CustomerId == customerId)
            .Concat(inRange.Where(d => d.OrderLine!.Order.CustomerId == customerId))
            .OrderBy(d => d.DeliveryDate).ThenBy(d => d.Id)
            .Select(d => new
            {
                d.Id, d.DeliveryDate,
                ProductName = d.Subscription != null ? d.Subscription.Product.Name : d.OrderLine!.Product.Name,
                Unit = d.Subscription != null ? d.Subscription.Product.Unit : d.OrderLine!.Product.Unit,
                d.PlannedQuantity, d.DeliveredQuantity, d.Outcome, d.Reason, d.ReasonNote, d.SubscriptionId, d.OrderLineId,
                OrderId = d.OrderLine == null ? (int?)null : d.OrderLine.OrderId,
                Billed = db.BillingRecords.Where(b => b.DeliveryId == d.Id).Select(b => (decimal?)b.Amount).FirstOrDefault(),
                UnitPrice = d.OrderLine != null
                    ? (decimal?)d.OrderLine.UnitPrice
                    : db.ProductPrices
                        .Where(p => p.ProductId == d.Subscription!.ProductId && p.EffectiveFrom <= d.DeliveryDate)
                        .OrderByDescending(p => p.EffectiveFrom)
                        .Select(p => (decimal?)p.UnitPrice)
                        .FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new RecordedItem(
                r.Id, r.DeliveryDate, r.ProductName, r.Unit, r.PlannedQuantity, r.DeliveredQuantity, r.Outcome, r.Reason, r.ReasonNote,
                r.SubscriptionId, r.OrderLineId, r.OrderId,
                r.Billed ?? (r.UnitPrice is { } price ? OrderMoney.LineAmount(r.DeliveredQuantity, price) : 0m)))
            .ToList();
    }

    /// <summary>
    /// Every day from <paramref name="first"/> to <paramref name="last"/>, each with its planned items matched to their records.
    /// A record always shows, with its own planned quantity, even where the plan has changed since; an item without one is
    /// upcoming from <paramref name="today"/> on and not recorded before it.
    /// </summary>
    public static IReadOnlyList<CalendarDay> Days(
        DateOnly first, DateOnly last, DateOnly today, IReadOnlyList<PlannedItem> planned, IReadOnlyList<RecordedItem> recorded)
    {
        var bySubscriptionDay = recorded.Where(r => r.SubscriptionId is not null).ToDictionary(r => (r.SubscriptionId!.Value, r.Date));
        var byOrderLine = recorded.Where(r => r.OrderLineId is not null).ToDictionary(r => r.OrderLineId!.Value);
        var plannedByDay = planned.ToLookup(p => p.Date);
        var recordedByDay = recorded.ToLookup(r => r.Date);

        var days = new List<CalendarDay>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var items = new List<CalendarItem>();
            var shown = new HashSet<long>();
            foreach (var item in plannedByDay[day])
            {
                var record = item.SubscriptionId is { } subscriptionId
                    ? bySubscriptionDay.GetValueOrDefault((subscriptionId, day))
                    : byOrderLine.GetValueOrDefault(item.OrderLineId!.Value);
                if (record is not null)
                {
                    shown.Add(record.Id);
                    items.Add(FromRecord(record));
                    continue;
                }
                var state = item.Reason switch
                {
                    PreviewReason.Skipped => CalendarState.Skipped,
                    PreviewReason.Paused => CalendarState.Paused,
                    _ => day < today ? CalendarState.NotRecorded : CalendarState.Upcoming,
                };
                items.Add(new CalendarItem(item.ProductName, item.Unit, item.Quantity, null, state, null, null, null, item.SubscriptionId, item.OrderId));
            }
            items.AddRange(recordedByDay[day].Where(r => !shown.Contains(r.Id)).Select(FromRecord));
            days.Add(new CalendarDay(day, items));
        }
        return days;
    }

    private static CalendarItem FromRecord(RecordedItem r) => new(
        r.ProductName, r.Unit, r.Planned, r.Delivered,
        r.Outcome switch
        {
            DeliveryOutcome.Delivered => CalendarState.Delivered,
            DeliveryOutcome.Partial => CalendarState.Partial,
            _ => CalendarState.NotDelivered,
        },
        r.Reason, r.ReasonNote, r.Id, r.SubscriptionId, r.OrderId);
}
