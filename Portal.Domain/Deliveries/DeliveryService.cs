using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Domain.Subscriptions;

namespace Portal.Domain.Deliveries;

/// <summary>What someone marks at a stop for one item due. <see cref="ExpectedVersion"/> is null for a first recording.</summary>
public sealed record RecordInput(
    int RouteId,
    DateOnly Date,
    int? SubscriptionId,
    int? OrderLineId,
    DeliveryOutcome Outcome,
    decimal? DeliveredQuantity = null,
    NotDeliveredReason? Reason = null,
    string? ReasonNote = null,
    uint? ExpectedVersion = null);

public sealed record RecordedOutcome(
    long DeliveryId, DeliveryOutcome Outcome, decimal PlannedQuantity, decimal DeliveredQuantity,
    NotDeliveredReason? Reason, string? ReasonNote, string RecordedBy, DateTimeOffset RecordedAt, uint Version, bool Billed);

public sealed record SheetItem(DueItem Due, RecordedOutcome? Recorded);

public sealed record SheetStop(int CustomerId, int? StopOrder, string CustomerName, string AddressLine, string Area, IReadOnlyList<SheetItem> Items);

public sealed record SheetProgress(int Delivered, int Partial, int NotDelivered, int Pending)
{
    public int Total => Delivered + Partial + NotDelivered + Pending;
}

public sealed record DeliverySheet(int RouteId, string RouteName, DateOnly Date, IReadOnlyList<SheetStop> Stops, SheetProgress Progress);

/// <summary>
/// The morning's work: the sheet of a route for a date, and recording what happened at each stop. A delivery
/// record points at exactly the subscription-day or order line it delivers; recording an order line moves its
/// order's status in the same transaction. A stop is recorded once and corrected in place — never duplicated —
/// until it is billed, after which it is locked.
/// </summary>
public sealed class DeliveryService(IDbContextFactory<PortalDbContext> contexts, AuditLog audit, PortalClock clock)
{
    public const string EntityType = "Delivery";

    public async Task<DeliverySheet> GetSheetAsync(Recorder recorder, int routeId, DateOnly date, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await RequireSheetAsync(db, recorder, routeId, date, forRecording: false, cancellationToken);
        return await LoadSheetAsync(db, routeId, date, cancellationToken);
    }

    internal static async Task<DeliverySheet> LoadSheetAsync(PortalDbContext db, int routeId, DateOnly date, CancellationToken cancellationToken)
    {
        var routeName = await db.Routes.Where(r => r.Id == routeId).Select(r => r.Name).SingleOrDefaultAsync(cancellationToken)
            ?? throw new AccessDeniedException();
        var due = await DueList.QueryAsync(db, date, date, routeId, cancellationToken);
        var recorded = await RecordedAsync(db, due, date, cancellationToken);
        return BuildSheet(routeId, routeName, date, due, recorded);
    }

    /// <summary>Every active route's sheet for a date, for the office's day view: two queries, whatever the number of routes.</summary>
    public async Task<IReadOnlyList<DeliverySheet>> GetDayAsync(Caller caller, DateOnly date, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var routes = await db.Routes.AsNoTracking().Where(r => r.IsActive).OrderBy(r => r.Name)
            .Select(r => new { r.Id, r.Name }).ToListAsync(cancellationToken);
        var due = await DueList.QueryAsync(db, date, date, null, cancellationToken);
        var recorded = await RecordedAsync(db, due, date, cancellationToken);
        var byRoute = due.Where(d => d.RouteId is not null).ToLookup(d => d.RouteId!.Value);
        return routes.Select(r => BuildSheet(r.Id, r.Name, date, byRoute[r.Id].ToList(), recorded)).ToList();
    }

    private sealed record Recorded(
        IReadOnlyDictionary<int, RecordedOutcome> BySubscription, IReadOnlyDictionary<int, RecordedOutcome> ByOrderLine);

    private static async Task<Recorded> RecordedAsync(PortalDbContext db, IReadOnlyList<DueItem> due, DateOnly date, CancellationToken cancellationToken)
    {
        var subscriptionIds = due.Where(d => d.SubscriptionId is not null).Select(d => d.SubscriptionId!.Value).ToArray();
        var orderLineIds = due.Where(d => d.OrderLineId is not null).Select(d => d.OrderLineId!.Value).ToArray();
        var recorded = await db.Deliveries.AsNoTracking()
            .Where(d => (d.SubscriptionId != null && subscriptionIds.Contains(d.SubscriptionId.Value) && d.DeliveryDate == date)
                        || (d.OrderLineId != null && orderLineIds.Contains(d.OrderLineId.Value)))
            .Select(d => new
            {
                d.SubscriptionId, d.OrderLineId,
                Outcome = new RecordedOutcome(
                    d.Id, d.Outcome, d.PlannedQuantity, d.DeliveredQuantity, d.Reason, d.ReasonNote,
                    d.RecordedBy != null ? d.RecordedBy.DisplayName : "Shared link",
                    d.RecordedAt, d.Version,
                    db.BillingRecords.Any(b => b.DeliveryId == d.Id)),
            })
            .ToListAsync(cancellationToken);
        return new Recorded(
            recorded.Where(r => r.SubscriptionId is not null).ToDictionary(r => r.SubscriptionId!.Value, r => r.Outcome),
            recorded.Where(r => r.OrderLineId is not null).ToDictionary(r => r.OrderLineId!.Value, r => r.Outcome));
    }

    private static DeliverySheet BuildSheet(int routeId, string routeName, DateOnly date, IReadOnlyList<DueItem> due, Recorded recorded)
    {
        var stops = due
            .GroupBy(d => d.CustomerId)
            .Select(g =>
            {
                var first = g.First();
                var items = g.Select(d => new SheetItem(d,
                    d.SubscriptionId is { } s ? recorded.BySubscription.GetValueOrDefault(s) : recorded.ByOrderLine.GetValueOrDefault(d.OrderLineId!.Value))).ToList();
                return new SheetStop(first.CustomerId, first.StopOrder, first.CustomerName, first.AddressLine, first.Area, items);
            })
            .ToList();
        var outcomes = stops.SelectMany(s => s.Items).Select(i => i.Recorded?.Outcome).ToList();
        var progress = new SheetProgress(
            outcomes.Count(o => o == DeliveryOutcome.Delivered),
            outcomes.Count(o => o == DeliveryOutcome.Partial),
            outcomes.Count(o => o == DeliveryOutcome.NotDelivered),
            outcomes.Count(o => o is null));
        return new DeliverySheet(routeId, routeName, date, stops, progress);
    }

    public async Task<Result<RecordedOutcome>> RecordAsync(Recorder recorder, RecordInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await RequireSheetAsync(db, recorder, input.RouteId, input.Date, forRecording: true, cancellationToken);
        if (input.Date > clock.Today)
        {
            return new Problem("Deliveries cannot be recorded for a future date.");
        }
        if ((input.SubscriptionId is null) == (input.OrderLineId is null))
        {
            return new Problem("Record one item at a time: a subscription or an order line.");
        }

        // What is due, and where, decides the planned quantity; nothing else is recordable.
        decimal planned;
        ProductUnit unit;
        string what;
        int customerId;
        OrderLine? line = null;
        if (input.SubscriptionId is { } subscriptionId)
        {
            var subscription = await db.Subscriptions.AsNoTracking().AsSplitQuery()
                .Include(s => s.Customer).Include(s => s.Product)
                .Include(s => s.Schedules).Include(s => s.Pauses).Include(s => s.Overrides)
                .SingleOrDefaultAsync(s => s.Id == subscriptionId, cancellationToken);
            if (subscription is null || subscription.Customer.RouteId != input.RouteId || subscription.Customer.Status != CustomerStatus.Active)
            {
                return new Problem("That item is not on this sheet.");
            }
            planned = DueQuantity.On(subscription, input.Date);
            unit = subscription.Product.Unit;
            what = $"{subscription.Product.Name} for {subscription.Customer.Name}";
            customerId = subscription.CustomerId;
        }
        else
        {
            line = await db.OrderLines.AsNoTracking().Include(l => l.Order).ThenInclude(o => o.Customer).Include(l => l.Product)
                .SingleOrDefaultAsync(l => l.Id == input.OrderLineId, cancellationToken);
            if (line is null || line.Order.Customer.RouteId != input.RouteId || line.Order.DeliveryDate != input.Date
                || line.Order.Status == OrderStatus.Cancelled || line.Order.Customer.Status != CustomerStatus.Active)
            {
                return new Problem("That item is not on this sheet.");
            }
            planned = line.Quantity;
            unit = line.Product.Unit;
            what = $"{line.Product.Name} (order #{line.OrderId}) for {line.Order.Customer.Name}";
            customerId = line.Order.CustomerId;
        }
        if (planned <= 0)
        {
            return new Problem($"Nothing is due for this item on {IndianFormats.Date(input.Date)}.");
        }

        var (delivered, problem) = Check(input, planned, unit);
        if (problem is not null)
        {
            return problem;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        Order? order = null;
        if (line is not null)
        {
            // One recording per order at a time: the order's status is worked out from all its lines' deliveries, so two
            // lines recorded at once must not each miss the other's (nor fail on the order's version). Locked before
            // anything is read, the second waits for the first to commit and then sees it.
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM orders WHERE id = {line.OrderId} FOR UPDATE", cancellationToken);
            order = await db.Orders.SingleAsync(o => o.Id == line.OrderId, cancellationToken);
            if (order.Status == OrderStatus.Cancelled || order.DeliveryDate != input.Date)
            {
                return new Problem("That item is not on this sheet.");
            }
        }
        var existing = await db.Deliveries.Include(d => d.RecordedBy)
            .SingleOrDefaultAsync(d => input.SubscriptionId != null
                ? d.SubscriptionId == input.SubscriptionId && d.DeliveryDate == input.Date
                : d.OrderLineId == input.OrderLineId, cancellationToken);
        Delivery delivery;
        if (existing is null)
        {
            delivery = new Delivery
            {
                SubscriptionId = input.SubscriptionId,
                OrderLineId = input.OrderLineId,
                DeliveryDate = input.Date,
                PlannedQuantity = planned,
            };
            db.Deliveries.Add(delivery);
        }
        else
        {
            if (input.ExpectedVersion is null || input.ExpectedVersion != existing.Version)
            {
                return AlreadyRecorded(existing.RecordedBy?.DisplayName ?? "a shared link", existing.RecordedAt);
            }
            // Lock the row first: a billing run that is writing its invoice line holds a key-share lock on it, so this
            // waits for that run to commit and the check below then sees the invoice.
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM deliveries WHERE id = {existing.Id} FOR UPDATE", cancellationToken);
            if (await db.BillingRecords.AnyAsync(b => b.DeliveryId == existing.Id, cancellationToken))
            {
                var invoice = await db.BillingRecords.Where(b => b.DeliveryId == existing.Id).Select(b => b.Invoice.Number).FirstAsync(cancellationToken);
                return new Problem($"This delivery is billed on invoice {invoice} and can no longer be changed.");
            }
            delivery = existing;
            delivery.PlannedQuantity = planned;
        }
        var before = existing is null ? null : Snapshot(existing);
        delivery.Outcome = input.Outcome;
        delivery.DeliveredQuantity = delivered;
        delivery.Reason = input.Outcome == DeliveryOutcome.NotDelivered ? input.Reason : null;
        delivery.ReasonNote = input.Outcome == DeliveryOutcome.NotDelivered && !string.IsNullOrWhiteSpace(input.ReasonNote) ? input.ReasonNote.Trim() : null;
        delivery.RecordedByUserId = recorder.Caller?.UserId;
        delivery.RecordedViaSharedLinkId = recorder.SharedLinkId;
        delivery.RecordedAt = clock.UtcNow;

        if (order is not null)
        {
            await UpdateOrderStatusAsync(db, order, delivery, cancellationToken);
        }
        if (before is not null || recorder.SharedLinkId is not null)
        {
            audit.Add(db, recorder, before is null ? AuditActions.DeliveryRecorded : AuditActions.DeliveryCorrected, EntityType,
                input.SubscriptionId is not null ? $"s{input.SubscriptionId}/{input.Date:yyyy-MM-dd}" : $"l{input.OrderLineId}",
                $"{what} on {IndianFormats.Date(input.Date)}: {Describe(delivery, unit)}", customerId, before, Snapshot(delivery));
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await AlreadyRecordedAsync(db, input, cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            await transaction.RollbackAsync(cancellationToken);
            return await AlreadyRecordedAsync(db, input, cancellationToken);
        }
        return Result<RecordedOutcome>.Ok(new RecordedOutcome(
            delivery.Id, delivery.Outcome, delivery.PlannedQuantity, delivery.DeliveredQuantity, delivery.Reason, delivery.ReasonNote,
            recorder.Name, delivery.RecordedAt, delivery.Version, Billed: false));
    }

    /// <summary>The order follows its lines: all delivered → delivered; all recorded, none delivered → not delivered; any mix → partially delivered.</summary>
    private static async Task UpdateOrderStatusAsync(PortalDbContext db, Order order, Delivery current, CancellationToken cancellationToken)
    {
        var lineIds = await db.OrderLines.Where(l => l.OrderId == order.Id).Select(l => l.Id).ToListAsync(cancellationToken);
        var others = await db.Deliveries.AsNoTracking()
            .Where(d => d.OrderLineId != null && lineIds.Contains(d.OrderLineId.Value) && d.OrderLineId != current.OrderLineId)
            .Select(d => d.Outcome)
            .ToListAsync(cancellationToken);
        var outcomes = others.Append(current.Outcome).ToList();
        if (outcomes.Count < lineIds.Count)
        {
            order.Status = outcomes.Any(o => o != DeliveryOutcome.NotDelivered) ? OrderStatus.PartiallyDelivered : OrderStatus.Pending;
            return;
        }
        order.Status = outcomes.All(o => o == DeliveryOutcome.Delivered) ? OrderStatus.Delivered
            : outcomes.All(o => o == DeliveryOutcome.NotDelivered) ? OrderStatus.NotDelivered
            : OrderStatus.PartiallyDelivered;
    }

    private static (decimal Delivered, Problem? Problem) Check(RecordInput input, decimal planned, ProductUnit unit)
    {
        switch (input.Outcome)
        {
            case DeliveryOutcome.Delivered:
                return (planned, null);
            case DeliveryOutcome.Partial:
                if (input.DeliveredQuantity is not { } q)
                {
                    return (0, new Problem("Enter how much was delivered.", "DeliveredQuantity"));
                }
                if (q <= 0 || q >= planned)
                {
                    return (0, new Problem($"A part delivery is more than 0 and less than the {IndianFormats.Quantity(planned)} planned.", "DeliveredQuantity"));
                }
                if (!QuantityRules.HasAtMostThreeDecimals(q) || (Product.IsWholeUnit(unit) && !QuantityRules.IsWhole(q)))
                {
                    return (0, new Problem(Product.IsWholeUnit(unit) ? "This product is counted in whole pieces or packs." : "Use at most 3 decimals.", "DeliveredQuantity"));
                }
                return (q, null);
            default:
                if (input.Reason is null)
                {
                    return (0, new Problem("Choose why it was not delivered.", "Reason"));
                }
                if (input.Reason == NotDeliveredReason.Other && string.IsNullOrWhiteSpace(input.ReasonNote))
                {
                    return (0, new Problem("Say what happened.", "ReasonNote"));
                }
                if (input.ReasonNote is { Length: > Limits.NoteLength })
                {
                    return (0, new Problem($"Keep the note under {Limits.NoteLength} characters.", "ReasonNote"));
                }
                return (0, null);
        }
    }

    /// <summary>
    /// After losing a race (the unique index, or the record's version): who won, read on the same connection once the failed
    /// transaction is rolled back, so a crowd of recorders never needs two connections each.
    /// </summary>
    private async Task<Result<RecordedOutcome>> AlreadyRecordedAsync(PortalDbContext db, RecordInput input, CancellationToken cancellationToken)
    {
        var existing = await db.Deliveries.AsNoTracking()
            .Where(d => input.SubscriptionId != null
                ? d.SubscriptionId == input.SubscriptionId && d.DeliveryDate == input.Date
                : d.OrderLineId == input.OrderLineId)
            .Select(d => new { Name = d.RecordedBy != null ? d.RecordedBy.DisplayName : "a shared link", d.RecordedAt })
            .SingleOrDefaultAsync(cancellationToken);
        return existing is null
            ? new Problem(ConcurrencyMessages.ChangedBySomeoneElse)
            : AlreadyRecorded(existing.Name, existing.RecordedAt);
    }

    private Problem AlreadyRecorded(string name, DateTimeOffset at) =>
        new($"Already recorded by {name} at {TimeZoneInfo.ConvertTime(at, clock.Zone).ToString("HH:mm", CultureInfo.InvariantCulture)}. Reload the sheet to see it, then correct it if needed.");

    private async Task RequireSheetAsync(PortalDbContext db, Recorder recorder, int routeId, DateOnly date, bool forRecording, CancellationToken cancellationToken)
    {
        if (recorder.SharedLinkId is { } linkId)
        {
            var link = await db.SharedLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Id == linkId, cancellationToken);
            if (link is null || link.RouteId != routeId || link.SheetDate != date || link.RevokedAt is not null || link.ExpiresAt <= clock.UtcNow)
            {
                throw new AccessDeniedException();
            }
            return;
        }
        var caller = recorder.Caller!;
        if (caller.IsOffice)
        {
            return;
        }
        if (!caller.IsIn(Roles.DeliveryAgent)
            || !await db.RouteAgents.AnyAsync(a => a.RouteId == routeId && a.UserId == caller.UserId, cancellationToken))
        {
            throw new AccessDeniedException();
        }
        // Agents work today's sheet, and may still correct yesterday's until this evening's cut-off.
        var today = clock.Today;
        var allowed = date == today || (date == today.AddDays(-1) && clock.IsOpenForChanges(today.AddDays(1)));
        if (!allowed && (forRecording || date != today.AddDays(-1)))
        {
            throw new AccessDeniedException();
        }
    }

    private static object Snapshot(Delivery d) => new
    {
        Outcome = d.Outcome.ToString(),
        Delivered = d.DeliveredQuantity,
        Planned = d.PlannedQuantity,
        Reason = d.Reason?.ToString(),
        d.ReasonNote,
    };

    private static string Describe(Delivery d, ProductUnit unit) => d.Outcome switch
    {
        DeliveryOutcome.Delivered => $"delivered {IndianFormats.Quantity(d.DeliveredQuantity)} {SubscriptionService.UnitText(unit, d.DeliveredQuantity)}",
        DeliveryOutcome.Partial => $"delivered {IndianFormats.Quantity(d.DeliveredQuantity)} of {IndianFormats.Quantity(d.PlannedQuantity)} {SubscriptionService.UnitText(unit, d.PlannedQuantity)}",
        _ => $"not delivered ({d.Reason}{(d.ReasonNote is null ? "" : ": " + d.ReasonNote)})",
    };
}
