using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Deliveries;
using Portal.Domain.Orders;
using Portal.Domain.Routes;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

/// <summary>The morning round on a phone: the demo agent records every kind of stop, and the office sees the one-time order delivered.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DeliverySheetJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    public const string AgentLogin = "agent@portal.test";
    public const string DemoRoute = "Koramangala Morning";

    private static readonly TimeZoneInfo India = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    /// <summary>Today in India by the real clock, which the portal under test runs on.</summary>
    public static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, India).DateTime);

    public static ILocator Stop(IPage page, string customerName) => page.Locator($"[data-testid=sheet-stop][data-customer='{customerName}']");

    public static ILocator Item(IPage page, string customerName, string product) =>
        Stop(page, customerName).Locator($"[data-testid=sheet-item][data-product='{product}']");

    /// <summary>A household of its own on the demo agent's route, with <paramref name="quantity"/> of a demo product due every day.</summary>
    public static async Task<(Customer Customer, Subscription Subscription)> HouseholdAsync(
        PortalDbContext db, DeliveryRoute route, string name, string product, decimal quantity)
    {
        var customer = await TestData.AddCustomerAsync(db, route, name: $"{name} {TestData.Next()}");
        var productRow = await db.Products.SingleAsync(p => p.Name == product);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, productRow, Today.AddDays(-7), TestData.Daily(quantity));
        return (customer, subscription);
    }

    public static Task<DeliveryRoute> DemoRouteAsync(PortalDbContext db) =>
        db.Routes.SingleAsync(r => r.Name == DemoRoute && r.Agents.Any(a => a.User.UserName == AgentLogin));

    [Fact]
    public async Task An_agent_records_full_part_and_not_delivered_stops_on_a_phone_and_the_office_sees_the_order_delivered()
    {
        Customer full, part, away;
        Order order;
        await using (var db = PortalDatabase())
        {
            var route = await DemoRouteAsync(db);
            (full, _) = await HouseholdAsync(db, route, "Lakshmi Narayan", "Toned milk", 2m);
            (part, _) = await HouseholdAsync(db, route, "Farhan Qureshi", "Toned milk", 2m);
            (away, _) = await HouseholdAsync(db, route, "Gita Menon", "Curd 500 g", 2m);
            var paneer = await db.Products.SingleAsync(p => p.Name == "Paneer 200 g");
            order = await TestData.AddOrderAsync(db, full, Today, (paneer, 2m));
        }

        var phone = await NewPageAsync(BrowserDevice.Phone);
        await BrowserFixture.SignInAsync(phone, AgentLogin, DemoData.Password);
        await phone.Locator($"[data-testid=agent-route][data-route='{DemoRoute}']").ClickAsync();
        await Expect(phone).ToHaveURLAsync(new Regex($"/deliveries/\\d+/{Today:yyyy-MM-dd}$"));
        await phone.WaitForSelectorAsync("[data-interactive=true] [data-testid=sheet-progress]");

        // Full: one tap each for the milk and the one-time order.
        await Item(phone, full.Name, "Toned milk").GetByTestId("item-delivered").ClickAsync();
        await Expect(Item(phone, full.Name, "Toned milk").GetByTestId("item-outcome-text")).ToHaveTextAsync("Delivered 2 L");
        await Expect(Item(phone, full.Name, "Paneer 200 g").GetByTestId("item-order")).ToBeVisibleAsync();
        await Item(phone, full.Name, "Paneer 200 g").GetByTestId("item-delivered").ClickAsync();
        await Expect(Item(phone, full.Name, "Paneer 200 g").GetByTestId("item-outcome-text")).ToHaveTextAsync("Delivered 2 packs");

        // Part: the stepper opens at half of what was planned.
        var partItem = Item(phone, part.Name, "Toned milk");
        await partItem.GetByTestId("item-part").ClickAsync();
        await Expect(partItem.Locator("input[data-testid=part-quantity]")).ToHaveValueAsync("1");
        await partItem.GetByTestId("save-part").ClickAsync();
        await Expect(partItem.GetByTestId("item-outcome-text")).ToHaveTextAsync("Part: 1 of 2 L");

        // Not delivered: a reason, then save.
        var awayItem = Item(phone, away.Name, "Curd 500 g");
        await awayItem.GetByTestId("item-not-delivered").ClickAsync();
        await awayItem.GetByTestId("reason-CustomerAway").ClickAsync();
        await awayItem.GetByTestId("save-not-delivered").ClickAsync();
        await Expect(awayItem.GetByTestId("item-outcome-text")).ToHaveTextAsync("Not delivered: Customer away");
        await Expect(awayItem.GetByTestId("item-recorded-by")).ToContainTextAsync("Ravi Kumar");

        await using (var db = PortalDatabase())
        {
            var recorded = await db.Deliveries.AsNoTracking()
                .Where(d => d.DeliveryDate == Today && d.RecordedBy!.UserName == AgentLogin
                            && new[] { full.Id, part.Id, away.Id }.Contains(d.Subscription != null ? d.Subscription.CustomerId : d.OrderLine!.Order.CustomerId))
                .Select(d => new { Customer = d.Subscription != null ? d.Subscription.CustomerId : d.OrderLine!.Order.CustomerId, d.OrderLineId, d.Outcome, d.DeliveredQuantity, d.Reason })
                .ToListAsync();
            Assert.Equal(4, recorded.Count);
            Assert.Contains(recorded, r => r.Customer == part.Id && r.Outcome == DeliveryOutcome.Partial && r.DeliveredQuantity == 1m);
            Assert.Contains(recorded, r => r.Customer == away.Id && r.Outcome == DeliveryOutcome.NotDelivered && r.Reason == NotDeliveredReason.CustomerAway);
            Assert.Contains(recorded, r => r.OrderLineId != null && r.Outcome == DeliveryOutcome.Delivered && r.DeliveredQuantity == 2m);
            Assert.Equal(OrderStatus.Delivered, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id)).Status);
        }

        var office = await NewPageAsync();
        await BrowserFixture.SignInAsync(office, "staff@portal.test", DemoData.Password);
        await office.GotoAsync($"/customers/{full.Id}");
        await office.WaitForSelectorAsync("[data-interactive=true] [data-testid=customer-name]");
        await office.GetByRole(AriaRole.Tab, new() { Name = "Orders" }).ClickAsync();
        await Expect(office.GetByTestId("customer-orders").GetByTestId("order-status")).ToHaveTextAsync("Delivered");
        await office.GotoAsync("/orders");
        await office.WaitForSelectorAsync("[data-interactive=true] [data-testid=orders-grid]");
        await office.Locator("input[data-testid=order-search], [data-testid=order-search] input").First.FillAsync(full.Name);
        var row = office.Locator("tr", new() { Has = office.GetByTestId("order-customer").GetByText(full.Name, new() { Exact = true }) });
        await Expect(row.GetByTestId("order-status")).ToHaveTextAsync("Delivered");
    }

    [Fact]
    public async Task The_office_day_view_lists_a_part_delivery_under_problems_only()
    {
        Customer short1;
        int routeId;
        await using (var db = PortalDatabase())
        {
            var route = await DemoRouteAsync(db);
            routeId = route.Id;
            (short1, var subscription) = await HouseholdAsync(db, route, "Harish Shenoy", "Toned milk", 2m);
            var agent = await db.Users.SingleAsync(u => u.UserName == AgentLogin);
            var delivery = await TestData.AddDeliveryAsync(db, subscription, Today, agent, planned: 2m, delivered: 1.5m);
            Assert.Equal(DeliveryOutcome.Partial, delivery.Outcome);
        }
        var office = await NewPageAsync();
        await BrowserFixture.SignInAsync(office, "staff@portal.test", DemoData.Password);

        await NavLink(office, "Deliveries").ClickAsync();
        await office.WaitForSelectorAsync("[data-interactive=true] [data-testid=route-rows]");
        await Expect(office.Locator($"[data-testid=route-row][data-route='{DemoRoute}']")).ToBeVisibleAsync();
        await office.GetByTestId("view-problems").ClickAsync();

        var problem = office.Locator($"[data-testid=day-item][data-customer='{short1.Name}']");
        await Expect(problem.GetByTestId("item-what")).ToContainTextAsync("Part: 1.5 of 2 L");
        await problem.GetByRole(AriaRole.Link, new() { Name = DemoRoute }).ClickAsync();
        await Expect(office).ToHaveURLAsync(new Regex($"/deliveries/{routeId}/{Today:yyyy-MM-dd}$"));
        await Expect(Item(office, short1.Name, "Toned milk").GetByTestId("item-outcome-text")).ToHaveTextAsync("Part: 1.5 of 2 L");
    }

    [Fact]
    public async Task The_office_downloads_the_sheet_as_csv_and_an_agent_cannot()
    {
        Customer household;
        int routeId;
        await using (var db = PortalDatabase())
        {
            var route = await DemoRouteAsync(db);
            routeId = route.Id;
            (household, _) = await HouseholdAsync(db, route, "Ishita Bose", "Toned milk", 1m);
        }
        var office = await NewPageAsync();
        await BrowserFixture.SignInAsync(office, "staff@portal.test", DemoData.Password);
        await office.GotoAsync($"/deliveries/{routeId}/{Today:yyyy-MM-dd}");
        await office.WaitForSelectorAsync("[data-interactive=true] [data-testid=sheet-progress]");

        var download = await office.RunAndWaitForDownloadAsync(() => office.GetByTestId("download-csv").ClickAsync());

        Assert.Equal($"Koramangala-Morning-{Today:yyyy-MM-dd}.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("Stop,Customer,Address,Area,Product,Planned,Unit,Delivered,Outcome,Reason,Recorded by,Recorded at (IST)", csv.TrimStart('\uFEFF'));
        Assert.Contains($",{household.Name},", csv);

        var phone = await NewPageAsync(BrowserDevice.Phone);
        await BrowserFixture.SignInAsync(phone, AgentLogin, DemoData.Password);
        var response = await phone.APIRequest.GetAsync($"/deliveries/{routeId}/{Today:yyyy-MM-dd}/sheet.csv", new() { MaxRedirects = 0 });
        Assert.NotEqual(200, response.Status);
    }
}
