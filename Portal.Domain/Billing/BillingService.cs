using System.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Deliveries;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Domain.Subscriptions;

namespace Portal.Domain.Billing;

public sealed record CustomerBill(int CustomerId, string CustomerName, string? RouteName, int Deliveries, decimal Total);

public sealed record MissingItem(
    DateOnly Date, int? RouteId, string? RouteName, int CustomerId, string CustomerName,
    int ProductId, string ProductName, ProductUnit Unit, decimal Planned, int? SubscriptionId, int? OrderLineId);

public sealed record BillingPreview(
    DateOnly Month, bool IsSupplementary, IReadOnlyList<CustomerBill> Customers, int Deliveries, decimal Total,
    IReadOnlyList<MissingItem> Missing, string? Blocker);

public sealed record BillingRunResult(int? RunId, bool IsSupplementary, int CustomersBilled, int DeliveriesBilled, decimal Total, int Missing, string Message);

public sealed record BillingRunRow(
    int Id, DateOnly Month, bool IsSupplementary, string StartedBy, DateTimeOffset StartedAt, DateTimeOffset CompletedAt,
    int CustomersBilled, int DeliveriesBilled, int Missing, decimal Total);

/// <summary>
/// Monthly billing. Bills exactly what was delivered — the delivered quantity of every delivery record of the month
/// not billed before, subscriptions at the product's price on the delivery day, one-time orders at the price on their
/// line — as one invoice per customer, numbered without gaps per Indian financial year. A run is one transaction under
/// a PostgreSQL advisory lock: it completes or leaves nothing, and a second run at the same time is refused.
/// What was due but never recorded is kept as missing deliveries for the office to chase; it is never billed.
/// </summary>
public sealed class BillingService(IDbContextFactory<PortalDbContext> contexts, AuditLog audit, PortalClock clock)
{
    public const string EntityType = "BillingRun";

    /// <summary>The advisory lock key of billing runs ("BILL").</summary>
    private const long LockKey = 0x42494C4C;

    // The billable lines of a month: every delivered quantity not billed yet, priced. Shared by preview and run.
    private const string BillableSql = """
        SELECT d.id AS delivery_id,
               coalesce(s.customer_id, o.customer_id) AS customer_id,
               d.delivered_quantity AS quantity,
               coalesce(ol.unit_price, price.unit_price) AS unit_price,
               round(d.delivered_quantity * coalesce(ol.unit_price, price.unit_price), 2) AS amount
        FROM deliveries d
        LEFT JOIN subscriptions s ON s.id = d.subscription_id
        LEFT JOIN order_lines ol ON ol.id = d.order_line_id
        LEFT JOIN orders o ON o.id = ol.order_id
        LEFT JOIN LATERAL (
            SELECT pp.unit_price FROM product_prices pp
            WHERE pp.product_id = s.product_id AND pp.effective_from <= d.delivery_date
            ORDER BY pp.effective_from DESC LIMIT 1
        ) price ON d.subscription_id IS NOT NULL
        WHERE d.delivery_date BETWEEN @first AND @last
          AND d.delivered_quantity > 0
          AND NOT EXISTS (SELECT 1 FROM billing_records b WHERE b.delivery_id = d.id)
        """;

    public static DateOnly MonthOf(DateOnly date) => new(date.Year, date.Month, 1);

    /// <summary>India's financial year runs April to March: November 2026 is in 2026-27, February 2027 too.</summary>
    public static string FinancialYear(DateOnly month)
    {
        var start = month.Month >= 4 ? month.Year : month.Year - 1;
        return $"{start}-{(start + 1) % 100:00}";
    }

    public async Task<BillingPreview> PreviewAsync(Caller caller, DateOnly month, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Managers);
        month = MonthOf(month);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var (first, last) = (month, month.AddMonths(1).AddDays(-1));

        var lines = new List<(int CustomerId, decimal? UnitPrice, decimal? Amount)>();
        await using (var command = new NpgsqlCommand(BillableSql, connection))
        {
            command.Parameters.AddWithValue("first", first);
            command.Parameters.AddWithValue("last", last);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add((reader.GetInt32(1), reader.IsDBNull(3) ? null : reader.GetDecimal(3), reader.IsDBNull(4) ? null : reader.GetDecimal(4)));
            }
        }
        var names = await db.Customers.AsNoTracking()
            .Where(c => lines.Select(l => l.CustomerId).Distinct().Contains(c.Id))
            .Select(c => new { c.Id, c.Name, Route = c.Route == null ? null : c.Route.Name })
            .ToDictionaryAsync(c => c.Id, cancellationToken);
        var customers = lines.GroupBy(l => l.CustomerId)
            .Select(g => new CustomerBill(g.Key, names[g.Key].Name, names[g.Key].Route, g.Count(), g.Sum(l => l.Amount ?? 0)))
            .OrderBy(c => c.CustomerName, StringComparer.Ordinal).ThenBy(c => c.CustomerId)
            .ToList();
        var missing = await MissingAsync(db, month, cancellationToken);
        var blocker = lines.Any(l => l.UnitPrice is null) ? "Some deliveries have no price for their day: add the product's price from that date first." : null;
        var supplementary = await db.BillingRuns.AnyAsync(r => r.PeriodMonth == month, cancellationToken);
        return new BillingPreview(month, supplementary, customers, lines.Count, customers.Sum(c => c.Total), missing, blocker);
    }

    /// <summary>Bills the month. Running it again bills only deliveries recorded since (a supplementary run).</summary>
    public async Task<Result<BillingRunResult>> RunAsync(Caller caller, DateOnly month, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Managers);
        month = MonthOf(month);
        if (month > MonthOf(clock.Today))
        {
            return new Problem("A month can be billed once it has begun.", "Month");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();

        if (!await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_xact_lock(@key)", cancellationToken, ("key", LockKey)))
        {
            return new Problem("Another billing run is in progress. Wait for it to finish, then run again: nothing will be billed twice.");
        }

        progress?.Report("Finding what was delivered and not billed yet…");
        var (first, last) = (month, month.AddMonths(1).AddDays(-1));
        await ExecuteAsync(connection, $"CREATE TEMP TABLE bill_lines ON COMMIT DROP AS {BillableSql}", cancellationToken, ("first", first), ("last", last));
        if (await ScalarAsync<long>(connection, "SELECT count(*) FROM bill_lines WHERE unit_price IS NULL", cancellationToken) > 0)
        {
            return new Problem("Some deliveries have no price for their day: add the product's price from that date first. Nothing was billed.");
        }
        var deliveries = (int)await ScalarAsync<long>(connection, "SELECT count(*) FROM bill_lines", cancellationToken);
        var supplementary = await db.BillingRuns.AnyAsync(r => r.PeriodMonth == month, cancellationToken);
        if (deliveries == 0)
        {
            return Result<BillingRunResult>.Ok(new BillingRunResult(null, supplementary, 0, 0, 0m, 0,
                supplementary
                    ? $"Nothing new to bill for {month:MMMM yyyy}: every delivery recorded is already on an invoice."
                    : $"Nothing to bill for {month:MMMM yyyy}: no deliveries are recorded."));
        }

        progress?.Report("Numbering invoices…");
        var now = clock.UtcNow;
        var run = new BillingRun
        {
            PeriodMonth = month,
            IsSupplementary = supplementary,
            StartedByUserId = caller.UserId,
            StartedAt = now,
            CompletedAt = now,
        };
        db.BillingRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);

        var year = FinancialYear(month);
        var customers = (int)await ScalarAsync<long>(connection, "SELECT count(DISTINCT customer_id) FROM bill_lines", cancellationToken);
        // The sequence row stays locked until commit, so numbers are handed out without gaps even if this run fails.
        var lastNumber = await ScalarAsync<int>(connection, """
            INSERT INTO invoice_sequences (financial_year, last_number) VALUES (@year, @count)
            ON CONFLICT (financial_year) DO UPDATE SET last_number = invoice_sequences.last_number + @count
            RETURNING last_number
            """, cancellationToken, ("year", year), ("count", customers));
        var firstNumber = lastNumber - customers + 1;

        progress?.Report($"Writing {customers} invoices…");
        await ExecuteAsync(connection, """
            INSERT INTO invoices (number, financial_year, sequence, customer_id, billing_run_id, period_month, is_supplementary, issued_at, total_amount)
            SELECT 'INV/' || @year || '/' || lpad((@firstNumber + x.rn - 1)::text, 6, '0'), @year, @firstNumber + x.rn - 1,
                   x.customer_id, @run, @month, @supplementary, @now, x.total
            FROM (
                SELECT l.customer_id, sum(l.amount) AS total, row_number() OVER (ORDER BY c.name, l.customer_id) AS rn
                FROM bill_lines l JOIN customers c ON c.id = l.customer_id
                GROUP BY l.customer_id, c.name
            ) x
            """, cancellationToken, ("year", year), ("firstNumber", firstNumber), ("run", run.Id), ("month", month),
            ("supplementary", supplementary), ("now", now));
        progress?.Report($"Writing {deliveries} invoice lines…");
        await ExecuteAsync(connection, """
            INSERT INTO billing_records (invoice_id, delivery_id, quantity, unit_price, amount)
            SELECT i.id, l.delivery_id, l.quantity, l.unit_price, l.amount
            FROM bill_lines l JOIN invoices i ON i.billing_run_id = @run AND i.customer_id = l.customer_id
            """, cancellationToken, ("run", run.Id));

        // The billing records now hold key-share locks on their deliveries, so no correction can commit until this run does.
        // One that committed while the lines were being read would make a line disagree with its delivery: start again.
        var changed = await ScalarAsync<long>(connection, """
            SELECT count(*) FROM billing_records b JOIN invoices i ON i.id = b.invoice_id JOIN deliveries d ON d.id = b.delivery_id
            WHERE i.billing_run_id = @run AND b.quantity <> d.delivered_quantity
            """, cancellationToken, ("run", run.Id));
        if (changed > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new Problem("A delivery was corrected while billing ran. Nothing was billed; run billing again.");
        }

        progress?.Report("Listing missing deliveries…");
        var missing = await MissingAsync(db, month, cancellationToken);
        await ExecuteAsync(connection, """
            INSERT INTO missing_deliveries (billing_run_id, customer_id, route_id, delivery_date, subscription_id, order_line_id, product_id, planned_quantity)
            SELECT @run, m.* FROM unnest(@customer, @route, @date, @subscription, @line, @product, @quantity)
                AS m(customer_id, route_id, delivery_date, subscription_id, order_line_id, product_id, planned_quantity)
            """, cancellationToken, ("run", run.Id),
            ("customer", missing.Select(m => m.CustomerId).ToArray()),
            ("route", missing.Select(m => m.RouteId).ToArray()),
            ("date", missing.Select(m => m.Date).ToArray()),
            ("subscription", missing.Select(m => m.SubscriptionId).ToArray()),
            ("line", missing.Select(m => m.OrderLineId).ToArray()),
            ("product", missing.Select(m => m.ProductId).ToArray()),
            ("quantity", missing.Select(m => m.Planned).ToArray()));

        var total = await ScalarAsync<decimal>(connection, "SELECT coalesce(sum(amount), 0) FROM bill_lines", cancellationToken);
        run.CustomersBilled = customers;
        run.DeliveriesBilled = deliveries;
        run.MissingDeliveries = missing.Count;
        run.TotalAmount = total;
        run.CompletedAt = clock.UtcNow;
        audit.Add(db, caller, AuditActions.BillingRun, EntityType, run.Id,
            $"Billed {month:MMMM yyyy}{(supplementary ? " (supplementary)" : "")}: {customers} invoices, {deliveries} deliveries, {IndianFormats.Money(total)}; {missing.Count} missing");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        progress?.Report("Done.");
        return Result<BillingRunResult>.Ok(new BillingRunResult(run.Id, supplementary, customers, deliveries, total, missing.Count,
            $"Billed {month:MMMM yyyy}: {customers} {(customers == 1 ? "invoice" : "invoices")} for {IndianFormats.Money(total)}."));
    }

    /// <summary>Due on a day of the month already past (in India) with no delivery record, for active customers. Compared in PostgreSQL.</summary>
    private async Task<IReadOnlyList<MissingItem>> MissingAsync(PortalDbContext db, DateOnly month, CancellationToken cancellationToken)
    {
        var last = new[] { month.AddMonths(1).AddDays(-1), clock.Today.AddDays(-1) }.Min();
        if (last < month)
        {
            return [];
        }
        var subscriptions = await (
                from due in DueQuery.Between(db, month, last)
                join s in db.Subscriptions on due.SubscriptionId equals s.Id
                where s.Customer.Status == CustomerStatus.Active
                      && !db.Deliveries.Any(d => d.SubscriptionId == due.SubscriptionId && d.DeliveryDate == due.Day)
                select new MissingItem(due.Day, s.Customer.RouteId, s.Customer.Route == null ? null : s.Customer.Route.Name,
                    s.CustomerId, s.Customer.Name, s.ProductId, s.Product.Name, s.Product.Unit, due.Quantity, s.Id, null))
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        var lines = await db.OrderLines.AsNoTracking()
            .Where(l => l.Order.DeliveryDate >= month && l.Order.DeliveryDate <= last && l.Order.Status != OrderStatus.Cancelled
                        && l.Order.Customer.Status == CustomerStatus.Active && !db.Deliveries.Any(d => d.OrderLineId == l.Id))
            .Select(l => new MissingItem(l.Order.DeliveryDate, l.Order.Customer.RouteId, l.Order.Customer.Route == null ? null : l.Order.Customer.Route.Name,
                l.Order.CustomerId, l.Order.Customer.Name, l.ProductId, l.Product.Name, l.Product.Unit, l.Quantity, null, l.Id))
            .ToListAsync(cancellationToken);
        return subscriptions.Concat(lines)
            .OrderBy(m => m.Date).ThenBy(m => m.RouteName is null).ThenBy(m => m.RouteName, StringComparer.Ordinal)
            .ThenBy(m => m.CustomerName, StringComparer.Ordinal).ThenBy(m => m.ProductName, StringComparer.Ordinal)
            .ToList();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(cancellationToken))!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
