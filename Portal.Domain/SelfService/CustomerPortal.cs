using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Domain.Subscriptions;

namespace Portal.Domain.SelfService;

/// <summary>One thing due on a day as the customer sees it: a subscription's quantity (and what the schedule alone would give), or an order line.</summary>
public sealed record DayPlanLine(
    string ProductName, ProductUnit Unit, decimal Quantity, decimal ScheduledQuantity, PreviewReason Reason, int? SubscriptionId, int? OrderId);

/// <summary>A delivery day with whether it can still be changed, the cut-off instant, and why not when it is closed.</summary>
public sealed record DayPlan(DateOnly Date, bool IsOpen, DateTimeOffset Cutoff, string? ClosedMessage, IReadOnlyList<DayPlanLine> Lines);

/// <summary>The month so far: recorded deliveries up to today and what they come to at the prices billing will use.</summary>
public sealed record MonthToDate(DateOnly Month, int Delivered, int Partial, int NotDelivered, decimal Amount);

public sealed record MyInvoiceRow(int Id, string Number, DateOnly Month, bool IsSupplementary, DateTimeOffset IssuedAt, int Lines, decimal Total);

/// <summary>Everything invoiced minus everything paid. <see cref="Due"/> above zero is owed by the customer; below zero is credit.</summary>
public sealed record AccountBalance(decimal Invoiced, decimal Paid, DateOnly? LastPaymentOn, decimal? LastPaymentAmount)
{
    public decimal Due => Invoiced - Paid;
}

public sealed record MyHomeView(
    int CustomerId, string Name, CustomerStatus Status, DayPlan Tomorrow, MonthToDate MonthToDate, MyInvoiceRow? LatestInvoice, AccountBalance Balance);

public enum CalendarState
{
    /// <summary>Due on a day that has not come yet (or today, not recorded yet).</summary>
    Upcoming,
    Delivered,
    Partial,
    NotDelivered,
    /// <summary>Due on a past day with nothing recorded: the office is chasing it; it is not billed.</summary>
    NotRecorded,
    Skipped,
    Paused,
}

public sealed record CalendarItem(
    string ProductName, ProductUnit Unit, decimal Due, decimal? Delivered, CalendarState State,
    NotDeliveredReason? Reason, string? ReasonNote, long? DeliveryId, int? SubscriptionId, int? OrderId);

public sealed record CalendarDay(DateOnly Date, IReadOnlyList<CalendarItem> Items);

/// <summary>Every day of one month, with what was due and what happened, and the month's totals.</summary>
public sealed record MonthCalendar(DateOnly Month, IReadOnlyList<CalendarDay> Days, int Delivered, int Partial, int NotDelivered, decimal DeliveredAmount);

/// <summary>One delivery record, and the invoice line that billed it when there is one.</summary>
public sealed record MyDelivery(
    long Id, DateOnly Date, string ProductName, ProductUnit Unit, decimal Planned, decimal Delivered, DeliveryOutcome Outcome,
    NotDeliveredReason? Reason, string? ReasonNote, DateTimeOffset RecordedAt, int? SubscriptionId, int? OrderId,
    decimal? BilledUnitPrice, decimal? BilledAmount, int? InvoiceId, string? InvoiceNumber);

public sealed record OnSaleProduct(int Id, string Name, ProductUnit Unit, decimal UnitPrice);

/// <summary>What the customer may change about themselves; mobile numbers change through the office.</summary>
public sealed record MyContact(int CustomerId, string Name, string Mobile, string? Email, Address Address, string? RouteName, uint Version);

public sealed class ContactInput
{
    public string? Email { get; set; }

    public string AddressLine { get; set; } = "";

    public uint Version { get; set; }
}

/// <summary>
/// The customer's own portal. Every method finds the customer from the signed-in caller, never from an id the page sends;
/// a method that takes an id (a delivery, an invoice) refuses, with the same <see cref="AccessDeniedException"/>, an id that
/// is someone else's and an id that does not exist.
/// </summary>
public sealed class CustomerPortal(
    IDbContextFactory<PortalDbContext> contexts, IServiceScopeFactory scopes, AuditLog audit, PortalClock clock)
{
    private static readonly ContactInputValidator ContactValidator = new();

    /// <summary>
    /// The front page: tomorrow's plan, the month so far (records from the 1st to today, at the prices billing charges), the
    /// latest invoice issued, and the balance (every invoice less every payment).
    /// </summary>
    public async Task<MyHomeView> HomeAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        RequireCustomerRole(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var me = await db.Customers.AsNoTracking()
            .Where(c => c.UserId == caller.UserId)
            .Select(c => new
            {
                c.Id, c.Name, c.Status,
                Invoiced = db.Invoices.Where(i => i.CustomerId == c.Id).Sum(i => (decimal?)i.TotalAmount) ?? 0m,
                Paid = db.Payments.Where(p => p.CustomerId == c.Id).Sum(p => (decimal?)p.Amount) ?? 0m,
            })
            .SingleOrDefaultAsync(cancellationToken) ?? throw new AccessDeniedException();
        // Read on their own, not as subqueries of the query above: EF would turn those into window functions over every
        // customer's invoices and payments.
        var lastPayment = await db.Payments.AsNoTracking().Where(p => p.CustomerId == me.Id)
            .OrderByDescending(p => p.ReceivedOn).ThenByDescending(p => p.Id)
            .Select(p => new { p.ReceivedOn, p.Amount })
            .FirstOrDefaultAsync(cancellationToken);
        var latest = await db.Invoices.AsNoTracking().Where(i => i.CustomerId == me.Id)
            .OrderByDescending(i => i.IssuedAt).ThenByDescending(i => i.FinancialYear).ThenByDescending(i => i.Sequence)
            .Select(i => new MyInvoiceRow(i.Id, i.Number, i.PeriodMonth, i.IsSupplementary, i.IssuedAt, i.Records.Count, i.TotalAmount))
            .FirstOrDefaultAsync(cancellationToken);

        var tomorrow = await DayAsync(db, me.Id, clock.Tomorrow, cancellationToken);
        var today = clock.Today;
        var month = BillingService.MonthOf(today);
        var recorded = await CustomerCalendar.RecordedAsync(db, me.Id, month, today, cancellationToken);
        var (delivered, partial, notDelivered) = Counts(recorded);
        return new MyHomeView(
            me.Id, me.Name, me.Status, tomorrow,
            new MonthToDate(month, delivered, partial, notDelivered, recorded.Sum(r => r.Amount)),
            latest,
            new AccountBalance(me.Invoiced, me.Paid, lastPayment?.ReceivedOn, lastPayment?.Amount));
    }

    /// <summary>The caller's customer id, for the subscription and order services that take one.</summary>
    public async Task<int> CustomerIdAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await MyIdAsync(db, caller, cancellationToken);
    }

    /// <summary>What is due on <paramref name="date"/>: every subscription (skipped and paused ones at 0, so they can be undone) and order line, and whether the day is still open.</summary>
    public async Task<DayPlan> DayAsync(Caller caller, DateOnly date, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customerId = await MyIdAsync(db, caller, cancellationToken);
        return await DayAsync(db, customerId, date, cancellationToken);
    }

    /// <summary>
    /// Every day of the month <paramref name="month"/> falls in, with what was due and what happened. Throws
    /// <see cref="ArgumentOutOfRangeException"/> only for a month no page would send (before 2000).
    /// </summary>
    public async Task<MonthCalendar> CalendarAsync(Caller caller, DateOnly month, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customerId = await MyIdAsync(db, caller, cancellationToken);
        if (month.Year is < 2000 or > 9998)
        {
            throw new ArgumentOutOfRangeException(nameof(month), month, "Choose a month from 2000 on.");
        }
        var first = BillingService.MonthOf(month);
        var last = first.AddMonths(1).AddDays(-1);
        var planned = await CustomerCalendar.PlannedAsync(db, customerId, first, last, cancellationToken);
        var recorded = await CustomerCalendar.RecordedAsync(db, customerId, first, last, cancellationToken);
        var (delivered, partial, notDelivered) = Counts(recorded);
        return new MonthCalendar(first, CustomerCalendar.Days(first, last, clock.Today, planned, recorded),
            delivered, partial, notDelivered, recorded.Sum(r => r.Amount));
    }

    /// <summary>One of the customer's delivery records, with the invoice line that billed it once billed.</summary>
    public async Task<MyDelivery> DeliveryAsync(Caller caller, long deliveryId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customerId = await MyIdAsync(db, caller, cancellationToken);
        return await db.Deliveries.AsNoTracking()
            .Where(d => d.Id == deliveryId && (d.Subscription!.CustomerId == customerId || d.OrderLine!.Order.CustomerId == customerId))
            .Select(d => new
            {
                d.Id, d.DeliveryDate,
                ProductName = d.Subscription != null ? d.Subscription.Product.Name : d.OrderLine!.Product.Name,
                Unit = d.Subscription != null ? d.Subscription.Product.Unit : d.OrderLine!.Product.Unit,
                d.PlannedQuantity, d.DeliveredQuantity, d.Outcome, d.Reason, d.ReasonNote, d.RecordedAt, d.SubscriptionId,
                OrderId = d.OrderLine == null ? (int?)null : d.OrderLine.OrderId,
                Billed = db.BillingRecords.Where(b => b.DeliveryId == d.Id)
                    .Select(b => new { b.UnitPrice, b.Amount, b.InvoiceId, b.Invoice.Number })
                    .FirstOrDefault(),
            })
            .Select(d => new MyDelivery(
                d.Id, d.DeliveryDate, d.ProductName, d.Unit, d.PlannedQuantity, d.DeliveredQuantity, d.Outcome, d.Reason, d.ReasonNote,
                d.RecordedAt, d.SubscriptionId, d.OrderId,
                d.Billed == null ? null : d.Billed.UnitPrice,
                d.Billed == null ? null : d.Billed.Amount,
                d.Billed == null ? null : d.Billed.InvoiceId,
                d.Billed == null ? null : d.Billed.Number))
            .SingleOrDefaultAsync(cancellationToken) ?? throw new AccessDeniedException();
    }

    /// <summary>The customer's invoices, newest month first, then the higher number first.</summary>
    public async Task<IReadOnlyList<MyInvoiceRow>> InvoicesAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customerId = await MyIdAsync(db, caller, cancellationToken);
        return await db.Invoices.AsNoTracking()
            .Where(i => i.CustomerId == customerId)
            .OrderByDescending(i => i.PeriodMonth).ThenByDescending(i => i.FinancialYear).ThenByDescending(i => i.Sequence)
            .Select(i => new MyInvoiceRow(i.Id, i.Number, i.PeriodMonth, i.IsSupplementary, i.IssuedAt, i.Records.Count, i.TotalAmount))
            .ToListAsync(cancellationToken);
    }

    /// <summary>One of the customer's invoices, exactly as the office sees it.</summary>
    public async Task<InvoiceDetail> InvoiceAsync(Caller caller, int invoiceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customerId = await MyIdAsync(db, caller, cancellationToken);
        if (!await db.Invoices.AnyAsync(i => i.Id == invoiceId && i.CustomerId == customerId, cancellationToken))
        {
            throw new AccessDeniedException();
        }
        return await InvoiceService.ReadInvoiceAsync(db, invoiceId, cancellationToken) ?? throw new AccessDeniedException();
    }

    /// <summary>What the customer may order: active products with a price today, at today's price, by name.</summary>
    public async Task<IReadOnlyList<OnSaleProduct>> OnSaleAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await MyIdAsync(db, caller, cancellationToken);
        return await (
                from product in db.Products.AsNoTracking()
                join price in ProductCatalog.InEffectOn(db.ProductPrices.AsNoTracking(), clock.Today) on product.Id equals price.ProductId
                where product.IsActive
                orderby product.Name, product.Id
                select new OnSaleProduct(product.Id, product.Name, product.Unit, price.UnitPrice))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The customer's contact details, with the row version the contact form sends back.</summary>
    public async Task<MyContact> ContactAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        RequireCustomerRole(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Customers.AsNoTracking()
            .Where(c => c.UserId == caller.UserId)
            .Select(c => new MyContact(c.Id, c.Name, c.Mobile, c.Email, c.Address, c.Route == null ? null : c.Route.Name, c.Version))
            .SingleOrDefaultAsync(cancellationToken) ?? throw new AccessDeniedException();
    }

    /// <summary>
    /// The customer changes their email and their house-and-street line. The email is kept in step on their login (email and
    /// normalised email), as the office's edit does, so signing in with the new email works at once; a clash with any
    /// customer or login is refused next to the field. Mobile, name, area, city, PIN code and route change through the office.
    /// </summary>
    public async Task<Result<Unit>> UpdateContactAsync(Caller caller, ContactInput input, CancellationToken cancellationToken = default)
    {
        RequireCustomerRole(caller);
        var invalid = (await ContactValidator.ValidateAsync(input, cancellationToken)).Errors
            .Select(e => new Problem(e.ErrorMessage, e.PropertyName))
            .ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Found before the input is judged, so a caller who is no customer is refused whatever they send.
        var customer = await db.Customers.Include(c => c.User).SingleOrDefaultAsync(c => c.UserId == caller.UserId, cancellationToken)
            ?? throw new AccessDeniedException();
        if (invalid.Count > 0)
        {
            return Result<Unit>.Fail(invalid);
        }
        db.Entry(customer).Property(c => c.Version).OriginalValue = input.Version;

        var email = string.IsNullOrWhiteSpace(input.Email) ? null : input.Email.Trim().ToLowerInvariant();
        if (email is not null)
        {
            var normalised = email.ToUpperInvariant();
            var taken = await db.Customers.AnyAsync(c => c.Email == email && c.Id != customer.Id, cancellationToken)
                || await db.Users.AnyAsync(u => u.NormalizedEmail == normalised && u.Id != customer.UserId, cancellationToken);
            if (taken)
            {
                return EmailTaken;
            }
        }

        var before = Snapshot(customer);
        customer.Email = email;
        customer.Address.Line = input.AddressLine.Trim();
        var user = customer.User;
        if (user.Email != email)
        {
            user.Email = email;
            var updated = await users.UpdateAsync(user);
            if (!updated.Succeeded)
            {
                return Result<Unit>.Fail(updated.Errors.Select(e => e.Code switch
                {
                    "DuplicateEmail" => EmailTaken,
                    "ConcurrencyFailure" => new Problem(ConcurrencyMessages.ChangedBySomeoneElse),
                    _ => new Problem(e.Description),
                }));
            }
        }

        var after = Snapshot(customer);
        var changed = after.Keys.Where(k => before[k] != after[k]).ToList();
        if (changed.Count > 0)
        {
            audit.Add(db, caller, AuditActions.CustomerEdited, CustomerService.EntityType, customer.Id,
                $"{customer.Name} changed their {string.Join(" and ", changed.Select(k => k.ToLowerInvariant()))}", customer.Id,
                changed.ToDictionary(k => k, k => before[k]), changed.ToDictionary(k => k, k => after[k]));
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Problem(ConcurrencyMessages.ChangedBySomeoneElse);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another account took the email between the check and the save; only the email is unique among these fields.
            return EmailTaken;
        }
        return Result.Ok();
    }

    private static Problem EmailTaken => new("This email is already used by another account.", nameof(ContactInput.Email));

    private static void RequireCustomerRole(Caller caller)
    {
        if (!caller.IsIn(Roles.Customer))
        {
            throw new AccessDeniedException();
        }
    }

    private static async Task<int> MyIdAsync(PortalDbContext db, Caller caller, CancellationToken cancellationToken)
    {
        RequireCustomerRole(caller);
        return await db.Customers.AsNoTracking().Where(c => c.UserId == caller.UserId).Select(c => (int?)c.Id).SingleOrDefaultAsync(cancellationToken)
            ?? throw new AccessDeniedException();
    }

    private async Task<DayPlan> DayAsync(PortalDbContext db, int customerId, DateOnly date, CancellationToken cancellationToken)
    {
        var planned = await CustomerCalendar.PlannedAsync(db, customerId, date, date, cancellationToken);
        var isOpen = clock.IsOpenForChanges(date);
        return new DayPlan(date, isOpen, clock.CutoffFor(date), isOpen ? null : clock.ClosedMessage(date),
            planned.Select(p => new DayPlanLine(p.ProductName, p.Unit, p.Quantity, p.ScheduledQuantity, p.Reason, p.SubscriptionId, p.OrderId)).ToList());
    }

    private static (int Delivered, int Partial, int NotDelivered) Counts(IReadOnlyList<RecordedItem> recorded) => (
        recorded.Count(r => r.Outcome == DeliveryOutcome.Delivered),
        recorded.Count(r => r.Outcome == DeliveryOutcome.Partial),
        recorded.Count(r => r.Outcome == DeliveryOutcome.NotDelivered));

    private static Dictionary<string, string?> Snapshot(Customer c) => new()
    {
        ["Email"] = c.Email,
        ["Address"] = c.Address.Line,
    };
}
