using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Payments;
using Portal.Domain.Products;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data;

/// <summary>
/// The demo data a developer signs in with: one login per role, three routes, sixty customers, priced products, and a history
/// behind today (deliveries, past orders, a billed month, payments); seeding twice adds nothing. The fixture's clock is
/// 24 Nov 2026 19:00 IST: the history runs from 1 Sep to 23 Nov, September is billed, October is left for the office.
/// </summary>
public sealed class DemoDataTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    // Every test seeds: seeding is idempotent, so each test sees the same data whichever runs first.
    private Task SeedAsync() => DemoData.SeedAsync(fixture.Services, fixture.Time);

    [Fact]
    public async Task Seeding_creates_one_login_per_role_that_signs_in_with_the_demo_password()
    {
        await SeedAsync();
        await using var scope = fixture.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

        Assert.Equal(Roles.All.Order(), DemoData.Logins.Select(l => l.Role).Order());
        foreach (var login in DemoData.Logins)
        {
            var user = await users.FindByNameAsync(login.SignInWith);
            Assert.True(user is not null, $"No demo login {login.SignInWith}.");
            Assert.Equal(login.Name, user.DisplayName);
            Assert.True(await users.IsInRoleAsync(user, login.Role), $"{login.SignInWith} is not in role {login.Role}.");
            Assert.True(await users.CheckPasswordAsync(user, DemoData.Password), $"The demo password does not sign in {login.SignInWith}.");
            Assert.False(user.IsDisabled);
        }
    }

    [Fact]
    public async Task Seeding_creates_three_routes_each_worked_by_a_delivery_agent()
    {
        await SeedAsync();
        await using var db = fixture.CreateContext();

        var routes = await db.Routes
            .Select(r => new
            {
                r.Name,
                r.IsActive,
                Agents = r.Agents.Count(a => db.UserRoles.Any(ur => ur.UserId == a.UserId && db.Roles.Any(role => role.Id == ur.RoleId && role.Name == Roles.DeliveryAgent))),
                Customers = r.Customers.Count,
            })
            .ToListAsync();

        Assert.Equal(3, routes.Count);
        Assert.All(routes, r =>
        {
            Assert.True(r.IsActive, $"{r.Name} is not active.");
            Assert.True(r.Agents >= 1, $"{r.Name} has no delivery agent.");
            Assert.True(r.Customers >= 1, $"{r.Name} has no customers.");
        });
    }

    [Fact]
    public async Task Seeding_creates_sixty_customers_each_with_a_customer_login()
    {
        await SeedAsync();
        await using var db = fixture.CreateContext();
        var customerRoleId = await db.Roles.Where(r => r.Name == Roles.Customer).Select(r => r.Id).SingleAsync();

        var customers = await db.Customers
            .Select(c => new { c.Mobile, c.User.UserName, IsCustomer = db.UserRoles.Any(ur => ur.UserId == c.UserId && ur.RoleId == customerRoleId) })
            .ToListAsync();

        Assert.Equal(60, customers.Count);
        Assert.All(customers, c =>
        {
            Assert.True(c.IsCustomer, $"The login of customer {c.Mobile} is not in role Customer.");
            Assert.Equal(c.Mobile, c.UserName);
            Assert.Equal(c.Mobile, MobileNumber.Normalise(c.Mobile));
        });
        Assert.Contains(customers, c => c.Mobile == DemoData.Logins.Single(l => l.Role == Roles.Customer).SignInWith);
    }

    [Fact]
    public async Task Seeding_creates_active_products_each_with_a_price_for_today()
    {
        await SeedAsync();
        var today = fixture.Services.GetRequiredService<PortalClock>().Today;
        await using var db = fixture.CreateContext();

        var products = await db.Products
            .Select(p => new { p.Name, p.IsActive, PricedToday = p.Prices.Any(price => price.EffectiveFrom <= today && price.UnitPrice > 0) })
            .ToListAsync();

        Assert.NotEmpty(products);
        Assert.All(products, p =>
        {
            Assert.True(p.IsActive, $"{p.Name} is not active.");
            Assert.True(p.PricedToday, $"{p.Name} has no price for {today}.");
        });
    }

    private static readonly DateOnly Today = new(2026, 11, 24);
    private static readonly DateOnly September = new(2026, 9, 1);
    private static readonly DateOnly October = new(2026, 10, 1);
    private static readonly DateOnly UnmarkedDay = new(2026, 10, 12);
    private const string DemoCustomer = "9876500001";

    [Fact]
    public async Task Every_subscription_day_due_from_the_month_before_last_to_yesterday_is_recorded_at_its_due_quantity_but_a_handful_and_nothing_today()
    {
        await SeedAsync();
        await using var db = fixture.CreateContext();
        var yesterday = Today.AddDays(-1);

        var dates = await db.Deliveries.GroupBy(_ => 1).Select(g => new { First = g.Min(d => d.DeliveryDate), Last = g.Max(d => d.DeliveryDate) }).SingleAsync();
        Assert.Equal((September, yesterday), (dates.First, dates.Last));
        Assert.False(await db.Deliveries.AnyAsync(d => d.DeliveryDate >= Today));

        var due = await DueQuery.Between(db, September, yesterday).ToListAsync();
        var recorded = await db.Deliveries.AsNoTracking().Where(d => d.SubscriptionId != null)
            .Select(d => new { SubscriptionId = d.SubscriptionId!.Value, d.DeliveryDate, d.PlannedQuantity })
            .ToDictionaryAsync(d => (d.SubscriptionId, d.DeliveryDate), d => d.PlannedQuantity);
        Assert.True(due.Count > 3000, $"Only {due.Count} subscription days were due.");
        Assert.All(due.Where(d => recorded.ContainsKey((d.SubscriptionId, d.Day))),
            d => Assert.Equal(d.Quantity, recorded[(d.SubscriptionId, d.Day)]));
        Assert.Equal(recorded.Count, due.Count(d => recorded.ContainsKey((d.SubscriptionId, d.Day))));

        // The stops nobody marked are last month's, on one day of the second agent's round.
        var unmarked = due.Where(d => !recorded.ContainsKey((d.SubscriptionId, d.Day))).ToList();
        Assert.InRange(unmarked.Count, 3, 8);
        var unmarkedIds = unmarked.Select(d => d.SubscriptionId).ToList();
        var routes = await db.Subscriptions.Where(s => unmarkedIds.Contains(s.Id)).Select(s => s.Customer.Route!.Name).Distinct().ToListAsync();
        Assert.All(unmarked, d => Assert.Equal(UnmarkedDay, d.Day));
        Assert.Equal(["HSR Layout Morning"], routes);

        var lines = await db.Deliveries.AsNoTracking().Where(d => d.OrderLineId != null)
            .Select(d => new { d.DeliveryDate, d.PlannedQuantity, d.OrderLine!.Quantity, OrderDate = d.OrderLine.Order.DeliveryDate, d.OrderLine.Order.Status })
            .ToListAsync();
        Assert.NotEmpty(lines);
        Assert.All(lines, l =>
        {
            Assert.Equal(l.Quantity, l.PlannedQuantity);
            Assert.Equal(l.OrderDate, l.DeliveryDate);
            Assert.NotEqual(OrderStatus.Cancelled, l.Status);
        });
    }

    [Fact]
    public async Task Each_history_record_is_a_valid_outcome_recorded_by_its_routes_agent_around_seven_in_the_morning()
    {
        await SeedAsync();
        await using var db = fixture.CreateContext();
        var india = fixture.Services.GetRequiredService<PortalClock>().Zone;

        var deliveries = await db.Deliveries.AsNoTracking()
            .Select(d => new
            {
                d.Id, d.DeliveryDate, d.PlannedQuantity, d.DeliveredQuantity, d.Outcome, d.Reason, d.ReasonNote, d.RecordedAt,
                Unit = d.Subscription != null ? d.Subscription.Product.Unit : d.OrderLine!.Product.Unit,
                ByRouteAgent = db.RouteAgents.Any(a => a.UserId == d.RecordedByUserId
                    && a.RouteId == (d.Subscription != null ? d.Subscription.Customer.RouteId : d.OrderLine!.Order.Customer.RouteId)),
            })
            .ToListAsync();

        Assert.All(deliveries, d =>
        {
            Assert.True(d.ByRouteAgent, $"Delivery {d.Id} was not recorded by an agent of its route.");
            var local = TimeZoneInfo.ConvertTime(d.RecordedAt, india);
            Assert.Equal(d.DeliveryDate, DateOnly.FromDateTime(local.DateTime));
            Assert.InRange(local.TimeOfDay, TimeSpan.FromHours(6), TimeSpan.FromHours(8));
            Assert.InRange(d.DeliveredQuantity, 0m, d.PlannedQuantity);
            if (Product.IsWholeUnit(d.Unit))
            {
                Assert.Equal(decimal.Truncate(d.DeliveredQuantity), d.DeliveredQuantity);
            }
            switch (d.Outcome)
            {
                case DeliveryOutcome.Delivered:
                    Assert.Equal(d.PlannedQuantity, d.DeliveredQuantity);
                    Assert.Null(d.Reason);
                    break;
                case DeliveryOutcome.Partial:
                    Assert.InRange(d.DeliveredQuantity, 0.001m, d.PlannedQuantity - 0.001m);
                    Assert.Null(d.Reason);
                    break;
                default:
                    Assert.Equal(0m, d.DeliveredQuantity);
                    Assert.NotNull(d.Reason);
                    if (d.Reason == NotDeliveredReason.OutOfStock)
                    {
                        Assert.False(string.IsNullOrWhiteSpace(d.ReasonNote), $"Out-of-stock delivery {d.Id} has no note.");
                    }
                    break;
            }
        });

        // Mostly delivered; a few per cent not delivered, for both reasons; a couple of per cent short.
        double Share(DeliveryOutcome outcome) => deliveries.Count(d => d.Outcome == outcome) / (double)deliveries.Count;
        Assert.InRange(Share(DeliveryOutcome.Delivered), 0.93, 0.98);
        Assert.InRange(Share(DeliveryOutcome.NotDelivered), 0.015, 0.05);
        Assert.InRange(Share(DeliveryOutcome.Partial), 0.005, 0.035);
        Assert.Contains(deliveries, d => d.Reason == NotDeliveredReason.CustomerAway);
        Assert.Contains(deliveries, d => d.Reason == NotDeliveredReason.OutOfStock);
    }

    [Fact]
    public async Task Past_one_time_orders_carry_the_status_their_deliveries_give_and_upcoming_ones_are_pending()
    {
        await SeedAsync();
        await using var db = fixture.CreateContext();

        var orders = await db.Orders.AsNoTracking()
            .Select(o => new
            {
                o.Id, o.DeliveryDate, o.Status, Lines = o.Lines.Count,
                Outcomes = db.Deliveries.Where(d => d.OrderLine!.OrderId == o.Id).Select(d => d.Outcome).ToList(),
            })
            .ToListAsync();

        var past = orders.Where(o => o.DeliveryDate < Today).ToList();
        Assert.All(past, o =>
        {
            if (o.Status == OrderStatus.Cancelled)
            {
                Assert.Empty(o.Outcomes);
                return;
            }
            Assert.Equal(o.Lines, o.Outcomes.Count);
            var expected = o.Outcomes.All(x => x == DeliveryOutcome.Delivered) ? OrderStatus.Delivered
                : o.Outcomes.All(x => x == DeliveryOutcome.NotDelivered) ? OrderStatus.NotDelivered
                : OrderStatus.PartiallyDelivered;
            Assert.Equal(expected, o.Status);
        });
        Assert.Equal(
            [OrderStatus.Delivered, OrderStatus.PartiallyDelivered, OrderStatus.NotDelivered, OrderStatus.Cancelled],
            past.Select(o => o.Status).Distinct().Order());
        Assert.All(orders.Where(o => o.DeliveryDate >= Today), o =>
        {
            Assert.Equal(OrderStatus.Pending, o.Status);
            Assert.Empty(o.Outcomes);
        });
    }

    [Fact]
    public async Task Recording_a_past_order_again_through_the_delivery_service_leaves_the_status_the_demo_gave_it()
    {
        // Its own database: recording again stamps the office's name and the fixture's time on the deliveries.
        var own = new DatabaseFixture();
        await own.InitializeAsync();
        try
        {
            await DemoData.SeedAsync(own.Services, own.Time);
            await using var db = own.CreateContext();
            var staff = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == "staff@portal.test");
            var lines = await db.Deliveries.AsNoTracking()
                .Where(d => d.OrderLineId != null && d.DeliveryDate < Today && !db.BillingRecords.Any(b => b.DeliveryId == d.Id))
                .Select(d => new
                {
                    d.OrderLineId, d.DeliveryDate, d.Outcome, d.DeliveredQuantity, d.Reason, d.ReasonNote, d.Version,
                    d.OrderLine!.OrderId, d.OrderLine.Order.Status, RouteId = d.OrderLine.Order.Customer.RouteId!.Value,
                })
                .ToListAsync();
            var oneLinePerOrder = lines.GroupBy(l => l.OrderId).Select(g => g.First()).ToList();
            Assert.Equal(
                [OrderStatus.Delivered, OrderStatus.PartiallyDelivered, OrderStatus.NotDelivered],
                oneLinePerOrder.Select(l => l.Status).Distinct().Order());

            await using var scope = own.Services.CreateAsyncScope();
            var deliveries = scope.ServiceProvider.GetRequiredService<DeliveryService>();
            var office = Recorder.Person(Caller.For(staff, Roles.Staff));
            foreach (var line in oneLinePerOrder)
            {
                var result = await deliveries.RecordAsync(office, new RecordInput(
                    line.RouteId, line.DeliveryDate, null, line.OrderLineId, line.Outcome,
                    line.Outcome == DeliveryOutcome.Partial ? line.DeliveredQuantity : null, line.Reason, line.ReasonNote, line.Version));
                Assert.True(result.Succeeded, result.GeneralError);
            }

            var ids = oneLinePerOrder.Select(l => l.OrderId).ToList();
            var after = await db.Orders.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Status);
            Assert.All(oneLinePerOrder, l => Assert.Equal(l.Status, after[l.OrderId]));
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_month_before_last_is_billed_exactly_once_by_a_completed_run_of_the_manager_and_last_month_is_not()
    {
        await SeedAsync();
        await using var db = fixture.CreateContext();

        var run = Assert.Single(await db.BillingRuns.AsNoTracking().Include(r => r.StartedBy).ToListAsync());
        Assert.Equal(September, run.PeriodMonth);
        Assert.False(run.IsSupplementary);
        Assert.Equal("manager@portal.test", run.StartedBy.UserName);
        Assert.Equal(new DateTimeOffset(2026, 10, 1, 11, 0, 0, TimeSpan.FromHours(5.5)), run.CompletedAt);
        Assert.Equal(0, run.MissingDeliveries);

        var records = await db.BillingRecords.AsNoTracking()
            .Select(b => new
            {
                b.Delivery.DeliveryDate, b.Quantity, b.UnitPrice, b.Amount, b.Delivery.DeliveredQuantity, b.Invoice.BillingRunId,
                OrderPrice = b.Delivery.OrderLine != null ? (decimal?)b.Delivery.OrderLine.UnitPrice : null,
                Product = b.Delivery.Subscription != null ? b.Delivery.Subscription.Product.Name : b.Delivery.OrderLine!.Product.Name,
            })
            .ToListAsync();
        Assert.All(records, r =>
        {
            Assert.Equal(run.Id, r.BillingRunId);
            Assert.Equal(September, new DateOnly(r.DeliveryDate.Year, r.DeliveryDate.Month, 1));
            Assert.Equal(r.DeliveredQuantity, r.Quantity);
            Assert.Equal(Math.Round(r.Quantity * r.UnitPrice, 2), r.Amount);
        });
        // September is before the October price rise: milk at ₹54 and ₹66, not ₹56 and ₹68.
        Assert.All(records.Where(r => r.OrderPrice is null && r.Product == "Toned milk"), r => Assert.Equal(54m, r.UnitPrice));
        Assert.All(records.Where(r => r.OrderPrice is null && r.Product == "Full cream milk"), r => Assert.Equal(66m, r.UnitPrice));
        Assert.All(records.Where(r => r.OrderPrice is not null), r => Assert.Equal(r.OrderPrice, r.UnitPrice));
        Assert.Contains(records, r => r.OrderPrice is not null);

        var billable = await db.Deliveries.CountAsync(d => d.DeliveryDate >= September && d.DeliveryDate < October && d.DeliveredQuantity > 0);
        Assert.Equal(billable, records.Count);
        Assert.Equal(billable, run.DeliveriesBilled);

        var invoices = await db.Invoices.AsNoTracking().OrderBy(i => i.Sequence).ToListAsync();
        Assert.Equal(run.CustomersBilled, invoices.Count);
        Assert.Equal(Enumerable.Range(1, invoices.Count).Select(n => $"INV/2026-27/{n:000000}"), invoices.Select(i => i.Number));
        Assert.All(invoices, i => Assert.Equal(September, i.PeriodMonth));
        Assert.Equal(records.Sum(r => r.Amount), invoices.Sum(i => i.TotalAmount));
        Assert.Equal(run.TotalAmount, invoices.Sum(i => i.TotalAmount));
        var runId = run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.BillingRun && a.EntityId == runId && a.ActorName == "Mohan Manager"));
    }

    [Fact]
    public async Task Balances_are_invoices_less_payments_most_paid_in_full_early_last_month_some_in_part_some_not_at_all()
    {
        await SeedAsync();
        await using var db = fixture.CreateContext();

        var invoiced = await db.Invoices.GroupBy(i => i.CustomerId).Select(g => new { g.Key, Total = g.Sum(i => i.TotalAmount) }).ToDictionaryAsync(x => x.Key, x => x.Total);
        var payments = await db.Payments.AsNoTracking().Include(p => p.RecordedBy).ToListAsync();
        var paid = payments.GroupBy(p => p.CustomerId).ToDictionary(g => g.Key, g => g.Sum(p => p.Amount));
        var issuedOn = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(await db.Invoices.MaxAsync(i => i.IssuedAt), fixture.Services.GetRequiredService<PortalClock>().Zone).DateTime);

        Assert.All(paid.Keys, customer => Assert.True(invoiced.ContainsKey(customer), $"Customer {customer} paid without an invoice."));
        var balances = invoiced.ToDictionary(i => i.Key, i => i.Value - paid.GetValueOrDefault(i.Key));
        Assert.All(balances.Values, due => Assert.True(due >= 0m, $"A balance of {due} is credit."));
        var full = balances.Count(b => b.Value == 0m);
        var part = balances.Count(b => b.Value > 0m && paid.ContainsKey(b.Key));
        var none = balances.Count(b => !paid.ContainsKey(b.Key));
        Assert.True(full > invoiced.Count * 0.7, $"{full} of {invoiced.Count} paid in full.");
        Assert.InRange(part, 2, invoiced.Count / 5);
        Assert.InRange(none, 2, invoiced.Count / 5);

        Assert.All(payments, p =>
        {
            Assert.Equal("manager@portal.test", p.RecordedBy.UserName);
            Assert.InRange(p.ReceivedOn, issuedOn.AddDays(1), October.AddDays(9));
            Assert.True(p.Amount > 0m);
            Assert.False(string.IsNullOrWhiteSpace(p.Reference));
        });
        Assert.Equal([PaymentMethod.Cash, PaymentMethod.Upi, PaymentMethod.Bank], payments.Select(p => p.Method).Distinct().Order());
    }

    [Fact]
    public async Task The_demo_customer_has_a_subscription_a_partly_paid_invoice_an_order_coming_up_and_a_day_off()
    {
        await SeedAsync();
        await using var db = fixture.CreateContext();
        var customer = await db.Customers.AsNoTracking().SingleAsync(c => c.Mobile == DemoCustomer);

        Assert.True(await db.Subscriptions.AnyAsync(s => s.CustomerId == customer.Id && s.Status == SubscriptionStatus.Active && s.StartDate <= September));
        var invoice = await db.Invoices.AsNoTracking().SingleAsync(i => i.CustomerId == customer.Id);
        var paid = await db.Payments.Where(p => p.CustomerId == customer.Id).SumAsync(p => p.Amount);
        Assert.InRange(paid, 1m, invoice.TotalAmount - 1m);
        Assert.True(await db.BillingRecords.AnyAsync(b => b.InvoiceId == invoice.Id && b.Delivery.OrderLineId != null), "Her invoice bills no one-time order.");

        var upcoming = await db.Orders.AsNoTracking().Where(o => o.CustomerId == customer.Id && o.DeliveryDate > Today).ToListAsync();
        Assert.Equal(OrderStatus.Pending, Assert.Single(upcoming).Status);
        Assert.True(await db.SubscriptionOverrides.AnyAsync(o => o.Subscription.CustomerId == customer.Id && o.Date > Today && o.Quantity == 0m));
        Assert.True(await db.Deliveries.AnyAsync(d => d.Subscription!.CustomerId == customer.Id && d.DeliveryDate >= new DateOnly(2026, 11, 1)),
            "She has nothing recorded this month.");
    }

    [Fact]
    public async Task Last_months_billing_preview_lists_the_unmarked_stops_for_the_office_to_chase()
    {
        await SeedAsync();
        await using var scope = fixture.Services.CreateAsyncScope();
        var manager = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync("manager@portal.test");
        var billing = scope.ServiceProvider.GetRequiredService<BillingService>();

        var preview = await billing.PreviewAsync(Caller.For(manager!, Roles.Manager), October);

        Assert.False(preview.IsSupplementary);
        Assert.Null(preview.Blocker);
        Assert.InRange(preview.Missing.Count, 3, 8);
        Assert.All(preview.Missing, m =>
        {
            Assert.Equal(UnmarkedDay, m.Date);
            Assert.Equal("HSR Layout Morning", m.RouteName);
        });
        Assert.True(preview.Customers.Count > 40, $"Only {preview.Customers.Count} households to bill for October.");
        Assert.Empty((await billing.PreviewAsync(Caller.For(manager!, Roles.Manager), September)).Missing);
    }

    [Fact]
    public async Task Seeding_a_second_time_adds_nothing()
    {
        await SeedAsync();
        var first = await CountAsync();

        await SeedAsync();

        Assert.Equal(first, await CountAsync());
        Assert.Equal(60, first.Customers);
        Assert.True(first.Deliveries > 3000, $"Only {first.Deliveries} deliveries.");
        Assert.Equal(1, first.BillingRuns);
        Assert.True(first.Payments > 0);
    }

    private sealed record Counts(
        int Users, int UserRoles, int Customers, int Routes, int RouteAgents, int Products, int Prices, int Subscriptions, int Pauses,
        int Overrides, int Orders, int OrderLines, int Deliveries, int BillingRuns, int Invoices, int BillingRecords, int MissingDeliveries,
        int Payments, int AuditEntries);

    private async Task<Counts> CountAsync()
    {
        await using var db = fixture.CreateContext();
        return new Counts(
            await db.Users.CountAsync(),
            await db.UserRoles.CountAsync(),
            await db.Customers.CountAsync(),
            await db.Routes.CountAsync(),
            await db.RouteAgents.CountAsync(),
            await db.Products.CountAsync(),
            await db.ProductPrices.CountAsync(),
            await db.Subscriptions.CountAsync(),
            await db.SubscriptionPauses.CountAsync(),
            await db.SubscriptionOverrides.CountAsync(),
            await db.Orders.CountAsync(),
            await db.OrderLines.CountAsync(),
            await db.Deliveries.CountAsync(),
            await db.BillingRuns.CountAsync(),
            await db.Invoices.CountAsync(),
            await db.BillingRecords.CountAsync(),
            await db.MissingDeliveries.CountAsync(),
            await db.Payments.CountAsync(),
            await db.AuditEntries.CountAsync());
    }
}
