using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Products;

namespace Portal.Domain.Billing;

public sealed record RunMissingRow(DateOnly Date, int? RouteId, string? RouteName, int CustomerId, string CustomerName, string ProductName, ProductUnit Unit, decimal Planned);

public sealed record InvoiceQuery(int Page = 0, int PageSize = 50, DateOnly? Month = null, int? RouteId = null, int? CustomerId = null, string? Search = null, int? RunId = null);

public sealed record InvoiceRow(
    int Id, string Number, int CustomerId, string CustomerName, string? RouteName, DateOnly Month, bool IsSupplementary,
    DateTimeOffset IssuedAt, int Lines, decimal Total);

public sealed record InvoiceLine(
    long DeliveryId, DateOnly DeliveryDate, int? RouteId, string ProductName, ProductUnit Unit, decimal Planned, decimal Delivered,
    decimal UnitPrice, decimal Amount, int? OrderId, int? SubscriptionId);

public sealed record InvoiceDetail(
    int Id, string Number, int CustomerId, string CustomerName, string Mobile, string AddressLine, string Area, string City, string PinCode,
    string? RouteName, DateOnly Month, bool IsSupplementary, DateTimeOffset IssuedAt, int BillingRunId, decimal Total,
    IReadOnlyList<InvoiceLine> Lines);

public sealed record RunInvoiceExportRow(string Number, string CustomerName, string Mobile, string? RouteName, int Lines, decimal Total);

/// <summary>
/// Reading what billing wrote: the runs, their missing deliveries, invoices and their lines, each line traced by foreign keys
/// to the delivery it bills. Managers and admins only.
/// </summary>
public sealed class InvoiceService(IDbContextFactory<PortalDbContext> contexts)
{
    public const int MaxPageSize = 200;

    public async Task<IReadOnlyList<BillingRunRow>> RunsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Managers);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.BillingRuns.AsNoTracking()
            .OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id)
            .Select(r => new BillingRunRow(r.Id, r.PeriodMonth, r.IsSupplementary, r.StartedBy.DisplayName, r.StartedAt, r.CompletedAt,
                r.CustomersBilled, r.DeliveriesBilled, r.MissingDeliveries, r.TotalAmount))
            .ToListAsync(cancellationToken);
    }

    /// <summary>A run's missing deliveries, ordered by date, then route, then customer, so a page can group them.</summary>
    public async Task<IReadOnlyList<RunMissingRow>> MissingOfRunAsync(Caller caller, int runId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Managers);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.MissingDeliveries.AsNoTracking()
            .Where(m => m.BillingRunId == runId)
            .OrderBy(m => m.DeliveryDate).ThenBy(m => m.Route == null ? null : m.Route.Name).ThenBy(m => m.Customer.Name).ThenBy(m => m.Product.Name)
            .Select(m => new RunMissingRow(m.DeliveryDate, m.RouteId, m.Route == null ? null : m.Route.Name, m.CustomerId, m.Customer.Name,
                m.Product.Name, m.Product.Unit, m.PlannedQuantity))
            .ToListAsync(cancellationToken);
    }

    public async Task<(IReadOnlyList<InvoiceRow> Rows, int Total)> InvoicesAsync(Caller caller, InvoiceQuery query, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Managers);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var invoices = db.Invoices.AsNoTracking();
        if (query.Month is { } month)
        {
            var first = BillingService.MonthOf(month);
            invoices = invoices.Where(i => i.PeriodMonth == first);
        }
        if (query.RouteId is { } routeId)
        {
            invoices = invoices.Where(i => i.Customer.RouteId == routeId);
        }
        if (query.RunId is { } runId)
        {
            invoices = invoices.Where(i => i.BillingRunId == runId);
        }
        if (query.CustomerId is { } customerId)
        {
            invoices = invoices.Where(i => i.CustomerId == customerId);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = $"%{Like.Escape(query.Search.Trim())}%";
            invoices = invoices.Where(i => EF.Functions.ILike(i.Number, pattern) || EF.Functions.ILike(i.Customer.Name, pattern) || EF.Functions.ILike(i.Customer.Mobile, pattern));
        }
        var total = await invoices.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var rows = await invoices
            .OrderByDescending(i => i.PeriodMonth).ThenByDescending(i => i.FinancialYear).ThenByDescending(i => i.Sequence)
            .Skip(Math.Max(query.Page, 0) * pageSize).Take(pageSize)
            .Select(i => new InvoiceRow(i.Id, i.Number, i.CustomerId, i.Customer.Name, i.Customer.Route == null ? null : i.Customer.Route.Name,
                i.PeriodMonth, i.IsSupplementary, i.IssuedAt, i.Records.Count, i.TotalAmount))
            .ToListAsync(cancellationToken);
        return (rows, total);
    }

    /// <summary>The invoice with every line traced to its delivery; null when there is no such invoice.</summary>
    public async Task<InvoiceDetail?> InvoiceAsync(Caller caller, int invoiceId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Managers);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ReadInvoiceAsync(db, invoiceId, cancellationToken);
    }

    /// <summary>The invoice as the office and its customer both see it; null when there is no such invoice. The caller checks who may read it.</summary>
    internal static async Task<InvoiceDetail?> ReadInvoiceAsync(PortalDbContext db, int invoiceId, CancellationToken cancellationToken)
    {
        var header = await db.Invoices.AsNoTracking()
            .Where(i => i.Id == invoiceId)
            .Select(i => new
            {
                i.Id, i.Number, i.CustomerId, i.Customer.Name, i.Customer.Mobile, i.Customer.Address,
                Route = i.Customer.Route == null ? null : i.Customer.Route.Name,
                i.PeriodMonth, i.IsSupplementary, i.IssuedAt, i.BillingRunId, i.TotalAmount,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (header is null)
        {
            return null;
        }
        var lines = await db.BillingRecords.AsNoTracking()
            .Where(b => b.InvoiceId == invoiceId)
            .Select(b => new
            {
                b.DeliveryId,
                b.Delivery.DeliveryDate,
                SubscriptionRoute = b.Delivery.Subscription == null ? null : b.Delivery.Subscription.Customer.RouteId,
                OrderRoute = b.Delivery.OrderLine == null ? null : b.Delivery.OrderLine.Order.Customer.RouteId,
                Product = b.Delivery.Subscription != null ? b.Delivery.Subscription.Product.Name : b.Delivery.OrderLine!.Product.Name,
                Unit = b.Delivery.Subscription != null ? b.Delivery.Subscription.Product.Unit : b.Delivery.OrderLine!.Product.Unit,
                b.Delivery.PlannedQuantity,
                b.Quantity,
                b.UnitPrice,
                b.Amount,
                OrderId = b.Delivery.OrderLine == null ? (int?)null : b.Delivery.OrderLine.OrderId,
                b.Delivery.SubscriptionId,
            })
            .OrderBy(l => l.DeliveryDate).ThenBy(l => l.Product).ThenBy(l => l.DeliveryId)
            .ToListAsync(cancellationToken);
        return new InvoiceDetail(header.Id, header.Number, header.CustomerId, header.Name, header.Mobile, header.Address.Line, header.Address.Area,
            header.Address.City, header.Address.PinCode, header.Route, header.PeriodMonth, header.IsSupplementary, header.IssuedAt, header.BillingRunId,
            header.TotalAmount,
            lines.Select(l => new InvoiceLine(l.DeliveryId, l.DeliveryDate, l.SubscriptionRoute ?? l.OrderRoute, l.Product, l.Unit, l.PlannedQuantity,
                l.Quantity, l.UnitPrice, l.Amount, l.OrderId, l.SubscriptionId)).ToList());
    }

    /// <summary>The rows of a run's invoices CSV, in invoice-number order. The web layer writes them with CsvHelper.</summary>
    public async Task<IReadOnlyList<RunInvoiceExportRow>> RunInvoicesAsync(Caller caller, int runId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Managers);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Invoices.AsNoTracking()
            .Where(i => i.BillingRunId == runId)
            .OrderBy(i => i.FinancialYear).ThenBy(i => i.Sequence)
            .Select(i => new RunInvoiceExportRow(i.Number, i.Customer.Name, i.Customer.Mobile, i.Customer.Route == null ? null : i.Customer.Route.Name,
                i.Records.Count, i.TotalAmount))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Routes for the invoice filter.</summary>
    public async Task<IReadOnlyList<(int Id, string Name)>> RoutesAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Managers);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await db.Routes.AsNoTracking().OrderBy(r => r.Name).Select(r => new { r.Id, r.Name }).ToListAsync(cancellationToken))
            .Select(r => (r.Id, r.Name)).ToList();
    }
}
