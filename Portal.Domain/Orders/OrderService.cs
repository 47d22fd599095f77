using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Products;

namespace Portal.Domain.Orders;

/// <summary>One page of the orders list, newest delivery date first. <see cref="From"/> and <see cref="To"/> are delivery dates, both included.</summary>
public sealed record OrderQuery(
    int Page = 0,
    int PageSize = 25,
    DateOnly? From = null,
    DateOnly? To = null,
    int? RouteId = null,
    OrderStatus? Status = null,
    int? CustomerId = null,
    string? Search = null);

public sealed record OrderLineRow(int ProductId, string ProductName, ProductUnit Unit, decimal Quantity, decimal UnitPrice)
{
    public decimal Amount => OrderMoney.LineAmount(Quantity, UnitPrice);
}

/// <summary>An order as the lists show it. <see cref="CancelClosedReason"/> says why a pending order can no longer be cancelled.</summary>
public sealed record OrderRow(
    int Id,
    int CustomerId,
    string CustomerName,
    string? RouteName,
    DateOnly DeliveryDate,
    OrderStatus Status,
    IReadOnlyList<OrderLineRow> Lines,
    DateTimeOffset CreatedAt,
    string CreatedByName,
    DateTimeOffset? CancelledAt,
    string? CancelClosedReason)
{
    public decimal Total => OrderMoney.Total(Lines.Select(l => (l.Quantity, l.UnitPrice)));

    public string Items => OrderFormats.Items(Lines);

    public bool CanCancel => Status == OrderStatus.Pending && CancelClosedReason is null;
}

public sealed record OrderPage(IReadOnlyList<OrderRow> Rows, int Total);

/// <summary>Order money the way billing counts it: each line rounded to paise, then added up.</summary>
public static class OrderMoney
{
    public static decimal LineAmount(decimal quantity, decimal unitPrice) =>
        Math.Round(quantity * unitPrice, 2, MidpointRounding.AwayFromZero);

    public static decimal Total(IEnumerable<(decimal Quantity, decimal UnitPrice)> lines) =>
        lines.Sum(l => LineAmount(l.Quantity, l.UnitPrice));
}

public static class OrderFormats
{
    /// <summary>"1 litre", "1.5 litres", "0.5 kg", "3 pieces", "1 pack".</summary>
    public static string Quantity(decimal quantity, ProductUnit unit)
    {
        var label = ProductUnits.Label(unit);
        var plural = quantity != 1m && unit != ProductUnit.Kg ? label + "s" : label;
        return $"{IndianFormats.Quantity(quantity)} {plural}";
    }

    /// <summary>"Toned milk (2 litres), Paneer (1 pack)".</summary>
    public static string Items(IEnumerable<OrderLineRow> lines) =>
        string.Join(", ", lines.Select(l => $"{l.ProductName} ({Quantity(l.Quantity, l.Unit)})"));

    public static string Status(OrderStatus status) => status switch
    {
        OrderStatus.Pending => "Pending",
        OrderStatus.Delivered => "Delivered",
        OrderStatus.PartiallyDelivered => "Partly delivered",
        OrderStatus.NotDelivered => "Not delivered",
        OrderStatus.Cancelled => "Cancelled",
        _ => status.ToString(),
    };
}

/// <summary>
/// One-time orders: placed for a delivery date with lines whose unit price is fixed from the price history on the day the
/// order is placed, cancelled until the cut-off the evening before delivery. Office roles work on any customer's orders;
/// a customer only on their own, and asking about anyone else's (or an id that does not exist) is refused the same way.
/// </summary>
public sealed class OrderService(IDbContextFactory<PortalDbContext> contexts, AuditLog audit, PortalClock clock)
{
    public const string EntityType = "Order";

    private const string OfficeOrCustomer = Roles.Office + "," + Roles.Customer;

    /// <summary>How many past orders the customer page shows under the upcoming ones.</summary>
    public const int PastOrdersShown = 50;

    private readonly OrderInputValidator validator = new(clock);

    public async Task<Result<int>> PlaceAsync(Caller caller, OrderInput input, CancellationToken cancellationToken = default)
    {
        caller.Require(OfficeOrCustomer);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customer = input.CustomerId is { } customerId
            ? await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
                .Select(c => new { c.Id, c.Name, c.Status, c.UserId })
                .SingleOrDefaultAsync(cancellationToken)
            : null;
        if (!caller.IsOffice && (customer is null || customer.UserId != caller.UserId))
        {
            throw new AccessDeniedException();
        }

        var productIds = input.Lines.Where(l => l.ProductId is not null).Select(l => l.ProductId!.Value).Distinct().ToList();
        var products = await db.Products.AsNoTracking()
            .Where(p => productIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Name, p.Unit, p.IsActive })
            .ToDictionaryAsync(p => p.Id, cancellationToken);
        var today = clock.Today;
        var prices = await ProductCatalog.InEffectOn(db.ProductPrices.AsNoTracking(), today)
            .Where(p => productIds.Contains(p.ProductId))
            .ToDictionaryAsync(p => p.ProductId, p => p.UnitPrice, cancellationToken);

        // The whole-number rule is checked against the units in the database, whatever unit the form sent.
        var checkedInput = new OrderInput
        {
            CustomerId = input.CustomerId,
            DeliveryDate = input.DeliveryDate,
            Lines = input.Lines.Select(l => new OrderLineInput
            {
                ProductId = l.ProductId,
                Quantity = l.Quantity,
                Unit = l.ProductId is { } id && products.TryGetValue(id, out var p) ? p.Unit : null,
            }).ToList(),
        };
        var problems = (await validator.ValidateAsync(checkedInput, cancellationToken)).Errors
            .Select(e => new Problem(e.ErrorMessage, e.PropertyName))
            .ToList();
        if (input.CustomerId is not null)
        {
            if (customer is null)
            {
                problems.Add(new Problem("That customer does not exist.", nameof(OrderInput.CustomerId)));
            }
            else if (customer.Status != CustomerStatus.Active)
            {
                problems.Add(new Problem($"{customer.Name} is deactivated. Reactivate them before placing an order.", nameof(OrderInput.CustomerId)));
            }
        }
        for (var i = 0; i < input.Lines.Count; i++)
        {
            var field = OrderInput.LineField(i, nameof(OrderLineInput.ProductId));
            if (input.Lines[i].ProductId is not { } productId || problems.Any(p => p.Field == field))
            {
                continue;
            }
            if (!products.TryGetValue(productId, out var product))
            {
                problems.Add(new Problem("That product does not exist.", field));
            }
            else if (!product.IsActive)
            {
                problems.Add(new Problem($"{product.Name} is no longer on sale.", field));
            }
            else if (!prices.ContainsKey(productId))
            {
                problems.Add(new Problem($"{product.Name} has no price for today ({IndianFormats.Date(today)}). Add its price before ordering it.", field));
            }
        }
        if (problems.Count > 0)
        {
            return Result<int>.Fail(problems);
        }

        var order = new Order
        {
            CustomerId = customer!.Id,
            DeliveryDate = input.DeliveryDate!.Value,
            Status = OrderStatus.Pending,
            CreatedAt = clock.UtcNow,
            CreatedByUserId = caller.UserId,
            Lines = input.Lines.Select(l => new OrderLine
            {
                ProductId = l.ProductId!.Value,
                Quantity = l.Quantity!.Value,
                UnitPrice = prices[l.ProductId.Value],
            }).ToList(),
        };
        var lines = order.Lines
            .Select(l => new OrderLineRow(l.ProductId, products[l.ProductId].Name, products[l.ProductId].Unit, l.Quantity, l.UnitPrice))
            .ToList();
        var total = OrderMoney.Total(lines.Select(l => (l.Quantity, l.UnitPrice)));

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Orders.Add(order);
        await db.SaveChangesAsync(cancellationToken);
        audit.Add(db, caller, AuditActions.OrderPlaced, EntityType, order.Id,
            $"Placed order #{order.Id} for {customer.Name} for {IndianFormats.Date(order.DeliveryDate)}: {OrderFormats.Items(lines)}; total {IndianFormats.Money(total)}",
            customer.Id,
            after: new Dictionary<string, string?>
            {
                ["Delivery date"] = Day(order.DeliveryDate),
                ["Items"] = string.Join("; ", lines.Select(l => $"{l.ProductName} × {Number(l.Quantity)} @ {Money(l.UnitPrice)}")),
                ["Total"] = Money(total),
                ["Status"] = order.Status.ToString(),
            });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<int>.Ok(order.Id);
    }

    /// <summary>Cancels a pending order while its delivery date is still open (before the cut-off the evening before). Its lines stay, for the record.</summary>
    public async Task<Result<Unit>> CancelAsync(Caller caller, int orderId, CancellationToken cancellationToken = default)
    {
        caller.Require(OfficeOrCustomer);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var order = await db.Orders
            .Include(o => o.Customer)
            .Include(o => o.Lines.OrderBy(l => l.Id)).ThenInclude(l => l.Product)
            .SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (!caller.IsOffice && (order is null || order.Customer.UserId != caller.UserId))
        {
            throw new AccessDeniedException();
        }
        if (order is null)
        {
            return new Problem("That order does not exist.");
        }
        if (order.Status == OrderStatus.Cancelled)
        {
            return new Problem("This order is already cancelled.");
        }
        if (order.Status != OrderStatus.Pending)
        {
            return new Problem($"This order is {OrderFormats.Status(order.Status).ToLowerInvariant()}; only pending orders can be cancelled.");
        }
        if (!clock.IsOpenForChanges(order.DeliveryDate))
        {
            return new Problem(CancelClosedMessage(order.DeliveryDate));
        }

        order.Status = OrderStatus.Cancelled;
        order.CancelledAt = clock.UtcNow;
        var items = OrderFormats.Items(order.Lines.Select(l => new OrderLineRow(l.ProductId, l.Product.Name, l.Product.Unit, l.Quantity, l.UnitPrice)));
        audit.Add(db, caller, AuditActions.OrderCancelled, EntityType, order.Id,
            $"Cancelled order #{order.Id} for {order.Customer.Name} for {IndianFormats.Date(order.DeliveryDate)}: {items}",
            order.CustomerId,
            before: new Dictionary<string, string?> { ["Status"] = nameof(OrderStatus.Pending) },
            after: new Dictionary<string, string?> { ["Status"] = nameof(OrderStatus.Cancelled) });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Problem(ConcurrencyMessages.ChangedBySomeoneElse);
        }
        return Result.Ok();
    }

    /// <summary>The office's orders list: filtered, counted and paged in PostgreSQL, newest delivery date first.</summary>
    public async Task<OrderPage> ListAsync(Caller caller, OrderQuery query, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var orders = db.Orders.AsNoTracking();
        if (query.From is { } from)
        {
            orders = orders.Where(o => o.DeliveryDate >= from);
        }
        if (query.To is { } to)
        {
            orders = orders.Where(o => o.DeliveryDate <= to);
        }
        if (query.RouteId is { } routeId)
        {
            orders = orders.Where(o => o.Customer.RouteId == routeId);
        }
        if (query.Status is { } status)
        {
            orders = orders.Where(o => o.Status == status);
        }
        if (query.CustomerId is { } customerId)
        {
            orders = orders.Where(o => o.CustomerId == customerId);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var text = query.Search.Trim().TrimStart('#');
            if (text.Length > 0 && text.All(char.IsAsciiDigit))
            {
                // Digits: an order number, or part of a customer's mobile.
                var number = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
                var digits = $"%{text}%";
                orders = orders.Where(o => o.Id == number || EF.Functions.Like(o.Customer.Mobile, digits));
            }
            else
            {
                var pattern = $"%{Like.Escape(text.ToLowerInvariant())}%";
                orders = orders.Where(o => EF.Functions.Like(o.Customer.SearchText, pattern));
            }
        }

        var total = await orders.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, 200);
        var rows = await orders
            .OrderByDescending(o => o.DeliveryDate).ThenByDescending(o => o.Id)
            .Skip(Math.Max(query.Page, 0) * pageSize)
            .Take(pageSize)
            .Select(Projection)
            .ToListAsync(cancellationToken);
        return new OrderPage(rows.Select(ToRow).ToList(), total);
    }

    /// <summary>
    /// One customer's orders for their page: every order from today on (soonest first), then the latest
    /// <see cref="PastOrdersShown"/> earlier ones (newest first). Office roles, or the customer themself.
    /// </summary>
    public async Task<IReadOnlyList<OrderRow>> GetForCustomerAsync(Caller caller, int customerId, CancellationToken cancellationToken = default)
    {
        caller.Require(OfficeOrCustomer);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!caller.IsOffice && !await db.Customers.AnyAsync(c => c.Id == customerId && c.UserId == caller.UserId, cancellationToken))
        {
            throw new AccessDeniedException();
        }
        var today = clock.Today;
        var orders = db.Orders.AsNoTracking().Where(o => o.CustomerId == customerId);
        var upcoming = await orders.Where(o => o.DeliveryDate >= today)
            .OrderBy(o => o.DeliveryDate).ThenBy(o => o.Id)
            .Select(Projection)
            .ToListAsync(cancellationToken);
        var past = await orders.Where(o => o.DeliveryDate < today)
            .OrderByDescending(o => o.DeliveryDate).ThenByDescending(o => o.Id)
            .Take(PastOrdersShown)
            .Select(Projection)
            .ToListAsync(cancellationToken);
        return upcoming.Concat(past).Select(ToRow).ToList();
    }

    /// <summary>Why a pending order for <paramref name="deliveryDate"/> can no longer be cancelled.</summary>
    public string CancelClosedMessage(DateOnly deliveryDate)
    {
        var cutoff = clock.CutoffFor(deliveryDate);
        return string.Create(CultureInfo.InvariantCulture,
            $"Cancelling closed at {cutoff:HH:mm} on {IndianFormats.Date(deliveryDate.AddDays(-1))}, the evening before delivery: the order is on the delivery sheet.");
    }

    private sealed record OrderData(
        int Id, int CustomerId, string CustomerName, string? RouteName, DateOnly DeliveryDate, OrderStatus Status,
        List<OrderLineRow> Lines, DateTimeOffset CreatedAt, string CreatedByName, DateTimeOffset? CancelledAt);

    private static readonly Expression<Func<Order, OrderData>> Projection = o => new OrderData(
        o.Id, o.CustomerId, o.Customer.Name, o.Customer.Route == null ? null : o.Customer.Route.Name, o.DeliveryDate, o.Status,
        o.Lines.OrderBy(l => l.Id).Select(l => new OrderLineRow(l.ProductId, l.Product.Name, l.Product.Unit, l.Quantity, l.UnitPrice)).ToList(),
        o.CreatedAt, o.CreatedBy.DisplayName, o.CancelledAt);

    private OrderRow ToRow(OrderData o) => new(
        o.Id, o.CustomerId, o.CustomerName, o.RouteName, o.DeliveryDate, o.Status, o.Lines, o.CreatedAt, o.CreatedByName, o.CancelledAt,
        o.Status == OrderStatus.Pending && !clock.IsOpenForChanges(o.DeliveryDate) ? CancelClosedMessage(o.DeliveryDate) : null);

    private static string Number(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
