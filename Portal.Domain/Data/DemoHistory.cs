using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Domain.Auditing;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Payments;
using Portal.Domain.Products;
using Portal.Domain.Subscriptions;

namespace Portal.Domain.Data;

/// <summary>
/// The months behind the demo's today, so every page has a story to tell. From the first of the month before last up to
/// yesterday every stop was recorded by its route's agent at about 07:00 (mostly delivered, some part deliveries, some not
/// delivered), except a handful of last month's stops nobody marked, which the billing preview lists for the office to chase.
/// Past one-time orders carry the status their deliveries give them. The month before last was billed by the real billing
/// run on the first morning of last month, and most households paid it in the days after; a few paid part, a few nothing.
/// Last month is left for the office to bill. Each step runs only once: the history into a database with no past
/// deliveries and no billing run, the billing run if there is none, the payments if there are none.
/// </summary>
internal static class DemoHistory
{
    public const string Manager = "manager@portal.test";
    public const string Staff = "staff@portal.test";
    public const string SecondAgent = "agent2@portal.test";

    /// <summary>About 1.5 % of stops find nobody home; about 1.2 % of items run out on the van; about 2 % go out short.</summary>
    private const double AwayRate = 0.015;
    private const double OutOfStockRate = 0.012;
    private const double PartRate = 0.02;

    private const int RandomSeed = 2026_11_24;

    public static DateOnly MonthBeforeLast(DateOnly today) => new DateOnly(today.Year, today.Month, 1).AddMonths(-2);

    public static DateOnly LastMonth(DateOnly today) => new DateOnly(today.Year, today.Month, 1).AddMonths(-1);

    /// <summary>The day of last month on which the second agent's last stops were never marked.</summary>
    public static DateOnly UnmarkedDay(DateOnly today) => LastMonth(today).AddDays(11);

    /// <summary>When the manager billed the month before last: 11:00 on the first of last month.</summary>
    public static DateTimeOffset BilledAt(PortalClock clock) => At(clock, LastMonth(clock.Today), 11);

    private enum Story
    {
        Delivered,
        CustomerAway,
        LastLineOutOfStock,
        Cancelled,
    }

    /// <summary>A one-time order in the past: whose (position in the demo list), which month (0 this, -1 last, -2 the one before), which day.</summary>
    private sealed record PastOrder(int Customer, int MonthOffset, int Day, Story Story, params (string Product, decimal Quantity)[] Lines);

    private static readonly PastOrder[] PastOrders =
    [
        new(0, -2, 15, Story.Delivered, ("Paneer 200 g", 2m), ("Ghee", 0.5m)),
        new(2, -2, 6, Story.Delivered, ("Paneer 200 g", 1m)),
        new(9, -2, 12, Story.CustomerAway, ("Paneer 200 g", 2m)),
        new(16, -2, 20, Story.Delivered, ("Butter 100 g", 2m), ("Paneer 200 g", 1m)),
        new(23, -2, 26, Story.LastLineOutOfStock, ("Paneer 200 g", 1m), ("Butter 100 g", 1m)),
        new(0, -1, 18, Story.Delivered, ("Paneer 200 g", 1m)),
        new(30, -1, 4, Story.Delivered, ("Ghee", 1m)),
        new(37, -1, 9, Story.LastLineOutOfStock, ("Paneer 200 g", 2m), ("Butter 100 g", 2m)),
        new(44, -1, 16, Story.Cancelled, ("Paneer 200 g", 1m)),
        new(51, -1, 22, Story.Delivered, ("Paneer 200 g", 1m), ("Curd 500 g", 2m)),
        new(3, -1, 25, Story.Delivered, ("Butter 100 g", 1m)),
        new(12, 0, 2, Story.Delivered, ("Paneer 200 g", 1m)),
    ];

    public static async Task SeedAsync(IServiceProvider services, TimeProvider time, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<PortalOptions>>();
        var contexts = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var clock = new PortalClock(time, options);
        await RecordAsync(contexts, clock, cancellationToken);
        await BillAsync(contexts, clock, options, cancellationToken);
        await PayAsync(contexts, clock, cancellationToken);
    }

    private static async Task RecordAsync(IDbContextFactory<PortalDbContext> contexts, PortalClock clock, CancellationToken cancellationToken)
    {
        var today = clock.Today;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.BillingRuns.AnyAsync(cancellationToken) || await db.Deliveries.AnyAsync(d => d.DeliveryDate < today, cancellationToken))
        {
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var customers = (await db.Customers.AsNoTracking().Where(c => c.Mobile.StartsWith("98765")).ToListAsync(cancellationToken))
            .ToDictionary(c => PositionOf(c.Mobile));
        var products = await db.Products.AsNoTracking().ToDictionaryAsync(p => p.Name, cancellationToken);
        var prices = await db.ProductPrices.AsNoTracking().ToListAsync(cancellationToken);
        var staff = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == Staff, cancellationToken);
        var subscriptions = await db.Subscriptions.Include(s => s.Schedules).Include(s => s.Pauses).Include(s => s.Overrides)
            .AsSplitQuery().Where(s => s.Customer.Mobile.StartsWith("98765")).OrderBy(s => s.Id).ToListAsync(cancellationToken);

        decimal PriceOn(int productId, DateOnly date) =>
            prices.Where(p => p.ProductId == productId && p.EffectiveFrom <= date).OrderByDescending(p => p.EffectiveFrom).First().UnitPrice;

        var stories = new Dictionary<Order, Story>();
        var yesterday = today.AddDays(-1);
        foreach (var past in PastOrders)
        {
            var month = new DateOnly(today.Year, today.Month, 1).AddMonths(past.MonthOffset);
            var date = month.AddDays(past.Day - 1);
            if (date > yesterday || !customers.TryGetValue(past.Customer, out var customer))
            {
                continue;
            }
            // Placed two evenings before, at the price of that day; households order for themselves on odd positions.
            var placedAt = At(clock, date.AddDays(-2), 18);
            var order = new Order
            {
                CustomerId = customer.Id,
                DeliveryDate = date,
                CreatedAt = placedAt,
                CreatedByUserId = past.Customer % 2 == 1 ? customer.UserId : staff.Id,
                Status = past.Story == Story.Cancelled ? OrderStatus.Cancelled : OrderStatus.Pending,
                CancelledAt = past.Story == Story.Cancelled ? placedAt.AddHours(20) : null,
                Lines = past.Lines.Select(l => new OrderLine
                {
                    ProductId = products[l.Product].Id,
                    Quantity = l.Quantity,
                    UnitPrice = PriceOn(products[l.Product].Id, date.AddDays(-2)),
                }).ToList(),
            };
            db.Orders.Add(order);
            stories[order] = past.Story;
        }

        AddVacationsAndChanges(subscriptions, customers, today, clock);
        AddDemoCustomersPlans(db, subscriptions, customers, products, clock, PriceOn);
        await db.SaveChangesAsync(cancellationToken);

        // The one answer to "what was due": the same query the sheets, the calendar and billing use.
        var due = await DueList.QueryAsync(db, MonthBeforeLast(today), yesterday, null, cancellationToken);
        var agents = await AgentsByRouteAsync(db, cancellationToken);
        var unmarked = Unmarked(due, agents, UnmarkedDay(today));
        var storyByLine = stories.SelectMany(s => s.Key.Lines.Select((l, i) => (l.Id, Story: s.Value, IsLast: i == s.Key.Lines.Count - 1)))
            .ToDictionary(x => x.Id, x => (x.Story, x.IsLast));

        (Story Story, bool IsLast) StoryOf(DueItem item) =>
            item.OrderLineId is { } lineId && storyByLine.TryGetValue(lineId, out var story) ? story : (Story.Delivered, false);

        var random = new Random(RandomSeed);
        var deliveries = new List<Delivery>(due.Count);
        foreach (var stop in due.GroupBy(d => (d.Date, d.CustomerId)))
        {
            // Drawn for every stop and item, so the same database always gets the same history. A stop with a one-time order
            // keeps that order's story, so the demo always has one order of each status.
            var nobodyHome = random.NextDouble() < AwayRate;
            var away = stop.Any(i => StoryOf(i).Story == Story.CustomerAway) || (nobodyHome && stop.All(i => i.Kind == DueKind.Subscription));
            foreach (var item in stop)
            {
                var roll = random.NextDouble();
                if (unmarked.Contains(item))
                {
                    continue;
                }
                var story = StoryOf(item);
                var delivery = new Delivery
                {
                    SubscriptionId = item.SubscriptionId,
                    OrderLineId = item.OrderLineId,
                    DeliveryDate = item.Date,
                    PlannedQuantity = item.PlannedQuantity,
                    DeliveredQuantity = item.PlannedQuantity,
                    Outcome = DeliveryOutcome.Delivered,
                    RecordedByUserId = item.RouteId is { } routeId && agents.TryGetValue(routeId, out var agent) ? agent.UserId : staff.Id,
                    RecordedAt = At(clock, item.Date, 6.5).AddMinutes(2 * (item.StopOrder ?? 0)),
                };
                if (away)
                {
                    NotDelivered(delivery, NotDeliveredReason.CustomerAway, roll < 0.5 ? "Door locked; neighbours say they are away." : null);
                }
                else if (item.Kind == DueKind.OrderLine)
                {
                    if (story is { Story: Story.LastLineOutOfStock, IsLast: true })
                    {
                        NotDelivered(delivery, NotDeliveredReason.OutOfStock, $"{item.ProductName} did not come from the dairy that morning.");
                    }
                }
                else if (roll < OutOfStockRate)
                {
                    NotDelivered(delivery, NotDeliveredReason.OutOfStock, $"{item.ProductName} ran short on the van before this stop.");
                }
                else if (roll < OutOfStockRate + PartRate && PartOf(item) is { } part)
                {
                    delivery.Outcome = DeliveryOutcome.Partial;
                    delivery.DeliveredQuantity = part;
                }
                deliveries.Add(delivery);
            }
        }
        db.Deliveries.AddRange(deliveries);

        // Orders follow their lines, as recording them would have left them.
        var outcomesByOrder = due.Where(d => d.OrderId is not null)
            .Join(deliveries, d => d.OrderLineId, d => d.OrderLineId, (d, delivery) => (OrderId: d.OrderId!.Value, delivery.Outcome))
            .ToLookup(x => x.OrderId, x => x.Outcome);
        var orderIds = due.Where(d => d.OrderId is not null).Select(d => d.OrderId!.Value).Distinct().ToList();
        var orders = await db.Orders.Include(o => o.Lines).Where(o => orderIds.Contains(o.Id)).ToListAsync(cancellationToken);
        foreach (var order in orders)
        {
            order.Status = StatusFrom(outcomesByOrder[order.Id].ToList(), order.Lines.Count);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The rule <see cref="DeliveryService"/> applies when a line is recorded: all delivered → delivered; all recorded and none
    /// delivered → not delivered; otherwise partially delivered, or still pending while nothing recorded went out.
    /// </summary>
    private static OrderStatus StatusFrom(IReadOnlyCollection<DeliveryOutcome> outcomes, int lines)
    {
        if (outcomes.Count == 0)
        {
            return OrderStatus.Pending;
        }
        if (outcomes.Count < lines)
        {
            return outcomes.Any(o => o != DeliveryOutcome.NotDelivered) ? OrderStatus.PartiallyDelivered : OrderStatus.Pending;
        }
        return outcomes.All(o => o == DeliveryOutcome.Delivered) ? OrderStatus.Delivered
            : outcomes.All(o => o == DeliveryOutcome.NotDelivered) ? OrderStatus.NotDelivered
            : OrderStatus.PartiallyDelivered;
    }

    private static void NotDelivered(Delivery delivery, NotDeliveredReason reason, string? note)
    {
        delivery.Outcome = DeliveryOutcome.NotDelivered;
        delivery.DeliveredQuantity = 0m;
        delivery.Reason = reason;
        delivery.ReasonNote = note;
    }

    /// <summary>A short delivery: one piece or pack fewer, or half of what is measured; none when a single piece was due.</summary>
    private static decimal? PartOf(DueItem item)
    {
        if (Product.IsWholeUnit(item.Unit))
        {
            return item.PlannedQuantity >= 2m ? item.PlannedQuantity - 1m : null;
        }
        return Math.Round(item.PlannedQuantity / 2m, 3);
    }

    /// <summary>A week's vacation last month for every tenth household, an extra litre or a skipped day for a few others.</summary>
    private static void AddVacationsAndChanges(List<Subscription> subscriptions, Dictionary<int, Customer> customers, DateOnly today, PortalClock clock)
    {
        var lastMonth = LastMonth(today);
        var firstSunday = Enumerable.Range(0, 7).Select(lastMonth.AddDays).First(d => d.DayOfWeek == DayOfWeek.Sunday);
        foreach (var (position, customer) in customers)
        {
            var milk = subscriptions.FirstOrDefault(s => s.CustomerId == customer.Id);
            if (milk is null)
            {
                continue;
            }
            if (position % 10 == 4 && milk.Pauses.Count == 0)
            {
                var from = lastMonth.AddDays(7);
                milk.Pauses.Add(new SubscriptionPause { FromDate = from, ToDate = from.AddDays(6), CreatedAt = At(clock, from.AddDays(-4), 20) });
            }
            (DateOnly Date, decimal Quantity)? change = (position % 8) switch
            {
                6 => (firstSunday, 2m),
                2 => (lastMonth.AddDays(19), 0m),
                _ => null,
            };
            if (change is { } c && milk.Schedules.Any(s => s.Kind == ScheduleKind.Daily) && milk.Overrides.All(o => o.Date != c.Date))
            {
                milk.Overrides.Add(new SubscriptionOverride { Date = c.Date, Quantity = c.Quantity, CreatedAt = At(clock, c.Date.AddDays(-2), 19) });
            }
        }
    }

    /// <summary>The demo household (Priya) has a one-time order coming up and, a few days later, a day off milk.</summary>
    private static void AddDemoCustomersPlans(
        PortalDbContext db, List<Subscription> subscriptions, Dictionary<int, Customer> customers, Dictionary<string, Product> products,
        PortalClock clock, Func<int, DateOnly, decimal> priceOn)
    {
        if (!customers.TryGetValue(0, out var demo))
        {
            return;
        }
        var orderDate = clock.FirstOpenDate.AddDays(1);
        db.Orders.Add(new Order
        {
            CustomerId = demo.Id,
            DeliveryDate = orderDate,
            CreatedAt = clock.UtcNow.AddHours(-3),
            CreatedByUserId = demo.UserId,
            Lines =
            [
                new OrderLine { ProductId = products["Paneer 200 g"].Id, Quantity = 1m, UnitPrice = priceOn(products["Paneer 200 g"].Id, clock.Today) },
                new OrderLine { ProductId = products["Butter 100 g"].Id, Quantity = 2m, UnitPrice = priceOn(products["Butter 100 g"].Id, clock.Today) },
            ],
        });
        var skip = clock.FirstOpenDate.AddDays(3);
        if (subscriptions.FirstOrDefault(s => s.CustomerId == demo.Id) is { } milk && milk.Overrides.All(o => o.Date != skip))
        {
            milk.Overrides.Add(new SubscriptionOverride { Date = skip, Quantity = 0m, CreatedAt = clock.UtcNow.AddHours(-3) });
        }
    }

    private sealed record Agent(string UserId, string UserName);

    private static async Task<Dictionary<int, Agent>> AgentsByRouteAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var agentRoleId = await db.Roles.Where(r => r.Name == Roles.DeliveryAgent).Select(r => r.Id).SingleAsync(cancellationToken);
        var rows = await db.RouteAgents.AsNoTracking()
            .Where(a => db.UserRoles.Any(ur => ur.UserId == a.UserId && ur.RoleId == agentRoleId))
            .Select(a => new { a.RouteId, a.UserId, a.User.UserName })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.RouteId)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.UserName, StringComparer.Ordinal).Select(r => new Agent(r.UserId, r.UserName ?? "")).First());
    }

    /// <summary>The second agent's phone died on the round: the last three stops of that day were never marked.</summary>
    private static HashSet<DueItem> Unmarked(IReadOnlyList<DueItem> due, Dictionary<int, Agent> agents, DateOnly day)
    {
        var routeId = agents.Where(a => a.Value.UserName == SecondAgent).Select(a => (int?)a.Key).FirstOrDefault();
        if (routeId is null)
        {
            return [];
        }
        var items = due.Where(d => d.Date == day && d.RouteId == routeId && d.Kind == DueKind.Subscription).ToList();
        var lastStops = items.Select(d => (d.StopOrder, d.CustomerId)).Distinct().OrderByDescending(s => s.StopOrder).Take(3).Select(s => s.CustomerId).ToHashSet();
        return items.Where(d => lastStops.Contains(d.CustomerId)).ToHashSet();
    }

    private static async Task BillAsync(
        IDbContextFactory<PortalDbContext> contexts, PortalClock clock, IOptions<PortalOptions> options, CancellationToken cancellationToken)
    {
        PortalUser manager;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await db.BillingRuns.AnyAsync(cancellationToken))
            {
                return;
            }
            manager = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == Manager, cancellationToken);
        }
        // The real run, on the morning the manager would have made it, so invoices, numbers and the audit entry carry that date.
        var then = new FixedTime(BilledAt(clock));
        var thenClock = new PortalClock(then, options);
        var billing = new BillingService(contexts, new AuditLog(contexts, then, thenClock), thenClock);
        var result = await billing.RunAsync(Caller.For(manager, Roles.Manager), MonthBeforeLast(clock.Today), cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"The demo billing run failed: {result.GeneralError}");
        }
    }

    /// <summary>Most households paid the billed month in full in the first ten days of last month; every ninth paid part, every ninth nothing.</summary>
    private static async Task PayAsync(IDbContextFactory<PortalDbContext> contexts, PortalClock clock, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Payments.AnyAsync(cancellationToken))
        {
            return;
        }
        var month = MonthBeforeLast(clock.Today);
        var invoices = await db.Invoices.AsNoTracking()
            .Where(i => i.PeriodMonth == month && !i.IsSupplementary)
            .OrderBy(i => i.Sequence)
            .Select(i => new { i.CustomerId, i.Customer.Mobile, i.TotalAmount, i.Sequence })
            .ToListAsync(cancellationToken);
        if (invoices.Count == 0)
        {
            return;
        }
        var manager = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == Manager, cancellationToken);
        var demoMobile = DemoData.Logins.Single(l => l.Role == Roles.Customer).SignInWith;
        var lastMonth = LastMonth(clock.Today);
        for (var k = 0; k < invoices.Count; k++)
        {
            var invoice = invoices[k];
            var partly = invoice.Mobile == demoMobile || k % 9 == 7;
            if (!partly && k % 9 == 4)
            {
                continue;
            }
            var amount = partly ? PartOfBill(invoice.TotalAmount) : invoice.TotalAmount;
            var receivedOn = lastMonth.AddDays(1 + k % 9);
            var method = (k % 10) switch
            {
                < 5 => PaymentMethod.Upi,
                < 8 => PaymentMethod.Cash,
                _ => PaymentMethod.Bank,
            };
            db.Payments.Add(new Payment
            {
                CustomerId = invoice.CustomerId,
                Amount = amount,
                Method = method,
                ReceivedOn = receivedOn,
                Reference = method switch
                {
                    PaymentMethod.Upi => $"UPI {628_100_000_000L + invoice.Sequence * 7_919L}",
                    PaymentMethod.Bank => $"NEFT HDFCN{receivedOn:yyyyMMdd}{invoice.Sequence:00000}",
                    _ => $"Receipt {invoice.Sequence:0000}",
                },
                RecordedByUserId = manager.Id,
                RecordedAt = At(clock, receivedOn, 10).AddMinutes(7 * (k % 8)),
            });
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A round sum short of the bill: 60 % of it rounded down to ₹100, or half when that would be nothing.</summary>
    private static decimal PartOfBill(decimal total)
    {
        var part = Math.Floor(total * 0.6m / 100m) * 100m;
        return part > 0m && part < total ? part : Math.Round(total / 2m, 2);
    }

    /// <summary>A time of day in India on <paramref name="date"/>, as the UTC instant the database stores.</summary>
    private static DateTimeOffset At(PortalClock clock, DateOnly date, double hours) => clock.StartOfDay(date).AddHours(hours).ToUniversalTime();

    /// <summary>The position in the demo list from the mobile number, as <see cref="DemoData"/> numbers its households.</summary>
    private static int PositionOf(string mobile) => int.Parse(mobile[5..], System.Globalization.CultureInfo.InvariantCulture) - 1;

    /// <summary>A clock stopped at one instant, for the run made on a morning in the past.</summary>
    private sealed class FixedTime(DateTimeOffset at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => at;
    }
}
