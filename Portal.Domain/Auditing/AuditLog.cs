using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Common;
using Portal.Domain.Data;

namespace Portal.Domain.Auditing;

public static class AuditActions
{
    public const string CustomerCreated = "customer.created";
    public const string CustomerEdited = "customer.edited";
    public const string CustomerDeactivated = "customer.deactivated";
    public const string CustomerReactivated = "customer.reactivated";
    public const string AccountLinked = "account.linked";
    public const string ActivationLinkIssued = "account.activation_link";
    public const string InitialPasswordSet = "account.initial_password";
    public const string AccountUnlocked = "account.unlocked";
    public const string AccountActivated = "account.activated";
    public const string UserCreated = "user.created";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string RolesChanged = "user.roles_changed";
    public const string ProductCreated = "product.created";
    public const string ProductEdited = "product.edited";
    public const string PriceAdded = "product.price_added";
    public const string RouteCreated = "route.created";
    public const string RouteEdited = "route.edited";
    public const string RouteAgentsChanged = "route.agents_changed";
    public const string RouteStopsChanged = "route.stops_changed";
    public const string SubscriptionCreated = "subscription.created";
    public const string ScheduleChanged = "subscription.schedule_changed";
    public const string SubscriptionPaused = "subscription.paused";
    public const string PauseChanged = "subscription.pause_changed";
    public const string OverrideSet = "subscription.override_set";
    public const string OverrideRemoved = "subscription.override_removed";
    public const string SubscriptionCancelled = "subscription.cancelled";
    public const string DeliveryRecorded = "delivery.recorded";
    public const string BillingRun = "billing.run";
    public const string DeliveryCorrected = "delivery.corrected";
    public const string SharedLinkCreated = "shared_link.created";
    public const string SharedLinkRevoked = "shared_link.revoked";
    public const string OrderPlaced = "order.placed";
    public const string OrderCancelled = "order.cancelled";
    public const string PaymentRecorded = "payment.recorded";
}

public sealed record AuditRow(
    long Id, DateTimeOffset At, string ActorName, string Action, string EntityType, string EntityId,
    int? CustomerId, string Summary, string? Before, string? After);

/// <summary>One page of the log, newest first. <see cref="From"/> and <see cref="To"/> are calendar days in India, both included.</summary>
public sealed record AuditQuery(
    int Page = 0, int PageSize = 50, string? Search = null, string? Action = null, int? CustomerId = null,
    DateOnly? From = null, DateOnly? To = null);

/// <summary>An action the log can hold, with a label people read ("Roles changed" for <c>user.roles_changed</c>).</summary>
public sealed record AuditActionOption(string Action, string Label);

/// <summary>Writes audit entries into the same unit of work as the change they describe, and reads them back.</summary>
public sealed class AuditLog(IDbContextFactory<PortalDbContext> contexts, TimeProvider time, PortalClock clock)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Every action in <see cref="AuditActions"/>, labelled from its constant's name, for filters and for showing entries.</summary>
    public static IReadOnlyList<AuditActionOption> KnownActions { get; } = typeof(AuditActions)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => new AuditActionOption((string)f.GetRawConstantValue()!, Words(f.Name)))
        .OrderBy(a => a.Label, StringComparer.Ordinal)
        .ToList();

    /// <summary>The label for <paramref name="action"/>; an action no constant names (an old one) shows as stored.</summary>
    public static string LabelFor(string action) => KnownActions.FirstOrDefault(a => a.Action == action)?.Label ?? action;

    /// <summary>Adds an entry to <paramref name="db"/>; it is saved with the change.</summary>
    public AuditEntry Add(PortalDbContext db, Caller actor, string action, string entityType, object entityId,
        string summary, int? customerId = null, object? before = null, object? after = null)
    {
        var entry = new AuditEntry
        {
            At = time.GetUtcNow(),
            ActorUserId = actor.UserId,
            ActorName = Truncate(actor.Name, Identity.PortalUser.DisplayNameMaxLength),
            Action = action,
            EntityType = entityType,
            EntityId = Convert.ToString(entityId, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            CustomerId = customerId,
            Summary = summary,
            Before = before is null ? null : JsonSerializer.Serialize(before, Json),
            After = after is null ? null : JsonSerializer.Serialize(after, Json),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>The same, for a delivery recorder: a person, or a shared link (then the link is the actor).</summary>
    public AuditEntry Add(PortalDbContext db, Deliveries.Recorder recorder, string action, string entityType, object entityId,
        string summary, int? customerId = null, object? before = null, object? after = null)
    {
        if (recorder.Caller is { } caller)
        {
            return Add(db, caller, action, entityType, entityId, summary, customerId, before, after);
        }
        var entry = Add(db, new Caller("", recorder.Name, new HashSet<string>()), action, entityType, entityId, summary, customerId, before, after);
        entry.ActorUserId = null;
        entry.ActorSharedLinkId = recorder.SharedLinkId;
        return entry;
    }

    /// <summary>Managers read the whole log; office staff read one customer's entries.</summary>
    public async Task<(IReadOnlyList<AuditRow> Rows, int Total)> SearchAsync(Caller caller, AuditQuery query, CancellationToken cancellationToken = default)
    {
        if (query.CustomerId is null)
        {
            caller.Require(Identity.Roles.Managers);
        }
        else
        {
            caller.Require(Identity.Roles.Office);
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entries = db.AuditEntries.AsNoTracking();
        if (query.CustomerId is { } customerId)
        {
            entries = entries.Where(a => a.CustomerId == customerId);
        }
        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            entries = entries.Where(a => a.Action == query.Action);
        }
        if (query.From is { } from)
        {
            var start = clock.StartOfDay(from).ToUniversalTime();
            entries = entries.Where(a => a.At >= start);
        }
        if (query.To is { } to)
        {
            var end = clock.StartOfDay(to.AddDays(1)).ToUniversalTime();
            entries = entries.Where(a => a.At < end);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var pattern = $"%{Like.Escape(query.Search.Trim())}%";
            entries = entries.Where(a => EF.Functions.ILike(a.Summary, pattern) || EF.Functions.ILike(a.ActorName, pattern));
        }
        var total = await entries.CountAsync(cancellationToken);
        var rows = await entries
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip(query.Page * query.PageSize).Take(query.PageSize)
            .Select(a => new AuditRow(a.Id, a.At, a.ActorName, a.Action, a.EntityType, a.EntityId, a.CustomerId, a.Summary, a.Before, a.After))
            .ToListAsync(cancellationToken);
        return (rows, total);
    }

    /// <summary>"RolesChanged" → "Roles changed".</summary>
    private static string Words(string pascal)
    {
        var text = new System.Text.StringBuilder(pascal.Length + 4);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
