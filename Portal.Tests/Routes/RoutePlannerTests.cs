using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Domain.Routes;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Routes;

public sealed class RoutePlannerTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private Caller staff = null!;

    public async Task InitializeAsync()
    {
        await using var db = fixture.CreateContext();
        staff = Caller.For(await TestData.AddUserAsync(db, Roles.Staff), Roles.Staff);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private RoutePlanner Planner(IServiceScope scope) => scope.ServiceProvider.GetRequiredService<RoutePlanner>();

    private async Task<T> WithPlannerAsync<T>(Func<RoutePlanner, Task<T>> action)
    {
        using var scope = fixture.Services.CreateScope();
        return await action(Planner(scope));
    }

    /// <summary>A route with <paramref name="stops"/> customers on it, whose stored stop numbers are not 1..n.</summary>
    private async Task<(DeliveryRoute Route, List<Customer> Customers)> RouteWithStopsAsync(int stops)
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var customers = new List<Customer>();
        for (var i = 0; i < stops; i++)
        {
            customers.Add(await TestData.AddCustomerAsync(db, route));
        }
        return (route, customers);
    }

    private async Task<List<(int Id, int? Stop)>> StopsAsync(int routeId)
    {
        await using var db = fixture.CreateContext();
        return (await db.Customers.Where(c => c.RouteId == routeId).OrderBy(c => c.StopOrder).ThenBy(c => c.Id)
            .Select(c => new { c.Id, c.StopOrder }).ToListAsync())
            .Select(c => (c.Id, c.StopOrder)).ToList();
    }

    private async Task<uint> VersionAsync(int routeId)
    {
        await using var db = fixture.CreateContext();
        return await db.Routes.Where(r => r.Id == routeId).Select(r => r.Version).SingleAsync();
    }

    private async Task<List<AuditEntry>> AuditAsync(int routeId, string action)
    {
        await using var db = fixture.CreateContext();
        var id = routeId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditEntries.Where(a => a.EntityType == RoutePlanner.EntityType && a.EntityId == id && a.Action == action)
            .OrderBy(a => a.Id).ToListAsync();
    }

    private static List<string> JsonList(string? json, string property) =>
        JsonDocument.Parse(json!).RootElement.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToList();

    private static string Messages<T>(Result<T> result) => string.Join("; ", result.Problems.Select(p => p.Message));

    // ---- creating and renaming

    [Fact]
    public async Task Creating_a_route_saves_it_active_and_audits_it()
    {
        var name = $"Jayanagar {TestData.Next()}";

        var result = await WithPlannerAsync(p => p.CreateAsync(staff, new RouteInput { Name = $"  {name.Replace(" ", "   ", StringComparison.Ordinal)} " }));

        Assert.True(result.Succeeded, Messages(result));
        await using var db = fixture.CreateContext();
        var route = await db.Routes.SingleAsync(r => r.Id == result.Value);
        Assert.Equal(name, route.Name);
        Assert.True(route.IsActive);
        var entry = Assert.Single(await AuditAsync(route.Id, AuditActions.RouteCreated));
        Assert.Equal(staff.UserId, entry.ActorUserId);
    }

    [Theory]
    [InlineData("same")]
    [InlineData("different case")]
    public async Task Creating_a_route_with_a_name_already_taken_is_refused_next_to_the_name(string variant)
    {
        var name = $"Whitefield {TestData.Next()}";
        Assert.True((await WithPlannerAsync(p => p.CreateAsync(staff, new RouteInput { Name = name }))).Succeeded);

        var again = variant == "same" ? name : name.ToUpperInvariant();
        var result = await WithPlannerAsync(p => p.CreateAsync(staff, new RouteInput { Name = again }));

        Assert.False(result.Succeeded);
        Assert.Equal($"There is already a route called {name}.", result.ErrorFor(nameof(RouteInput.Name)));
        await using var db = fixture.CreateContext();
        Assert.Equal(1, await db.Routes.CountAsync(r => r.Name.ToLower() == name.ToLower()));
    }

    [Theory]
    [InlineData("", "Enter a name for the route.")]
    [InlineData("   ", "Enter a name for the route.")]
    public async Task A_route_without_a_name_is_refused(string name, string message)
    {
        await using var db = fixture.CreateContext();
        var before = await db.Routes.CountAsync();

        var result = await WithPlannerAsync(p => p.CreateAsync(staff, new RouteInput { Name = name }));

        Assert.Equal(message, result.ErrorFor(nameof(RouteInput.Name)));
        Assert.Equal(before, await db.Routes.CountAsync());
    }

    [Fact]
    public async Task A_route_name_longer_than_the_column_is_refused_by_the_validator()
    {
        var result = await WithPlannerAsync(p => p.CreateAsync(staff, new RouteInput { Name = new string('x', Limits.RouteNameLength + 1) }));

        Assert.Equal($"Keep the route name to {Limits.RouteNameLength} characters or fewer.", result.ErrorFor(nameof(RouteInput.Name)));
    }

    [Fact]
    public async Task Renaming_with_the_version_loaded_saves_audits_and_moves_the_version_on()
    {
        var (route, _) = await RouteWithStopsAsync(0);
        var version = await VersionAsync(route.Id);
        var name = $"Renamed {TestData.Next()}";

        var result = await WithPlannerAsync(p => p.RenameAsync(staff, route.Id, new RouteInput { Name = name, Version = version }));

        Assert.True(result.Succeeded, Messages(result));
        Assert.NotEqual(version, result.Value);
        Assert.Equal(result.Value, await VersionAsync(route.Id));
        var entry = Assert.Single(await AuditAsync(route.Id, AuditActions.RouteEdited));
        Assert.Contains(route.Name, entry.Before!, StringComparison.Ordinal);
        Assert.Contains(name, entry.After!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renaming_with_a_stale_version_is_refused_and_keeps_the_other_persons_name()
    {
        var (route, _) = await RouteWithStopsAsync(0);
        var version = await VersionAsync(route.Id);
        var first = $"First {TestData.Next()}";
        Assert.True((await WithPlannerAsync(p => p.RenameAsync(staff, route.Id, new RouteInput { Name = first, Version = version }))).Succeeded);

        var result = await WithPlannerAsync(p => p.RenameAsync(staff, route.Id, new RouteInput { Name = $"Second {TestData.Next()}", Version = version }));

        Assert.Equal(ConcurrencyMessages.ChangedBySomeoneElse, result.GeneralError);
        await using var db = fixture.CreateContext();
        Assert.Equal(first, await db.Routes.Where(r => r.Id == route.Id).Select(r => r.Name).SingleAsync());
    }

    [Fact]
    public async Task Renaming_to_another_routes_name_is_refused()
    {
        var (a, _) = await RouteWithStopsAsync(0);
        var (b, _) = await RouteWithStopsAsync(0);

        var result = await WithPlannerAsync(p => p.RenameAsync(staff, b.Id, new RouteInput { Name = a.Name, Version = b.Version }));

        Assert.Equal($"There is already a route called {a.Name}.", result.ErrorFor(nameof(RouteInput.Name)));
    }

    // ---- deactivating

    [Fact]
    public async Task A_route_with_active_customers_cannot_be_deactivated()
    {
        var (route, _) = await RouteWithStopsAsync(2);

        var result = await WithPlannerAsync(p => p.DeactivateAsync(staff, route.Id, route.Version));

        Assert.Equal("2 active customers are still on this route. Move them to another route or take them off this one first, so they keep getting deliveries.",
            result.GeneralError);
        await using var db = fixture.CreateContext();
        Assert.True(await db.Routes.Where(r => r.Id == route.Id).Select(r => r.IsActive).SingleAsync());
    }

    [Fact]
    public async Task An_empty_route_can_be_deactivated_and_reactivated_with_an_audit_entry_each()
    {
        var (route, _) = await RouteWithStopsAsync(0);

        var off = await WithPlannerAsync(p => p.DeactivateAsync(staff, route.Id, route.Version));
        Assert.True(off.Succeeded, Messages(off));
        var on = await WithPlannerAsync(p => p.ReactivateAsync(staff, route.Id, off.Value));
        Assert.True(on.Succeeded, Messages(on));

        var entries = await AuditAsync(route.Id, AuditActions.RouteEdited);
        Assert.Equal([$"Deactivated route {route.Name}", $"Reactivated route {route.Name}"], entries.Select(e => e.Summary));
        var stale = await WithPlannerAsync(p => p.DeactivateAsync(staff, route.Id, off.Value));
        Assert.Equal(ConcurrencyMessages.ChangedBySomeoneElse, stale.GeneralError);
    }

    // ---- agents

    [Fact]
    public async Task Only_delivery_agents_whose_accounts_are_enabled_can_be_assigned()
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        var staffUser = await TestData.AddUserAsync(db, Roles.Staff);
        var disabledAgent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        disabledAgent.IsDisabled = true;
        await db.SaveChangesAsync();

        var toStaff = await WithPlannerAsync(p => p.AssignAgentAsync(staff, route.Id, staffUser.Id));
        var toDisabled = await WithPlannerAsync(p => p.AssignAgentAsync(staff, route.Id, disabledAgent.Id));
        var toAgent = await WithPlannerAsync(p => p.AssignAgentAsync(staff, route.Id, agent.Id));

        Assert.NotNull(toStaff.ErrorFor(RoutePlanner.AgentField));
        Assert.NotNull(toDisabled.ErrorFor(RoutePlanner.AgentField));
        Assert.True(toAgent.Succeeded, Messages(toAgent));
        Assert.Equal([agent.Id], await db.RouteAgents.Where(a => a.RouteId == route.Id).Select(a => a.UserId).ToListAsync());
        var candidates = await WithPlannerAsync(p => p.AgentCandidatesAsync(staff));
        Assert.Contains(candidates, c => c.UserId == agent.Id);
        Assert.DoesNotContain(candidates, c => c.UserId == staffUser.Id || c.UserId == disabledAgent.Id);
    }

    [Fact]
    public async Task Assigning_and_unassigning_agents_audits_the_agents_before_and_after()
    {
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var first = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        var second = await TestData.AddUserAsync(db, Roles.DeliveryAgent);

        Assert.True((await WithPlannerAsync(p => p.AssignAgentAsync(staff, route.Id, first.Id))).Succeeded);
        Assert.True((await WithPlannerAsync(p => p.AssignAgentAsync(staff, route.Id, second.Id))).Succeeded);
        Assert.True((await WithPlannerAsync(p => p.AssignAgentAsync(staff, route.Id, second.Id))).Succeeded);
        Assert.True((await WithPlannerAsync(p => p.UnassignAgentAsync(staff, route.Id, first.Id))).Succeeded);

        Assert.Equal([second.Id], await db.RouteAgents.Where(a => a.RouteId == route.Id).Select(a => a.UserId).ToListAsync());
        var entries = await AuditAsync(route.Id, AuditActions.RouteAgentsChanged);
        Assert.Equal(3, entries.Count);
        Assert.Empty(JsonList(entries[0].Before, "Agents"));
        Assert.Equal([first.DisplayName], JsonList(entries[0].After, "Agents"));
        Assert.Equal(new[] { first.DisplayName, second.DisplayName }.Order(), JsonList(entries[1].After, "Agents").Order());
        Assert.Equal([second.DisplayName], JsonList(entries[2].After, "Agents"));
        var details = await WithPlannerAsync(p => p.GetAsync(staff, route.Id));
        Assert.Equal([second.DisplayName], details!.Agents.Select(a => a.DisplayName));
    }

    // ---- stop order

    [Fact]
    public async Task Saving_an_order_numbers_exactly_the_routes_customers_1_to_n_in_that_order()
    {
        var (route, customers) = await RouteWithStopsAsync(4);
        var (other, otherCustomers) = await RouteWithStopsAsync(2);
        var otherBefore = await StopsAsync(other.Id);
        var version = await VersionAsync(route.Id);
        int[] order = [customers[2].Id, customers[0].Id, customers[3].Id, customers[1].Id];

        var result = await WithPlannerAsync(p => p.SaveStopOrderAsync(staff, route.Id, order, version));

        Assert.True(result.Succeeded, Messages(result));
        Assert.Equal(order.Select((id, i) => (id, (int?)(i + 1))), await StopsAsync(route.Id));
        Assert.Equal(otherBefore, await StopsAsync(other.Id));
        Assert.NotEqual(version, await VersionAsync(route.Id));
        var details = await WithPlannerAsync(p => p.GetAsync(staff, route.Id));
        Assert.Equal(order, details!.Stops.Select(s => s.CustomerId));
    }

    [Fact]
    public async Task Saving_an_order_audits_the_order_before_and_after()
    {
        var (route, customers) = await RouteWithStopsAsync(3);
        int[] order = [customers[2].Id, customers[1].Id, customers[0].Id];

        var result = await WithPlannerAsync(p => p.SaveStopOrderAsync(staff, route.Id, order, route.Version));

        Assert.True(result.Succeeded, Messages(result));
        var entry = Assert.Single(await AuditAsync(route.Id, AuditActions.RouteStopsChanged));
        Assert.Equal(staff.UserId, entry.ActorUserId);
        Assert.Equal(customers.Select((c, i) => $"{i + 1}. {c.Name} (#{c.Id})"), JsonList(entry.Before, "Stops"));
        Assert.Equal(customers.AsEnumerable().Reverse().Select((c, i) => $"{i + 1}. {c.Name} (#{c.Id})"), JsonList(entry.After, "Stops"));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("extra")]
    [InlineData("swapped")]
    public async Task An_order_that_is_not_exactly_the_routes_customers_is_refused_and_changes_nothing(string mistake)
    {
        var (route, customers) = await RouteWithStopsAsync(3);
        await using var db = fixture.CreateContext();
        var stranger = await TestData.AddCustomerAsync(db);
        var before = await StopsAsync(route.Id);
        var version = await VersionAsync(route.Id);
        var ids = customers.Select(c => c.Id).Reverse().ToList();
        var order = mistake switch
        {
            "missing" => ids.Take(2).ToList(),
            "extra" => [.. ids, stranger.Id],
            _ => [ids[0], ids[1], stranger.Id],
        };

        var result = await WithPlannerAsync(p => p.SaveStopOrderAsync(staff, route.Id, order, version));

        Assert.Equal(RoutePlanner.StopsChangedMessage, result.GeneralError);
        Assert.Equal(before, await StopsAsync(route.Id));
        Assert.Equal(version, await VersionAsync(route.Id));
        Assert.Null(await db.Customers.Where(c => c.Id == stranger.Id).Select(c => c.RouteId).SingleAsync());
        Assert.Empty(await AuditAsync(route.Id, AuditActions.RouteStopsChanged));
    }

    [Fact]
    public async Task An_order_naming_a_customer_twice_is_refused()
    {
        var (route, customers) = await RouteWithStopsAsync(2);
        var before = await StopsAsync(route.Id);

        var result = await WithPlannerAsync(p => p.SaveStopOrderAsync(staff, route.Id, [customers[0].Id, customers[0].Id], route.Version));

        Assert.False(result.Succeeded);
        Assert.Equal(before, await StopsAsync(route.Id));
    }

    [Fact]
    public async Task An_order_based_on_a_stale_route_version_is_refused_and_keeps_the_first_order()
    {
        var (route, customers) = await RouteWithStopsAsync(3);
        var version = await VersionAsync(route.Id);
        int[] first = [customers[1].Id, customers[2].Id, customers[0].Id];
        int[] second = [customers[2].Id, customers[0].Id, customers[1].Id];
        Assert.True((await WithPlannerAsync(p => p.SaveStopOrderAsync(staff, route.Id, first, version))).Succeeded);

        var result = await WithPlannerAsync(p => p.SaveStopOrderAsync(staff, route.Id, second, version));

        Assert.Equal(RoutePlanner.RouteChangedMessage, result.GeneralError);
        Assert.Equal(first, (await StopsAsync(route.Id)).Select(s => s.Id));
    }

    [Fact]
    public async Task Two_people_saving_orders_from_the_same_version_at_once_one_wins_and_the_other_is_told()
    {
        var (route, customers) = await RouteWithStopsAsync(6);
        var version = await VersionAsync(route.Id);
        var forward = customers.Select(c => c.Id).ToList();
        var backward = forward.AsEnumerable().Reverse().ToList();

        var results = await Task.WhenAll(
            WithPlannerAsync(p => p.SaveStopOrderAsync(staff, route.Id, backward, version)),
            WithPlannerAsync(p => p.SaveStopOrderAsync(staff, route.Id, [.. backward.Skip(3), .. backward.Take(3)], version)));

        Assert.Single(results, r => r.Succeeded);
        var loser = Assert.Single(results, r => !r.Succeeded);
        Assert.Equal(RoutePlanner.RouteChangedMessage, loser.GeneralError);
        var saved = (await StopsAsync(route.Id)).Select(s => s.Id).ToList();
        Assert.Equal(results[0].Succeeded ? backward : [.. backward.Skip(3), .. backward.Take(3)], saved);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (int?)i), (await StopsAsync(route.Id)).Select(s => s.Stop));
    }

    // ---- adding, moving and removing stops

    [Fact]
    public async Task Adding_customers_puts_them_at_the_end_in_the_order_chosen()
    {
        var (route, customers) = await RouteWithStopsAsync(2);
        await using var db = fixture.CreateContext();
        var first = await TestData.AddCustomerAsync(db);
        var second = await TestData.AddCustomerAsync(db);
        var version = await VersionAsync(route.Id);
        Assert.True((await WithPlannerAsync(p => p.SaveStopOrderAsync(staff, route.Id, customers.Select(c => c.Id).ToList(), version))).Succeeded);

        var result = await WithPlannerAsync(p => p.AddStopsAsync(staff, route.Id, [second.Id, first.Id]));

        Assert.True(result.Succeeded, Messages(result));
        Assert.Equal(2, result.Value);
        Assert.Equal([(customers[0].Id, 1), (customers[1].Id, 2), (second.Id, 3), (first.Id, (int?)4)], await StopsAsync(route.Id));
        var entries = await AuditAsync(route.Id, AuditActions.RouteStopsChanged);
        Assert.Contains(entries, e => e.CustomerId == first.Id && e.Summary == $"Added {first.Name} to route {route.Name} as stop 4");
    }

    [Fact]
    public async Task Moving_a_customer_to_another_route_leaves_them_on_exactly_one_route_and_closes_the_gap()
    {
        var (from, fromCustomers) = await RouteWithStopsAsync(3);
        var (to, toCustomers) = await RouteWithStopsAsync(1);
        var moving = fromCustomers[1];
        var toVersion = await VersionAsync(to.Id);
        var fromVersion = await VersionAsync(from.Id);

        var result = await WithPlannerAsync(p => p.AddStopsAsync(staff, to.Id, [moving.Id]));

        Assert.True(result.Succeeded, Messages(result));
        await using var db = fixture.CreateContext();
        var moved = await db.Customers.SingleAsync(c => c.Id == moving.Id);
        Assert.Equal(to.Id, moved.RouteId);
        Assert.Equal(toCustomers[0].StopOrder + 1, moved.StopOrder);
        Assert.Equal([(fromCustomers[0].Id, 1), (fromCustomers[2].Id, (int?)2)], await StopsAsync(from.Id));
        Assert.Equal([toCustomers[0].Id, moving.Id], (await StopsAsync(to.Id)).Select(s => s.Id));
        Assert.NotEqual(toVersion, await VersionAsync(to.Id));
        Assert.NotEqual(fromVersion, await VersionAsync(from.Id));
        var entry = Assert.Single(await AuditAsync(to.Id, AuditActions.RouteStopsChanged));
        Assert.Equal(moving.Id, entry.CustomerId);
        Assert.Contains(from.Name, entry.Before!, StringComparison.Ordinal);
        Assert.Contains(to.Name, entry.After!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_saved_after_someone_added_a_stop_is_refused()
    {
        var (route, customers) = await RouteWithStopsAsync(2);
        var version = await VersionAsync(route.Id);
        await using var db = fixture.CreateContext();
        var newcomer = await TestData.AddCustomerAsync(db);
        Assert.True((await WithPlannerAsync(p => p.AddStopsAsync(staff, route.Id, [newcomer.Id]))).Succeeded);

        var result = await WithPlannerAsync(p => p.SaveStopOrderAsync(staff, route.Id, [customers[1].Id, customers[0].Id], version));

        Assert.False(result.Succeeded);
        Assert.Equal([customers[0].Id, customers[1].Id, newcomer.Id], (await StopsAsync(route.Id)).Select(s => s.Id));
    }

    [Fact]
    public async Task Removing_a_customer_takes_them_off_the_route_and_closes_the_gap()
    {
        var (route, customers) = await RouteWithStopsAsync(3);

        var result = await WithPlannerAsync(p => p.RemoveStopAsync(staff, route.Id, customers[0].Id));

        Assert.True(result.Succeeded, Messages(result));
        await using var db = fixture.CreateContext();
        var removed = await db.Customers.SingleAsync(c => c.Id == customers[0].Id);
        Assert.Null(removed.RouteId);
        Assert.Null(removed.StopOrder);
        Assert.Equal([(customers[1].Id, 1), (customers[2].Id, (int?)2)], await StopsAsync(route.Id));
        var entry = Assert.Single(await AuditAsync(route.Id, AuditActions.RouteStopsChanged));
        Assert.Equal(customers[0].Id, entry.CustomerId);
    }

    [Fact]
    public async Task Removing_a_customer_who_is_not_on_the_route_is_refused()
    {
        var (route, _) = await RouteWithStopsAsync(1);
        var (_, elsewhere) = await RouteWithStopsAsync(1);

        var result = await WithPlannerAsync(p => p.RemoveStopAsync(staff, route.Id, elsewhere[0].Id));

        Assert.False(result.Succeeded);
        await using var db = fixture.CreateContext();
        Assert.NotNull(await db.Customers.Where(c => c.Id == elsewhere[0].Id).Select(c => c.RouteId).SingleAsync());
    }

    [Fact]
    public async Task Customers_cannot_be_added_to_an_inactive_route_nor_deactivated_customers_to_any()
    {
        var (inactive, _) = await RouteWithStopsAsync(0);
        Assert.True((await WithPlannerAsync(p => p.DeactivateAsync(staff, inactive.Id, inactive.Version))).Succeeded);
        var (active, _) = await RouteWithStopsAsync(0);
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var gone = await TestData.AddCustomerAsync(db, name: $"Gone {TestData.Next()}");
        gone.Status = CustomerStatus.Inactive;
        await db.SaveChangesAsync();

        var toInactive = await WithPlannerAsync(p => p.AddStopsAsync(staff, inactive.Id, [customer.Id]));
        var deactivated = await WithPlannerAsync(p => p.AddStopsAsync(staff, active.Id, [gone.Id]));

        Assert.Equal("This route is inactive. Reactivate it before adding customers.", toInactive.GeneralError);
        Assert.Equal($"{gone.Name} is deactivated. Reactivate them before putting them on a route.", deactivated.GeneralError);
        Assert.Equal(0, await db.Customers.CountAsync(c => c.RouteId == inactive.Id || c.RouteId == active.Id));
    }

    [Fact]
    public async Task Stop_candidates_leave_out_this_routes_customers_and_say_which_route_others_are_on()
    {
        var tag = $"Zz{TestData.Next()}";
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var other = await TestData.AddRouteAsync(db);
        var onThis = await TestData.AddCustomerAsync(db, route, name: $"{tag} On This");
        var onOther = await TestData.AddCustomerAsync(db, other, name: $"{tag} On Other");
        var onNone = await TestData.AddCustomerAsync(db, name: $"{tag} On None");

        var candidates = await WithPlannerAsync(p => p.FindStopCandidatesAsync(staff, route.Id, tag.ToLowerInvariant()));

        Assert.Equal([onNone.Id, onOther.Id], candidates.Select(c => c.CustomerId));
        Assert.Equal(other.Name, candidates.Single(c => c.CustomerId == onOther.Id).RouteName);
        Assert.DoesNotContain(candidates, c => c.CustomerId == onThis.Id);
    }

    // ---- who may

    public static TheoryData<string> NotOffice => [Roles.Customer, Roles.DeliveryAgent];

    [Theory]
    [MemberData(nameof(NotOffice))]
    public async Task Customers_and_delivery_agents_are_refused_everything(string role)
    {
        var (route, customers) = await RouteWithStopsAsync(1);
        var outsider = new Caller("someone", "Someone", new HashSet<string> { role });
        var calls = new Func<RoutePlanner, Task>[]
        {
            p => p.ListAsync(outsider),
            p => p.GetAsync(outsider, route.Id),
            p => p.CreateAsync(outsider, new RouteInput { Name = $"Sneaky {TestData.Next()}" }),
            p => p.RenameAsync(outsider, route.Id, new RouteInput { Name = $"Sneaky {TestData.Next()}", Version = route.Version }),
            p => p.DeactivateAsync(outsider, route.Id, route.Version),
            p => p.ReactivateAsync(outsider, route.Id, route.Version),
            p => p.AgentCandidatesAsync(outsider),
            p => p.AssignAgentAsync(outsider, route.Id, "someone"),
            p => p.UnassignAgentAsync(outsider, route.Id, "someone"),
            p => p.SaveStopOrderAsync(outsider, route.Id, [customers[0].Id], route.Version),
            p => p.FindStopCandidatesAsync(outsider, route.Id, null),
            p => p.AddStopsAsync(outsider, route.Id, [customers[0].Id]),
            p => p.RemoveStopAsync(outsider, route.Id, customers[0].Id),
        };

        foreach (var call in calls)
        {
            using var scope = fixture.Services.CreateScope();
            await Assert.ThrowsAsync<AccessDeniedException>(() => call(Planner(scope)));
        }
        await using var db = fixture.CreateContext();
        Assert.Equal(route.Id, await db.Customers.Where(c => c.Id == customers[0].Id).Select(c => c.RouteId).SingleAsync());
    }
}
