using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Identity;

namespace Portal.Domain.Routes;

public sealed record RouteSummary(int Id, string Name, bool IsActive, int Stops, int InactiveStops, IReadOnlyList<string> Agents);

public sealed record RouteAgentInfo(string UserId, string DisplayName, string UserName, bool IsDisabled);

/// <summary>One stop of a route: a customer, in stop order.</summary>
public sealed record RouteStop(int CustomerId, int? StopOrder, string Name, string AddressLine, string Area, string Mobile, CustomerStatus Status);

public sealed record RouteDetails(
    int Id, string Name, bool IsActive, uint Version, IReadOnlyList<RouteAgentInfo> Agents, IReadOnlyList<RouteStop> Stops);

/// <summary>A user who may be assigned to a route: in the DeliveryAgent role and not disabled.</summary>
public sealed record AgentCandidate(string UserId, string DisplayName, string UserName);

/// <summary>A customer who could be added to a route, and the route they are on now, if any.</summary>
public sealed record StopCandidate(int CustomerId, string Name, string Mobile, string Area, int? RouteId, string? RouteName);

/// <summary>
/// Routes, their agents and the order of their stops. A customer's route is a single foreign key on the customer,
/// so a customer is on at most one route by construction; moving them to a route takes them off the one they were on.
/// </summary>
public sealed class RoutePlanner(IDbContextFactory<PortalDbContext> contexts, AuditLog audit)
{
    public const string EntityType = "Route";
    public const string AgentField = "AgentUserId";

    public const string StopsChangedMessage =
        "The stops on this route changed since you opened it: someone added or removed a customer. Reload to see the current stops, then order them again.";

    public const string RouteChangedMessage =
        "Someone else changed this route while you were ordering its stops. Reload to see their changes, then order the stops again.";

    private static readonly RouteInputValidator Validator = new();

    public async Task<IReadOnlyList<RouteSummary>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Routes.AsNoTracking()
            .OrderByDescending(r => r.IsActive).ThenBy(r => r.Name)
            .Select(r => new RouteSummary(
                r.Id,
                r.Name,
                r.IsActive,
                r.Customers.Count(c => c.Status == CustomerStatus.Active),
                r.Customers.Count(c => c.Status != CustomerStatus.Active),
                r.Agents.OrderBy(a => a.User.DisplayName).Select(a => a.User.DisplayName).ToList()))
            .ToListAsync(cancellationToken);
    }

    public async Task<RouteDetails?> GetAsync(Caller caller, int routeId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var route = await db.Routes.AsNoTracking()
            .Where(r => r.Id == routeId)
            .Select(r => new { r.Id, r.Name, r.IsActive, r.Version })
            .SingleOrDefaultAsync(cancellationToken);
        if (route is null)
        {
            return null;
        }
        var agents = await db.RouteAgents.AsNoTracking()
            .Where(a => a.RouteId == routeId)
            .OrderBy(a => a.User.DisplayName)
            .Select(a => new RouteAgentInfo(a.UserId, a.User.DisplayName, a.User.UserName ?? "", a.User.IsDisabled))
            .ToListAsync(cancellationToken);
        var stops = await db.Customers.AsNoTracking()
            .Where(c => c.RouteId == routeId)
            .OrderBy(c => c.StopOrder).ThenBy(c => c.Id)
            .Select(c => new RouteStop(c.Id, c.StopOrder, c.Name, c.Address.Line, c.Address.Area, c.Mobile, c.Status))
            .ToListAsync(cancellationToken);
        return new RouteDetails(route.Id, route.Name, route.IsActive, route.Version, agents, stops);
    }

    public async Task<Result<int>> CreateAsync(Caller caller, RouteInput input, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        if (await ValidateAsync(input, cancellationToken) is { Count: > 0 } invalid)
        {
            return Result<int>.Fail(invalid);
        }
        var name = RouteInput.Tidy(input.Name);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await NameClashAsync(db, name, exceptRouteId: null, cancellationToken) is { } clash)
        {
            return NameTaken(clash);
        }
        var route = new DeliveryRoute { Name = name };
        db.Routes.Add(route);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            audit.Add(db, caller, AuditActions.RouteCreated, EntityType, route.Id, $"Created route {route.Name}", after: new { Name = route.Name });
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return NameTaken(name);
        }
        return Result<int>.Ok(route.Id);
    }

    /// <summary>Renames a route; returns its new row version.</summary>
    public async Task<Result<uint>> RenameAsync(Caller caller, int routeId, RouteInput input, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        if (await ValidateAsync(input, cancellationToken) is { Count: > 0 } invalid)
        {
            return Result<uint>.Fail(invalid);
        }
        var name = RouteInput.Tidy(input.Name);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var route = await db.Routes.SingleOrDefaultAsync(r => r.Id == routeId, cancellationToken);
        if (route is null)
        {
            return NoSuchRoute();
        }
        db.Entry(route).Property(r => r.Version).OriginalValue = input.Version;
        if (route.Name == name)
        {
            return route.Version == input.Version ? Result<uint>.Ok(route.Version) : new Problem(ConcurrencyMessages.ChangedBySomeoneElse);
        }
        if (await NameClashAsync(db, name, routeId, cancellationToken) is { } clash)
        {
            return NameTaken(clash);
        }
        var before = route.Name;
        route.Name = name;
        audit.Add(db, caller, AuditActions.RouteEdited, EntityType, route.Id, $"Renamed route {before} to {name}",
            before: new { Name = before }, after: new { Name = name });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Problem(ConcurrencyMessages.ChangedBySomeoneElse);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return NameTaken(name);
        }
        return Result<uint>.Ok(route.Version);
    }

    /// <summary>
    /// Takes a route out of use: agents no longer see it and customers cannot be put on it. Refused while active
    /// customers are still on it, so nobody silently stops getting deliveries. Returns the route's new row version.
    /// </summary>
    public Task<Result<uint>> DeactivateAsync(Caller caller, int routeId, uint version, CancellationToken cancellationToken = default) =>
        SetActiveAsync(caller, routeId, version, active: false, cancellationToken);

    public Task<Result<uint>> ReactivateAsync(Caller caller, int routeId, uint version, CancellationToken cancellationToken = default) =>
        SetActiveAsync(caller, routeId, version, active: true, cancellationToken);

    private async Task<Result<uint>> SetActiveAsync(Caller caller, int routeId, uint version, bool active, CancellationToken cancellationToken)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var route = await db.Routes.SingleOrDefaultAsync(r => r.Id == routeId, cancellationToken);
        if (route is null)
        {
            return NoSuchRoute();
        }
        if (route.Version != version)
        {
            return new Problem(ConcurrencyMessages.ChangedBySomeoneElse);
        }
        if (route.IsActive == active)
        {
            return Result<uint>.Ok(route.Version);
        }
        db.Entry(route).Property(r => r.Version).OriginalValue = version;
        if (!active)
        {
            var onRoute = await db.Customers.CountAsync(c => c.RouteId == routeId && c.Status == CustomerStatus.Active, cancellationToken);
            if (onRoute > 0)
            {
                return new Problem(onRoute == 1
                    ? "1 active customer is still on this route. Move them to another route or take them off this one first, so they keep getting deliveries."
                    : $"{onRoute} active customers are still on this route. Move them to another route or take them off this one first, so they keep getting deliveries.");
            }
        }
        route.IsActive = active;
        audit.Add(db, caller, AuditActions.RouteEdited, EntityType, route.Id,
            active ? $"Reactivated route {route.Name}" : $"Deactivated route {route.Name}",
            before: new { Active = !active }, after: new { Active = active });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Problem(ConcurrencyMessages.ChangedBySomeoneElse);
        }
        return Result<uint>.Ok(route.Version);
    }

    /// <summary>Users who may be assigned to routes: in the DeliveryAgent role and not disabled.</summary>
    public async Task<IReadOnlyList<AgentCandidate>> AgentCandidatesAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Agents(db)
            .OrderBy(u => u.DisplayName)
            .Select(u => new AgentCandidate(u.Id, u.DisplayName, u.UserName ?? ""))
            .ToListAsync(cancellationToken);
    }

    public async Task<Result<Unit>> AssignAgentAsync(Caller caller, int routeId, string agentUserId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var route = await db.Routes.AsNoTracking().Where(r => r.Id == routeId).Select(r => new { r.Id, r.Name }).SingleOrDefaultAsync(cancellationToken);
        if (route is null)
        {
            return new Problem("That route does not exist.");
        }
        var agent = await Agents(db).Where(u => u.Id == agentUserId).Select(u => new { u.Id, u.DisplayName }).SingleOrDefaultAsync(cancellationToken);
        if (agent is null)
        {
            return new Problem("Only delivery agents whose accounts are not disabled can be assigned to a route.", AgentField);
        }
        var before = await AgentNamesAsync(db, routeId, cancellationToken);
        if (await db.RouteAgents.AnyAsync(a => a.RouteId == routeId && a.UserId == agentUserId, cancellationToken))
        {
            return Result.Ok();
        }
        db.RouteAgents.Add(new RouteAgent { RouteId = routeId, UserId = agentUserId });
        audit.Add(db, caller, AuditActions.RouteAgentsChanged, EntityType, routeId, $"Assigned {agent.DisplayName} to route {route.Name}",
            before: new { Agents = before }, after: new { Agents = before.Append(agent.DisplayName).Order(StringComparer.CurrentCulture).ToList() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Someone assigned the same agent a moment ago: the outcome is what was asked for.
        }
        return Result.Ok();
    }

    public async Task<Result<Unit>> UnassignAgentAsync(Caller caller, int routeId, string agentUserId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assignment = await db.RouteAgents.Include(a => a.Route).Include(a => a.User)
            .SingleOrDefaultAsync(a => a.RouteId == routeId && a.UserId == agentUserId, cancellationToken);
        if (assignment is null)
        {
            return Result.Ok();
        }
        var before = await AgentNamesAsync(db, routeId, cancellationToken);
        db.RouteAgents.Remove(assignment);
        var after = before.ToList();
        after.Remove(assignment.User.DisplayName);
        audit.Add(db, caller, AuditActions.RouteAgentsChanged, EntityType, routeId,
            $"Took {assignment.User.DisplayName} off route {assignment.Route.Name}", before: new { Agents = before }, after: new { Agents = after });
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok();
    }

    /// <summary>
    /// Saves a new stop order in one transaction: StopOrder 1..n for exactly the customers on the route, in the order given.
    /// Refused, changing nothing, when the list is not exactly the route's customers (someone added or removed a stop meanwhile)
    /// or when the route's version is not <paramref name="routeVersion"/>. The route row is updated too, so its version moves on
    /// and a second person saving an order based on the same version is refused.
    /// </summary>
    public async Task<Result<Unit>> SaveStopOrderAsync(
        Caller caller, int routeId, IReadOnlyList<int> customerIdsInOrder, uint routeVersion, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        if (customerIdsInOrder.Distinct().Count() != customerIdsInOrder.Count)
        {
            return new Problem("A customer appears twice in the new order. Reload the stops and order them again.");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Updating the route row first locks it: two people saving orders for the same route take turns, and the second finds the version moved on.
        var touched = await db.Routes
            .Where(r => r.Id == routeId && r.Version == routeVersion)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Name, r => r.Name), cancellationToken);
        if (touched == 0)
        {
            return await db.Routes.AnyAsync(r => r.Id == routeId, cancellationToken) ? new Problem(RouteChangedMessage) : NoSuchRoute<Unit>();
        }
        var routeName = await db.Routes.Where(r => r.Id == routeId).Select(r => r.Name).SingleAsync(cancellationToken);
        var customers = await db.Customers
            .Where(c => c.RouteId == routeId)
            .OrderBy(c => c.StopOrder).ThenBy(c => c.Id)
            .ToListAsync(cancellationToken);
        if (customers.Count != customerIdsInOrder.Count || !customers.Select(c => c.Id).ToHashSet().SetEquals(customerIdsInOrder))
        {
            return new Problem(StopsChangedMessage);
        }

        var before = StopList(customers);
        var byId = customers.ToDictionary(c => c.Id);
        var ordered = customerIdsInOrder.Select(id => byId[id]).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].StopOrder != i + 1)
            {
                ordered[i].StopOrder = i + 1;
            }
        }
        if (!db.ChangeTracker.HasChanges())
        {
            return Result.Ok();
        }
        audit.Add(db, caller, AuditActions.RouteStopsChanged, EntityType, routeId,
            $"Reordered the {ordered.Count} stops of route {routeName}", before: new { Stops = before }, after: new { Stops = StopList(ordered) });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A customer on the route was edited (their stop number, say) between our read and our write.
            return new Problem(RouteChangedMessage);
        }
        return Result.Ok();
    }

    /// <summary>
    /// Customers matching <paramref name="search"/> (name, mobile, area) who are not on this route, with the route they are on now.
    /// Only active customers: a deactivated customer gets no deliveries.
    /// </summary>
    public async Task<IReadOnlyList<StopCandidate>> FindStopCandidatesAsync(
        Caller caller, int routeId, string? search, int limit = 20, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var customers = db.Customers.AsNoTracking()
            .Where(c => c.Status == CustomerStatus.Active && (c.RouteId == null || c.RouteId != routeId));
        if (!string.IsNullOrWhiteSpace(search))
        {
            var text = search.Trim();
            var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
            if (digits.Length > 0 && digits.Length == text.Replace(" ", "", StringComparison.Ordinal).Length)
            {
                var digitPattern = $"%{digits}%";
                customers = customers.Where(c => EF.Functions.Like(c.Mobile, digitPattern) || EF.Functions.Like(c.Address.PinCode, digitPattern));
            }
            else
            {
                var pattern = $"%{Like.Escape(text)}%";
                customers = customers.Where(c => EF.Functions.ILike(c.Name, pattern) || EF.Functions.ILike(c.Address.Area, pattern));
            }
        }
        return await customers
            // Customers not on any route first: they are the ones waiting for one.
            .OrderBy(c => c.RouteId != null).ThenBy(c => c.Name).ThenBy(c => c.Id)
            .Take(Math.Clamp(limit, 1, 100))
            .Select(c => new StopCandidate(c.Id, c.Name, c.Mobile, c.Address.Area, c.RouteId, c.Route == null ? null : c.Route.Name))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Puts customers at the end of the route, in the order given. A customer on another route moves: they leave that route
    /// (its remaining stops close up) because a customer has exactly one route column. Returns how many were added.
    /// </summary>
    public async Task<Result<int>> AddStopsAsync(Caller caller, int routeId, IReadOnlyList<int> customerIds, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        var ids = customerIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return new Problem("Choose at least one customer to add.");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var route = await db.Routes.AsNoTracking().Where(r => r.Id == routeId).Select(r => new { r.Id, r.Name, r.IsActive }).SingleOrDefaultAsync(cancellationToken);
        if (route is null)
        {
            return NoSuchRoute<int>();
        }
        if (!route.IsActive)
        {
            return new Problem("This route is inactive. Reactivate it before adding customers.");
        }
        var chosen = await db.Customers.Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken);
        if (chosen.Count != ids.Count)
        {
            return new Problem("One of those customers no longer exists. Search again.");
        }
        if (chosen.FirstOrDefault(c => c.Status != CustomerStatus.Active) is { } inactive)
        {
            return new Problem($"{inactive.Name} is deactivated. Reactivate them before putting them on a route.");
        }
        var moving = chosen.Where(c => c.RouteId != routeId).ToList();
        if (moving.Count == 0)
        {
            return Result<int>.Ok(0);
        }
        var affected = moving.Where(c => c.RouteId is not null).Select(c => c.RouteId!.Value).Append(routeId).Distinct().Order().ToList();
        await TouchAsync(db, affected, cancellationToken);

        var routeNames = await db.Routes.Where(r => affected.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken);
        var next = (await db.Customers.Where(c => c.RouteId == routeId).MaxAsync(c => c.StopOrder, cancellationToken) ?? 0) + 1;
        var byId = moving.ToDictionary(c => c.Id);
        foreach (var customer in ids.Where(byId.ContainsKey).Select(id => byId[id]))
        {
            var from = customer.RouteId is { } fromId ? routeNames[fromId] : null;
            var fromStop = customer.StopOrder;
            customer.RouteId = routeId;
            customer.StopOrder = next++;
            audit.Add(db, caller, AuditActions.RouteStopsChanged, EntityType, routeId,
                from is null
                    ? $"Added {customer.Name} to route {route.Name} as stop {customer.StopOrder}"
                    : $"Moved {customer.Name} from route {from} to route {route.Name} as stop {customer.StopOrder}",
                customer.Id,
                before: new { Route = from, Stop = fromStop },
                after: new { Route = route.Name, Stop = customer.StopOrder });
        }
        foreach (var left in affected.Where(id => id != routeId))
        {
            await CloseUpAsync(db, left, cancellationToken);
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
        return Result<int>.Ok(moving.Count);
    }

    /// <summary>Takes a customer off the route (no route until someone puts them on one); the stops after them close up.</summary>
    public async Task<Result<Unit>> RemoveStopAsync(Caller caller, int routeId, int customerId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var route = await db.Routes.AsNoTracking().Where(r => r.Id == routeId).Select(r => new { r.Id, r.Name }).SingleOrDefaultAsync(cancellationToken);
        if (route is null)
        {
            return NoSuchRoute<Unit>();
        }
        await TouchAsync(db, [routeId], cancellationToken);
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.Id == customerId, cancellationToken);
        if (customer is null || customer.RouteId != routeId)
        {
            return new Problem("That customer is no longer on this route. Reload to see the current stops.");
        }
        var stop = customer.StopOrder;
        customer.RouteId = null;
        customer.StopOrder = null;
        audit.Add(db, caller, AuditActions.RouteStopsChanged, EntityType, routeId,
            $"Took {customer.Name} off route {route.Name} (was stop {stop})", customer.Id,
            before: new { Route = route.Name, Stop = stop }, after: new { Route = (string?)null, Stop = (int?)null });
        await CloseUpAsync(db, routeId, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Problem(ConcurrencyMessages.ChangedBySomeoneElse);
        }
        return Result.Ok();
    }

    /// <summary>Active users in the DeliveryAgent role.</summary>
    private static IQueryable<PortalUser> Agents(PortalDbContext db)
    {
        var agentRole = db.Roles.Where(r => r.Name == Roles.DeliveryAgent).Select(r => r.Id);
        return db.Users.Where(u => !u.IsDisabled && db.UserRoles.Any(ur => ur.UserId == u.Id && agentRole.Contains(ur.RoleId)));
    }

    private static async Task<List<string>> AgentNamesAsync(PortalDbContext db, int routeId, CancellationToken cancellationToken) =>
        (await db.RouteAgents.Where(a => a.RouteId == routeId).Select(a => a.User.DisplayName).ToListAsync(cancellationToken))
        .Order(StringComparer.CurrentCulture).ToList();

    /// <summary>
    /// Updates the route rows without changing them. Their versions move on, so an order someone is still arranging from before
    /// is refused; and the rows stay locked until the transaction ends, so changes to one route's stops take turns.
    /// </summary>
    private static Task<int> TouchAsync(PortalDbContext db, IReadOnlyList<int> routeIds, CancellationToken cancellationToken) =>
        db.Routes.Where(r => routeIds.Contains(r.Id)).ExecuteUpdateAsync(set => set.SetProperty(r => r.Name, r => r.Name), cancellationToken);

    /// <summary>Renumbers the customers still on a route 1..n, keeping their order (tracked: saved with the change that left a gap).</summary>
    private static async Task CloseUpAsync(PortalDbContext db, int routeId, CancellationToken cancellationToken)
    {
        var stillOn = await db.Customers.Where(c => c.RouteId == routeId).ToListAsync(cancellationToken);
        // Loading reads the database, where customers taken off in this unit of work still show as on the route.
        var ordered = stillOn.Where(c => c.RouteId == routeId).OrderBy(c => c.StopOrder ?? int.MaxValue).ThenBy(c => c.Id).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].StopOrder != i + 1)
            {
                ordered[i].StopOrder = i + 1;
            }
        }
    }

    private static List<string> StopList(IEnumerable<Customer> customers) =>
        customers.Select((c, i) => $"{i + 1}. {c.Name} (#{c.Id})").ToList();

    /// <summary>The name of another route that differs from <paramref name="name"/> only in case, if there is one.</summary>
    private static async Task<string?> NameClashAsync(PortalDbContext db, string name, int? exceptRouteId, CancellationToken cancellationToken)
    {
        var lower = name.ToLower(System.Globalization.CultureInfo.InvariantCulture);
        return await db.Routes.Where(r => r.Name.ToLower() == lower && r.Id != exceptRouteId).Select(r => r.Name).FirstOrDefaultAsync(cancellationToken);
    }

    private static Problem NameTaken(string name) => new($"There is already a route called {name}.", nameof(RouteInput.Name));

    private static Problem NoSuchRoute() => new("That route does not exist.");

    private static Result<T> NoSuchRoute<T>() => NoSuchRoute();

    private static async Task<List<Problem>> ValidateAsync(RouteInput input, CancellationToken cancellationToken)
    {
        var result = await Validator.ValidateAsync(input, cancellationToken);
        return result.Errors.Select(e => new Problem(e.ErrorMessage, e.PropertyName)).ToList();
    }
}
