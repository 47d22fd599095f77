using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;

namespace Portal.Domain.Subscriptions;

public enum DueKind
{
    Subscription,
    OrderLine,
}

/// <summary>One thing due at one stop on one date: a subscription's quantity for the day, or a line of a one-time order.</summary>
public sealed record DueItem(
    DateOnly Date,
    int? RouteId,
    int? StopOrder,
    int CustomerId,
    string CustomerName,
    string AddressLine,
    string Area,
    DueKind Kind,
    int? SubscriptionId,
    int? OrderId,
    int? OrderLineId,
    int ProductId,
    string ProductName,
    ProductUnit Unit,
    decimal PlannedQuantity);

/// <summary>
/// Everything due on a date — subscriptions and one-time orders together — in stop order. The delivery sheet, the
/// office's day view and billing's missing-delivery check all start here. Inactive customers get nothing.
/// </summary>
public sealed class DueList(IDbContextFactory<PortalDbContext> contexts)
{
    /// <summary>One route's stops, in order. Office roles may ask for any route; an agent only for a route assigned to them.</summary>
    public async Task<IReadOnlyList<DueItem>> ForRouteAsync(Caller caller, DateOnly date, int routeId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await RequireRouteAsync(db, caller, routeId, cancellationToken);
        return await QueryAsync(db, date, date, routeId, cancellationToken);
    }

    /// <summary>Every route (and customers on no route, last) for the office.</summary>
    public async Task<IReadOnlyList<DueItem>> ForAllRoutesAsync(Caller caller, DateOnly date, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await QueryAsync(db, date, date, null, cancellationToken);
    }

    /// <summary>For set-based work elsewhere (billing, previews): everything due in a date range, in one round of queries.</summary>
    internal static async Task<IReadOnlyList<DueItem>> QueryAsync(
        PortalDbContext db, DateOnly first, DateOnly last, int? routeId, CancellationToken cancellationToken)
    {
        var subscriptionItems = await (
                from due in DueQuery.Between(db, first, last, routeId)
                join s in db.Subscriptions on due.SubscriptionId equals s.Id
                where s.Customer.Status == CustomerStatus.Active
                select new DueItem(
                    due.Day, s.Customer.RouteId, s.Customer.StopOrder, s.CustomerId, s.Customer.Name, s.Customer.Address.Line, s.Customer.Address.Area,
                    DueKind.Subscription, s.Id, null, null, s.ProductId, s.Product.Name, s.Product.Unit, due.Quantity))
            .AsNoTracking()
            .ToListAsync(cancellationToken);

        var orderItems = await db.OrderLines.AsNoTracking()
            .Where(l => l.Order.DeliveryDate >= first && l.Order.DeliveryDate <= last
                        && l.Order.Status != OrderStatus.Cancelled
                        && l.Order.Customer.Status == CustomerStatus.Active
                        && (routeId == null || l.Order.Customer.RouteId == routeId))
            .Select(l => new DueItem(
                l.Order.DeliveryDate, l.Order.Customer.RouteId, l.Order.Customer.StopOrder, l.Order.CustomerId, l.Order.Customer.Name,
                l.Order.Customer.Address.Line, l.Order.Customer.Address.Area,
                DueKind.OrderLine, null, l.OrderId, l.Id, l.ProductId, l.Product.Name, l.Product.Unit, l.Quantity))
            .ToListAsync(cancellationToken);

        return subscriptionItems.Concat(orderItems)
            .OrderBy(i => i.Date)
            .ThenBy(i => i.RouteId is null)
            .ThenBy(i => i.RouteId)
            .ThenBy(i => i.StopOrder ?? int.MaxValue)
            .ThenBy(i => i.CustomerName, StringComparer.Ordinal)
            .ThenBy(i => i.CustomerId)
            .ThenBy(i => i.Kind)
            .ThenBy(i => i.ProductName, StringComparer.Ordinal)
            .ToList();
    }

    private static async Task RequireRouteAsync(PortalDbContext db, Caller caller, int routeId, CancellationToken cancellationToken)
    {
        if (caller.IsOffice)
        {
            return;
        }
        if (caller.IsIn(Roles.DeliveryAgent)
            && await db.RouteAgents.AnyAsync(a => a.RouteId == routeId && a.UserId == caller.UserId, cancellationToken))
        {
            return;
        }
        throw new AccessDeniedException();
    }
}
