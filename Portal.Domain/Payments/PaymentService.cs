using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.SelfService;

namespace Portal.Domain.Payments;

public sealed record PaymentRow(
    int Id, DateOnly ReceivedOn, decimal Amount, PaymentMethod Method, string? Reference, string RecordedByName, DateTimeOffset RecordedAt);

/// <summary>One customer's account as the office sees it: the same balance the customer sees, and every payment, newest first.</summary>
public sealed record CustomerAccount(int CustomerId, AccountBalance Balance, IReadOnlyList<PaymentRow> Payments);

/// <summary>
/// Money received from customers, recorded by managers and admins. Payments are append-only: this service never edits or deletes
/// one, so every balance a customer was ever shown can be rebuilt from the rows. A payment recorded by mistake is put right by the
/// office with a further entry it can explain, not by rewriting or removing the money record.
/// </summary>
public sealed class PaymentService(IDbContextFactory<PortalDbContext> contexts, AuditLog audit, PortalClock clock)
{
    public const string EntityType = "Payment";

    private readonly PaymentInputValidator validator = new(clock);

    /// <summary>
    /// Records money received from <paramref name="customerId"/>, with its audit entry, in one transaction. A deactivated customer
    /// can still pay what they owe, so their status is not checked.
    /// </summary>
    public async Task<Result<int>> RecordAsync(Caller caller, int customerId, PaymentInput input, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Managers);
        var invalid = (await validator.ValidateAsync(input, cancellationToken)).Errors
            .Select(e => new Problem(e.ErrorMessage, e.PropertyName))
            .ToList();
        if (invalid.Count > 0)
        {
            return Result<int>.Fail(invalid);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customer = await db.Customers.AsNoTracking()
            .Where(c => c.Id == customerId)
            .Select(c => new { c.Id, c.Name })
            .SingleOrDefaultAsync(cancellationToken);
        if (customer is null)
        {
            return new Problem("There is no such customer.");
        }

        var payment = new Payment
        {
            CustomerId = customer.Id,
            Amount = input.Amount!.Value,
            Method = input.Method!.Value,
            ReceivedOn = input.ReceivedOn!.Value,
            Reference = string.IsNullOrWhiteSpace(input.Reference) ? null : input.Reference.Trim(),
            RecordedByUserId = caller.UserId,
            RecordedAt = clock.UtcNow,
        };
        // The audit entry names the payment by its id, which the insert gives; the transaction keeps the two together.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Payments.Add(payment);
        await db.SaveChangesAsync(cancellationToken);
        audit.Add(db, caller, AuditActions.PaymentRecorded, EntityType, payment.Id,
            $"Recorded payment of {IndianFormats.Money(payment.Amount)} ({PaymentRules.Label(payment.Method)}) from {customer.Name}, received {IndianFormats.Date(payment.ReceivedOn)}"
                + (payment.Reference is null ? "" : $", ref. {payment.Reference}"),
            customer.Id,
            after: new Dictionary<string, string?>
            {
                ["Amount"] = payment.Amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
                ["Method"] = payment.Method.ToString(),
                ["Received on"] = payment.ReceivedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["Reference"] = payment.Reference,
            });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<int>.Ok(payment.Id);
    }

    /// <summary>
    /// The customer's balance (every invoice less every payment, as <see cref="CustomerPortal.HomeAsync"/> shows it to them) and their
    /// payments, newest received first; null when there is no such customer.
    /// </summary>
    public async Task<CustomerAccount?> ForCustomerAsync(Caller caller, int customerId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Managers);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var invoiced = await db.Customers.AsNoTracking()
            .Where(c => c.Id == customerId)
            .Select(c => (decimal?)db.Invoices.Where(i => i.CustomerId == c.Id).Sum(i => i.TotalAmount))
            .SingleOrDefaultAsync(cancellationToken);
        if (invoiced is null)
        {
            return null;
        }
        // Newest first in the order the customer's own page picks their last payment.
        var payments = await db.Payments.AsNoTracking()
            .Where(p => p.CustomerId == customerId)
            .OrderByDescending(p => p.ReceivedOn).ThenByDescending(p => p.Id)
            .Select(p => new PaymentRow(p.Id, p.ReceivedOn, p.Amount, p.Method, p.Reference, p.RecordedBy.DisplayName, p.RecordedAt))
            .ToListAsync(cancellationToken);
        var last = payments.FirstOrDefault();
        // Paid is summed from the list itself, so the total and the rows shown under it always agree.
        return new CustomerAccount(customerId, new AccountBalance(invoiced.Value, payments.Sum(p => p.Amount), last?.ReceivedOn, last?.Amount), payments);
    }
}
