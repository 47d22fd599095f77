using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Routes;
using Portal.Domain.SharedLinks;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Deliveries;

/// <summary>People recording the same stop at once: one record, and everyone else told who was first — never an exception.</summary>
public sealed class DeliveryConcurrencyTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private const string AlreadyRecorded = "Already recorded by ";
    private static readonly DateOnly Today = DeliveryGround.Today;
    private DeliveryGround ground = null!;

    public async Task InitializeAsync()
    {
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        ground = await DeliveryGround.CreateAsync(fixture);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Each call as a page makes it: its own scope, its own context.</summary>
    private async Task<Result<RecordedOutcome>> RecordAsync(Recorder recorder, RecordInput input)
    {
        using var scope = fixture.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<DeliveryService>().RecordAsync(recorder, input);
    }

    /// <summary>
    /// Makes every insert into deliveries matching <paramref name="condition"/> wait half a second, so two recordings started
    /// together both find nothing recorded before either has written: the race the unique index and the order lock must settle.
    /// </summary>
    private Task<TestTrigger> SlowInsertsAsync(string condition) =>
        TestTrigger.CreateAsync(fixture, "BEFORE INSERT", "deliveries", condition, "PERFORM pg_sleep(0.5)");

    [Fact]
    public async Task Two_people_recording_the_same_stop_at_once_leave_one_record_and_the_second_is_told_who_was_first()
    {
        var stop = await ground.AddStopAsync(daily: 2m);
        Result<RecordedOutcome>[] results;
        await using (await SlowInsertsAsync($"NEW.subscription_id = {stop.Subscription.Id}"))
        {
            results = await Task.WhenAll(
                RecordAsync(ground.AgentRecorder, ground.Full(stop.Subscription)),
                RecordAsync(ground.StaffRecorder, ground.Missed(stop.Subscription, NotDeliveredReason.CustomerAway)));
        }

        var delivery = Assert.Single(await ground.DeliveriesOfAsync(stop.Subscription));
        var winner = Assert.Single(results, r => r.Succeeded);
        var loser = Assert.Single(results, r => !r.Succeeded);
        Assert.Equal(delivery.Id, winner.Value!.DeliveryId);
        Assert.StartsWith($"{AlreadyRecorded}{winner.Value.RecordedBy} at 19:00.", ResultAssert.Refused(loser).Message);
    }

    [Fact]
    public async Task Two_people_recording_the_same_order_line_at_once_leave_one_record_and_the_order_follows_it()
    {
        var order = await ground.AddOrderAsync(Today, (ground.Milk, 2m));
        Result<RecordedOutcome>[] results;
        await using (await SlowInsertsAsync($"NEW.order_line_id = {order.Lines[0].Id}"))
        {
            results = await Task.WhenAll(
                RecordAsync(ground.AgentRecorder, ground.Full(order.Lines[0])),
                RecordAsync(ground.StaffRecorder, ground.Missed(order.Lines[0], NotDeliveredReason.Refused)));
        }

        var delivery = Assert.Single(await ground.DeliveriesOfAsync(order.Lines[0]));
        var winner = Assert.Single(results, r => r.Succeeded);
        Assert.StartsWith($"{AlreadyRecorded}{winner.Value!.RecordedBy} at 19:00.", ResultAssert.Refused(Assert.Single(results, r => !r.Succeeded)).Message);
        Assert.Equal(delivery.Outcome == DeliveryOutcome.Delivered ? OrderStatus.Delivered : OrderStatus.NotDelivered, await ground.StatusOfAsync(order));
    }

    [Fact]
    public async Task Two_lines_of_one_order_recorded_at_once_both_count_towards_its_status()
    {
        var order = await ground.AddOrderAsync(Today, (ground.Milk, 2m), (ground.Paneer, 1m));
        Result<RecordedOutcome>[] results;
        await using (await SlowInsertsAsync($"NEW.order_line_id IN ({order.Lines[0].Id}, {order.Lines[1].Id})"))
        {
            results = await Task.WhenAll(
                RecordAsync(ground.AgentRecorder, ground.Full(order.Lines[0])),
                RecordAsync(ground.StaffRecorder, ground.Full(order.Lines[1])));
        }

        Assert.All(results, r => ResultAssert.Succeeded(r));
        Assert.Single(await ground.DeliveriesOfAsync(order.Lines[0]));
        Assert.Single(await ground.DeliveriesOfAsync(order.Lines[1]));
        Assert.Equal(OrderStatus.Delivered, await ground.StatusOfAsync(order));
    }

    private sealed record Attempt(int Item, RecordInput Input);

    [Fact]
    public async Task Fifty_recorders_at_once_over_a_300_stop_sheet_leave_exactly_one_record_per_due_item_and_no_errors()
    {
        var (route, recorders) = await SeedSheetAsync(stops: 300, orders: 30, agents: 40, staff: 8, links: 2);
        DeliverySheet sheet;
        await using (var db = fixture.CreateContext())
        {
            sheet = await DeliveryService.LoadSheetAsync(db, route.Id, Today, CancellationToken.None);
        }
        var items = sheet.Stops.SelectMany(s => s.Items).Select(i => i.Due).ToList();
        Assert.Equal(300, sheet.Stops.Count);
        Assert.True(items.Count(i => i.Kind == DueKind.OrderLine) >= 30);

        // Each item goes to two or three different recorders, each with its own outcome.
        var random = new Random(20261124);
        var work = recorders.Select(_ => new List<Attempt>()).ToList();
        for (var item = 0; item < items.Count; item++)
        {
            var due = items[item];
            foreach (var worker in Enumerable.Range(0, recorders.Count).OrderBy(_ => random.Next()).Take(2 + item % 2))
            {
                var outcome = (DeliveryOutcome)random.Next(3);
                work[worker].Add(new Attempt(item, new RecordInput(
                    route.Id, Today, due.SubscriptionId, due.OrderLineId, outcome,
                    outcome == DeliveryOutcome.Partial ? due.PlannedQuantity - 1 : null,
                    outcome == DeliveryOutcome.NotDelivered ? (NotDeliveredReason)random.Next(4) : null)));
            }
        }
        var shuffled = work.Select(list =>
        {
            var attempts = list.ToArray();
            random.Shuffle(attempts);
            return attempts;
        }).ToList();

        var succeeded = new ConcurrentBag<(int Item, RecordedOutcome Outcome)>();
        var refused = new ConcurrentBag<string>();
        var leaked = new ConcurrentBag<Exception>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = shuffled.Select((attempts, w) => Task.Run(async () =>
        {
            await start.Task;
            foreach (var attempt in attempts)
            {
                try
                {
                    var result = await RecordAsync(recorders[w], attempt.Input);
                    if (result.Succeeded)
                    {
                        succeeded.Add((attempt.Item, result.Value!));
                    }
                    else
                    {
                        refused.Add(string.Join(" | ", result.Problems.Select(p => p.Message)));
                    }
                }
                catch (Exception ex)
                {
                    leaked.Add(ex);
                }
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(workers);

        Assert.Empty(leaked);
        Assert.All(refused, message => Assert.StartsWith(AlreadyRecorded, message));
        Assert.Equal(work.Sum(w => w.Count), succeeded.Count + refused.Count);
        var winners = succeeded.GroupBy(s => s.Item).ToDictionary(g => g.Key, g => Assert.Single(g).Outcome);
        Assert.Equal(items.Count, winners.Count);

        await using var check = fixture.CreateContext();
        var subscriptionIds = items.Where(i => i.SubscriptionId is not null).Select(i => i.SubscriptionId!.Value).ToList();
        var lineIds = items.Where(i => i.OrderLineId is not null).Select(i => i.OrderLineId!.Value).ToList();
        var rows = await check.Deliveries.AsNoTracking()
            .Where(d => (d.SubscriptionId != null && subscriptionIds.Contains(d.SubscriptionId.Value)) || (d.OrderLineId != null && lineIds.Contains(d.OrderLineId.Value)))
            .ToListAsync();
        Assert.Equal(items.Count, rows.Count);
        for (var item = 0; item < items.Count; item++)
        {
            var due = items[item];
            var row = Assert.Single(rows, r => due.SubscriptionId is { } s ? r.SubscriptionId == s : r.OrderLineId == due.OrderLineId);
            Assert.Equal((winners[item].DeliveryId, winners[item].Outcome, Today), (row.Id, row.Outcome, row.DeliveryDate));
        }

        var orders = await check.Orders.AsNoTracking().Include(o => o.Lines).Where(o => o.Customer.RouteId == route.Id).ToListAsync();
        foreach (var order in orders)
        {
            var outcomes = order.Lines.Select(l => rows.Single(r => r.OrderLineId == l.Id).Outcome).ToList();
            var expected = outcomes.All(o => o == DeliveryOutcome.Delivered) ? OrderStatus.Delivered
                : outcomes.All(o => o == DeliveryOutcome.NotDelivered) ? OrderStatus.NotDelivered
                : OrderStatus.PartiallyDelivered;
            Assert.True(expected == order.Status, $"Order {order.Id} with lines {string.Join(", ", outcomes)} is {order.Status}.");
        }

        var after = await DeliveryService.LoadSheetAsync(check, route.Id, Today, CancellationToken.None);
        Assert.Equal(0, after.Progress.Pending);
        Assert.Equal(items.Count, after.Progress.Total);
    }

    /// <summary>
    /// A route of <paramref name="stops"/> customers with logins, each with 2 L of milk a day; <paramref name="orders"/> of them
    /// with a one-time order today of one or two lines. Recorders: agents assigned to the route, office staff and shared links.
    /// </summary>
    private async Task<(DeliveryRoute Route, List<Recorder> Recorders)> SeedSheetAsync(int stops, int orders, int agents, int staff, int links)
    {
        await using var db = fixture.CreateContext();
        var roles = await db.Roles.ToDictionaryAsync(r => r.Name!, r => r.Id);
        var route = new DeliveryRoute { Name = $"Busy route {TestData.Next()}" };
        db.Routes.Add(route);
        PortalUser NewUser(string role)
        {
            var n = TestData.Next();
            var userName = role == Roles.Customer ? TestData.UniqueMobile() : $"recorder{n}@portal.test";
            var user = new PortalUser
            {
                UserName = userName,
                NormalizedUserName = userName.ToUpperInvariant(),
                DisplayName = $"{role} {n}",
                SecurityStamp = Guid.NewGuid().ToString("N"),
                ConcurrencyStamp = Guid.NewGuid().ToString(),
                CreatedAt = TestData.Now,
            };
            db.Users.Add(user);
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roles[role] });
            return user;
        }

        var agentUsers = Enumerable.Range(0, agents).Select(_ => NewUser(Roles.DeliveryAgent)).ToList();
        route.Agents.AddRange(agentUsers.Select(a => new RouteAgent { Route = route, UserId = a.Id }));
        var staffUsers = Enumerable.Range(0, staff).Select(_ => NewUser(Roles.Staff)).ToList();
        for (var i = 1; i <= stops; i++)
        {
            var user = NewUser(Roles.Customer);
            var customer = new Customer
            {
                Name = string.Create(CultureInfo.InvariantCulture, $"Stop {i:D3}"),
                Mobile = user.UserName!,
                Address = new Address { Line = $"#{i}, 4th Main", Area = "Jayanagar", City = "Bengaluru", PinCode = "560041" },
                Route = route,
                StopOrder = i,
                User = user,
                CreatedAt = TestData.Now,
            };
            db.Customers.Add(customer);
            var schedule = TestData.Daily(2m);
            schedule.EffectiveFrom = DeliveryGround.Start;
            db.Subscriptions.Add(new Subscription
            {
                Customer = customer, ProductId = ground.Milk.Id, StartDate = DeliveryGround.Start, CreatedAt = TestData.Now, Schedules = [schedule],
            });
            if (i % (stops / orders) == 0)
            {
                var order = new Order { Customer = customer, DeliveryDate = Today, CreatedAt = TestData.Now, CreatedByUserId = user.Id };
                order.Lines.Add(new OrderLine { ProductId = ground.Milk.Id, Quantity = 2m, UnitPrice = 56m });
                if (i % 2 == 0)
                {
                    order.Lines.Add(new OrderLine { ProductId = ground.Paneer.Id, Quantity = 3m, UnitPrice = 90m });
                }
                db.Orders.Add(order);
            }
        }
        await db.SaveChangesAsync();

        var recorders = agentUsers.Select(a => Recorder.Person(Caller.For(a, Roles.DeliveryAgent)))
            .Concat(staffUsers.Select(s => Recorder.Person(Caller.For(s, Roles.Staff))))
            .ToList();
        using var scope = fixture.Services.CreateScope();
        var sharedLinks = scope.ServiceProvider.GetRequiredService<SharedLinkService>();
        for (var i = 0; i < links; i++)
        {
            var created = await sharedLinks.CreateAsync(Caller.For(staffUsers[0], Roles.Staff), route.Id, Today);
            recorders.Add((await sharedLinks.OpenAsync(created.Value!.Token)).Link!.Recorder);
        }
        return (route, recorders);
    }
}
