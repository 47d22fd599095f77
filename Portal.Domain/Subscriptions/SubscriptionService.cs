using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;

namespace Portal.Domain.Subscriptions;

public sealed record PauseRow(int Id, DateOnly From, DateOnly To, bool CanChange);

public sealed record OverrideRow(int Id, DateOnly Date, decimal Quantity, bool CanChange);

public sealed record SubscriptionView(
    int Id, int CustomerId, int ProductId, string ProductName, ProductUnit Unit,
    DateOnly StartDate, DateOnly? EndDate, SubscriptionStatus Status, uint Version,
    SubscriptionSchedule CurrentSchedule, string ScheduleText, SubscriptionSchedule? NextSchedule, string? NextScheduleText,
    IReadOnlyList<PauseRow> Pauses, IReadOnlyList<OverrideRow> Overrides);

public enum PreviewReason
{
    Scheduled,
    Changed,
    Skipped,
    Paused,
    Order,
}

public sealed record PreviewLine(string ProductName, ProductUnit Unit, decimal Quantity, PreviewReason Reason, int? SubscriptionId, int? OrderId);

public sealed record PreviewDay(DateOnly Date, IReadOnlyList<PreviewLine> Lines);

/// <summary>
/// Subscriptions and their changes: schedules that change from a date (history kept), pauses, one-day overrides,
/// cancelling. Nothing may change for a date once its cut-off has passed (21:00 IST the evening before).
/// Office roles act for any customer; a customer only for their own subscriptions.
/// </summary>
public sealed class SubscriptionService(IDbContextFactory<PortalDbContext> contexts, AuditLog audit, PortalClock clock)
{
    public const string EntityType = "Subscription";

    private static readonly SubscriptionInputValidator Validator = new();
    private static readonly ScheduleInputValidator ScheduleValidator = new();

    public async Task<Result<int>> CreateAsync(Caller caller, SubscriptionInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customer = await RequireCustomerAsync(db, caller, input.CustomerId, cancellationToken);
        var product = await db.Products.AsNoTracking().SingleOrDefaultAsync(p => p.Id == input.ProductId, cancellationToken);
        input.Schedule.WholeUnits = product is not null && Product.IsWholeUnit(product.Unit);
        var problems = Problems(await Validator.ValidateAsync(input, cancellationToken));
        if (input.ProductId > 0 && (product is null || !product.IsActive))
        {
            problems.Add(new Problem("Choose a product that is on sale.", nameof(SubscriptionInput.ProductId)));
        }
        if (customer.Status != CustomerStatus.Active)
        {
            problems.Add(new Problem("This customer is inactive; reactivate them first."));
        }
        if (input.StartDate is { } start && !clock.IsOpenForChanges(start))
        {
            problems.Add(new Problem(clock.ClosedMessage(start), nameof(SubscriptionInput.StartDate)));
        }
        if (problems.Count > 0)
        {
            return Result<int>.Fail(problems);
        }

        var subscription = new Subscription
        {
            CustomerId = customer.Id,
            ProductId = input.ProductId,
            StartDate = input.StartDate!.Value,
            EndDate = input.EndDate,
            CreatedAt = clock.UtcNow,
            Schedules = [input.Schedule.ToSchedule(input.StartDate.Value)],
        };
        // The audit entry needs the new id, so two saves: one transaction keeps them a single change.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Subscriptions.Add(subscription);
        await db.SaveChangesAsync(cancellationToken);
        audit.Add(db, caller, AuditActions.SubscriptionCreated, EntityType, subscription.Id,
            $"Subscribed {customer.Name} to {product!.Name}: {Describe(subscription.Schedules[0], product.Unit)} from {IndianFormats.Date(subscription.StartDate)}",
            customer.Id, after: new { Product = product.Name, Start = subscription.StartDate, End = subscription.EndDate, Schedule = Describe(subscription.Schedules[0], product.Unit) });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<int>.Ok(subscription.Id);
    }

    /// <summary>A new schedule from <paramref name="effectiveFrom"/>; days before it keep the schedule they had.</summary>
    public async Task<Result<Unit>> ChangeScheduleAsync(Caller caller, int subscriptionId, ScheduleInput input, DateOnly effectiveFrom, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await LoadAsync(db, caller, subscriptionId, cancellationToken);
        input.WholeUnits = Product.IsWholeUnit(subscription.Product.Unit);
        var problems = Problems(await ScheduleValidator.ValidateAsync(input, cancellationToken));
        problems.AddRange(CheckOpenAndInside(subscription, effectiveFrom, effectiveFrom, "EffectiveFrom"));
        if (problems.Count > 0)
        {
            return Result<Unit>.Fail(problems);
        }
        var before = Describe(ScheduleOn(subscription, effectiveFrom), subscription.Product.Unit);
        // Later schedules were all still in the future (nothing closed can come after an open date): the new one replaces them.
        db.SubscriptionSchedules.RemoveRange(subscription.Schedules.Where(s => s.EffectiveFrom >= effectiveFrom));
        var schedule = input.ToSchedule(effectiveFrom);
        subscription.Schedules.Add(schedule);
        var after = Describe(schedule, subscription.Product.Unit);
        audit.Add(db, caller, AuditActions.ScheduleChanged, EntityType, subscription.Id,
            $"{subscription.Product.Name} for {subscription.Customer.Name}: {after} from {IndianFormats.Date(effectiveFrom)}",
            subscription.CustomerId, new { Schedule = before }, new { Schedule = after, From = effectiveFrom });
        return await SaveAsync(db, cancellationToken);
    }

    /// <summary>A vacation: nothing delivered from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    public async Task<Result<Unit>> PauseAsync(Caller caller, int subscriptionId, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await LoadAsync(db, caller, subscriptionId, cancellationToken);
        var problems = new List<Problem>();
        if (to < from)
        {
            problems.Add(new Problem("The last day of the pause cannot be before the first.", "To"));
        }
        problems.AddRange(CheckOpenAndInside(subscription, from, to, "From", "To"));
        var overlapping = subscription.Pauses.FirstOrDefault(p => p.FromDate <= to && from <= p.ToDate);
        if (overlapping is not null)
        {
            problems.Add(new Problem(
                $"This overlaps the pause from {IndianFormats.Date(overlapping.FromDate)} to {IndianFormats.Date(overlapping.ToDate)}. Change that pause instead.", "From"));
        }
        if (problems.Count > 0)
        {
            return Result<Unit>.Fail(problems);
        }
        subscription.Pauses.Add(new SubscriptionPause { FromDate = from, ToDate = to, CreatedAt = clock.UtcNow });
        audit.Add(db, caller, AuditActions.SubscriptionPaused, EntityType, subscription.Id,
            $"{subscription.Product.Name} for {subscription.Customer.Name} paused {IndianFormats.Date(from)} – {IndianFormats.Date(to)}",
            subscription.CustomerId, after: new { From = from, To = to });
        return await SaveAsync(db, cancellationToken);
    }

    /// <summary>Ends a pause early (deliveries resume on the first date still open) or removes one that has not begun.</summary>
    public async Task<Result<Unit>> ResumeAsync(Caller caller, int subscriptionId, int pauseId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await LoadAsync(db, caller, subscriptionId, cancellationToken);
        var pause = subscription.Pauses.SingleOrDefault(p => p.Id == pauseId);
        if (pause is null)
        {
            return new Problem("That pause does not exist.");
        }
        var firstOpen = clock.FirstOpenDate;
        if (pause.ToDate < firstOpen)
        {
            return new Problem("This pause has already ended.");
        }
        var before = new { From = pause.FromDate, To = pause.ToDate };
        string summary;
        if (pause.FromDate >= firstOpen)
        {
            db.SubscriptionPauses.Remove(pause);
            summary = $"Removed the pause {IndianFormats.Date(pause.FromDate)} – {IndianFormats.Date(pause.ToDate)}";
        }
        else
        {
            pause.ToDate = firstOpen.AddDays(-1);
            summary = $"Resumed from {IndianFormats.Date(firstOpen)} (pause now ends {IndianFormats.Date(pause.ToDate)})";
        }
        audit.Add(db, caller, AuditActions.PauseChanged, EntityType, subscription.Id,
            $"{subscription.Product.Name} for {subscription.Customer.Name}: {summary}", subscription.CustomerId, before,
            db.Entry(pause).State == EntityState.Deleted ? null : new { From = pause.FromDate, To = pause.ToDate });
        return await SaveAsync(db, cancellationToken);
    }

    /// <summary>One date's quantity instead of the schedule's: more, less, or 0 to skip the day.</summary>
    public async Task<Result<Unit>> SetOverrideAsync(Caller caller, int subscriptionId, DateOnly date, decimal quantity, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await LoadAsync(db, caller, subscriptionId, cancellationToken);
        var problems = new List<Problem>();
        if (quantity < 0)
        {
            problems.Add(new Problem("The quantity cannot be negative; use 0 to skip the day.", "Quantity"));
        }
        else if (quantity > QuantityRules.Max)
        {
            problems.Add(new Problem($"At most {QuantityRules.Max} a day.", "Quantity"));
        }
        else if (!QuantityRules.HasAtMostThreeDecimals(quantity))
        {
            problems.Add(new Problem("Use at most 3 decimals.", "Quantity"));
        }
        else if (Product.IsWholeUnit(subscription.Product.Unit) && !QuantityRules.IsWhole(quantity))
        {
            problems.Add(new Problem("This product is counted in whole pieces or packs.", "Quantity"));
        }
        problems.AddRange(CheckOpenAndInside(subscription, date, date, "Date"));
        if (subscription.Pauses.FirstOrDefault(p => p.FromDate <= date && date <= p.ToDate) is { } paused)
        {
            problems.Add(new Problem(
                $"Deliveries are paused from {IndianFormats.Date(paused.FromDate)} to {IndianFormats.Date(paused.ToDate)}. Change the pause first.", "Date"));
        }
        if (problems.Count > 0)
        {
            return Result<Unit>.Fail(problems);
        }
        var scheduled = DueQuantity.On(subscription, date);
        var existing = subscription.Overrides.SingleOrDefault(o => o.Date == date);
        var before = existing?.Quantity ?? scheduled;
        if (existing is null)
        {
            subscription.Overrides.Add(new SubscriptionOverride { Date = date, Quantity = quantity, CreatedAt = clock.UtcNow });
        }
        else
        {
            existing.Quantity = quantity;
        }
        var what = quantity == 0 ? "skip" : $"{IndianFormats.Quantity(quantity)} {UnitText(subscription.Product.Unit, quantity)}";
        audit.Add(db, caller, AuditActions.OverrideSet, EntityType, subscription.Id,
            $"{subscription.Product.Name} for {subscription.Customer.Name} on {IndianFormats.Date(date)}: {what}",
            subscription.CustomerId, new { Date = date, Quantity = before }, new { Date = date, Quantity = quantity });
        return await SaveAsync(db, cancellationToken);
    }

    /// <summary>Back to the schedule for that date.</summary>
    public async Task<Result<Unit>> RemoveOverrideAsync(Caller caller, int subscriptionId, DateOnly date, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await LoadAsync(db, caller, subscriptionId, cancellationToken);
        var existing = subscription.Overrides.SingleOrDefault(o => o.Date == date);
        if (existing is null)
        {
            return Result.Ok();
        }
        if (!clock.IsOpenForChanges(date))
        {
            return new Problem(clock.ClosedMessage(date), "Date");
        }
        db.SubscriptionOverrides.Remove(existing);
        audit.Add(db, caller, AuditActions.OverrideRemoved, EntityType, subscription.Id,
            $"{subscription.Product.Name} for {subscription.Customer.Name} on {IndianFormats.Date(date)}: back to the schedule",
            subscription.CustomerId, new { Date = date, existing.Quantity });
        return await SaveAsync(db, cancellationToken);
    }

    /// <summary>Stops the subscription after the last date that can no longer change. Past days keep what they had.</summary>
    public async Task<Result<Unit>> CancelAsync(Caller caller, int subscriptionId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subscription = await LoadAsync(db, caller, subscriptionId, cancellationToken);
        if (subscription.Status == SubscriptionStatus.Cancelled)
        {
            return new Problem("This subscription is already cancelled.");
        }
        var lastDay = clock.FirstOpenDate.AddDays(-1);
        var before = new { Status = subscription.Status.ToString(), End = subscription.EndDate };
        subscription.Status = SubscriptionStatus.Cancelled;
        if (subscription.EndDate is null || subscription.EndDate > lastDay)
        {
            subscription.EndDate = lastDay < subscription.StartDate ? subscription.StartDate.AddDays(-1) : lastDay;
        }
        if (subscription.EndDate < subscription.StartDate)
        {
            // Cancelled before it began: nothing was ever due. Keep the row (history) with an empty range.
            subscription.EndDate = subscription.StartDate;
            if (subscription.Overrides.SingleOrDefault(o => o.Date == subscription.StartDate) is { } onStart)
            {
                onStart.Quantity = 0;
            }
            else
            {
                subscription.Overrides.Add(new SubscriptionOverride { Date = subscription.StartDate, Quantity = 0, CreatedAt = clock.UtcNow });
            }
        }
        audit.Add(db, caller, AuditActions.SubscriptionCancelled, EntityType, subscription.Id,
            $"Cancelled {subscription.Product.Name} for {subscription.Customer.Name}; last delivery {IndianFormats.Date(subscription.EndDate!.Value)}",
            subscription.CustomerId, before, new { Status = subscription.Status.ToString(), End = subscription.EndDate });
        return await SaveAsync(db, cancellationToken);
    }

    public async Task<IReadOnlyList<SubscriptionView>> ForCustomerAsync(Caller caller, int customerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await RequireCustomerAsync(db, caller, customerId, cancellationToken);
        var subscriptions = await db.Subscriptions.AsNoTracking().AsSplitQuery()
            .Include(s => s.Product).Include(s => s.Schedules).Include(s => s.Pauses).Include(s => s.Overrides)
            .Where(s => s.CustomerId == customerId)
            .OrderBy(s => s.Status == SubscriptionStatus.Cancelled).ThenBy(s => s.StartDate)
            .ToListAsync(cancellationToken);
        var today = clock.Today;
        var firstOpen = clock.FirstOpenDate;
        return subscriptions.Select(s =>
        {
            var current = ScheduleOn(s, s.StartDate > today ? s.StartDate : today) ?? s.Schedules.OrderBy(x => x.EffectiveFrom).First();
            var next = s.Schedules.Where(x => x.EffectiveFrom > today && x.EffectiveFrom > current.EffectiveFrom).OrderBy(x => x.EffectiveFrom).FirstOrDefault();
            return new SubscriptionView(
                s.Id, s.CustomerId, s.ProductId, s.Product.Name, s.Product.Unit, s.StartDate, s.EndDate, s.Status, s.Version,
                current, Describe(current, s.Product.Unit), next, next is null ? null : $"{Describe(next, s.Product.Unit)} from {IndianFormats.Date(next.EffectiveFrom)}",
                s.Pauses.Where(p => p.ToDate >= today).OrderBy(p => p.FromDate).Select(p => new PauseRow(p.Id, p.FromDate, p.ToDate, p.ToDate >= firstOpen)).ToList(),
                s.Overrides.Where(o => o.Date >= today).OrderBy(o => o.Date).Select(o => new OverrideRow(o.Id, o.Date, o.Quantity, o.Date >= firstOpen)).ToList());
        }).ToList();
    }

    /// <summary>What will be delivered to the customer on each of <paramref name="days"/> days from <paramref name="from"/>, with why.</summary>
    public async Task<IReadOnlyList<PreviewDay>> PreviewAsync(Caller caller, int customerId, DateOnly from, int days = 14, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await RequireCustomerAsync(db, caller, customerId, cancellationToken);
        var to = from.AddDays(days - 1);
        var subscriptions = await db.Subscriptions.AsNoTracking().AsSplitQuery()
            .Include(s => s.Product).Include(s => s.Schedules).Include(s => s.Pauses).Include(s => s.Overrides)
            .Where(s => s.CustomerId == customerId && s.StartDate <= to && (s.EndDate == null || s.EndDate >= from))
            .ToListAsync(cancellationToken);
        var orders = await db.OrderLines.AsNoTracking()
            .Where(l => l.Order.CustomerId == customerId && l.Order.DeliveryDate >= from && l.Order.DeliveryDate <= to && l.Order.Status != OrderStatus.Cancelled)
            .Select(l => new { l.Order.DeliveryDate, l.OrderId, l.Product.Name, l.Product.Unit, l.Quantity })
            .ToListAsync(cancellationToken);

        var result = new List<PreviewDay>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var lines = new List<PreviewLine>();
            foreach (var s in subscriptions.Where(s => s.StartDate <= day && (s.EndDate is null || s.EndDate >= day)))
            {
                var quantity = DueQuantity.On(s, day);
                if (quantity == 0 && s.Status == SubscriptionStatus.Cancelled)
                {
                    // A subscription cancelled before it began keeps a one-day, skipped range (end ≥ start is a constraint): not a skip to show.
                    continue;
                }
                var paused = s.Pauses.Any(p => p.FromDate <= day && day <= p.ToDate);
                var changed = s.Overrides.Any(o => o.Date == day);
                var reason = paused ? PreviewReason.Paused : changed ? (quantity == 0 ? PreviewReason.Skipped : PreviewReason.Changed) : PreviewReason.Scheduled;
                if (quantity > 0 || reason != PreviewReason.Scheduled)
                {
                    lines.Add(new PreviewLine(s.Product.Name, s.Product.Unit, quantity, reason, s.Id, null));
                }
            }
            lines.AddRange(orders.Where(o => o.DeliveryDate == day).Select(o => new PreviewLine(o.Name, o.Unit, o.Quantity, PreviewReason.Order, null, o.OrderId)));
            result.Add(new PreviewDay(day, lines));
        }
        return result;
    }

    public static string Describe(SubscriptionSchedule? schedule, ProductUnit unit)
    {
        if (schedule is null)
        {
            return "no schedule";
        }
        string Q(decimal? q) => $"{IndianFormats.Quantity(q ?? 0)} {UnitText(unit, q ?? 0)}";
        return schedule.Kind switch
        {
            ScheduleKind.Daily => $"{Q(schedule.Quantity)} every day",
            ScheduleKind.EveryNDays when schedule.IntervalDays == 2 => $"{Q(schedule.Quantity)} on alternate days",
            ScheduleKind.EveryNDays => $"{Q(schedule.Quantity)} every {schedule.IntervalDays} days",
            _ => DescribeWeekdays(schedule, unit),
        };
    }

    /// <summary>"1 L Mon–Fri; 2 L Sat, Sun": one group per quantity, runs of three or more days joined with a dash, days with nothing left out.</summary>
    private static string DescribeWeekdays(SubscriptionSchedule schedule, ProductUnit unit)
    {
        (string Day, decimal Q)[] days =
        [
            ("Mon", schedule.Monday ?? 0), ("Tue", schedule.Tuesday ?? 0), ("Wed", schedule.Wednesday ?? 0), ("Thu", schedule.Thursday ?? 0),
            ("Fri", schedule.Friday ?? 0), ("Sat", schedule.Saturday ?? 0), ("Sun", schedule.Sunday ?? 0),
        ];
        var groups = days.Select((d, i) => (d.Day, d.Q, Index: i)).Where(d => d.Q > 0).GroupBy(d => d.Q).Select(g =>
        {
            var runs = new List<string>();
            var list = g.ToList();
            for (var i = 0; i < list.Count;)
            {
                var j = i;
                while (j + 1 < list.Count && list[j + 1].Index == list[j].Index + 1)
                {
                    j++;
                }
                runs.Add(j - i >= 2 ? $"{list[i].Day}–{list[j].Day}" : string.Join(", ", list.Skip(i).Take(j - i + 1).Select(d => d.Day)));
                i = j + 1;
            }
            return $"{IndianFormats.Quantity(g.Key)} {UnitText(unit, g.Key)} {string.Join(", ", runs)}";
        }).ToList();
        return groups.Count == 0 ? "nothing on any day" : string.Join("; ", groups);
    }

    public static string UnitText(ProductUnit unit, decimal quantity) => unit switch
    {
        ProductUnit.Litre => "L",
        ProductUnit.Kg => "kg",
        ProductUnit.Piece => quantity == 1 ? "piece" : "pieces",
        _ => quantity == 1 ? "pack" : "packs",
    };

    private static SubscriptionSchedule? ScheduleOn(Subscription subscription, DateOnly date) =>
        subscription.Schedules.Where(s => s.EffectiveFrom <= date).OrderByDescending(s => s.EffectiveFrom).FirstOrDefault();

    /// <summary>A change from <paramref name="from"/> to <paramref name="to"/> must be open and inside the subscription; a last day past its end belongs to <paramref name="toField"/>.</summary>
    private IEnumerable<Problem> CheckOpenAndInside(Subscription subscription, DateOnly from, DateOnly to, string field, string? toField = null)
    {
        if (subscription.Status == SubscriptionStatus.Cancelled)
        {
            yield return new Problem("This subscription is cancelled.");
            yield break;
        }
        if (!clock.IsOpenForChanges(from))
        {
            yield return new Problem(clock.ClosedMessage(from), field);
        }
        else if (from < subscription.StartDate || (subscription.EndDate is { } end && to > end))
        {
            var window = subscription.EndDate is { } last
                ? $"between {IndianFormats.Date(subscription.StartDate)} and {IndianFormats.Date(last)}"
                : $"from {IndianFormats.Date(subscription.StartDate)} on";
            yield return new Problem($"Choose dates within the subscription ({window}).", from < subscription.StartDate ? field : toField ?? field);
        }
    }

    private static async Task<Result<Unit>> SaveAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return Result.Ok();
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Problem(ConcurrencyMessages.ChangedBySomeoneElse);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation })
        {
            return new Problem("This overlaps another pause of the same subscription.", "From");
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return new Problem("Someone else changed this at the same moment. Reload and try again.");
        }
    }

    private async Task<Subscription> LoadAsync(PortalDbContext db, Caller caller, int subscriptionId, CancellationToken cancellationToken)
    {
        var subscription = await db.Subscriptions.AsSplitQuery()
            .Include(s => s.Customer).Include(s => s.Product)
            .Include(s => s.Schedules).Include(s => s.Pauses).Include(s => s.Overrides)
            .SingleOrDefaultAsync(s => s.Id == subscriptionId, cancellationToken);
        if (subscription is null || !CanAct(caller, subscription.Customer))
        {
            // The same answer whether the id exists or belongs to someone else.
            throw new AccessDeniedException();
        }
        // Any change touches the subscription row, so two people changing one subscription at once conflict on xmin.
        db.Entry(subscription).Property(s => s.Version).IsModified = false;
        db.Entry(subscription).State = EntityState.Modified;
        return subscription;
    }

    private static async Task<Customer> RequireCustomerAsync(PortalDbContext db, Caller caller, int customerId, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == customerId, cancellationToken);
        if (customer is null || !CanAct(caller, customer))
        {
            throw new AccessDeniedException();
        }
        return customer;
    }

    private static bool CanAct(Caller caller, Customer customer) =>
        caller.IsOffice || (caller.IsIn(Roles.Customer) && customer.UserId == caller.UserId);

    private static List<Problem> Problems(FluentValidation.Results.ValidationResult result) =>
        result.Errors.Select(e => new Problem(e.ErrorMessage, e.PropertyName)).ToList();
}
