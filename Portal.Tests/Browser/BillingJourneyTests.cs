using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

/// <summary>
/// Closing last month: the manager previews it, sees a delivery that was never recorded, runs billing, opens a household's invoice
/// and follows a line back to the delivery sheet it bills. The portal's database is shared with other browser tests and a run bills
/// everyone's deliveries of the month, so every assertion is about this test's own household.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BillingJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const string ManagerLogin = "manager@portal.test";

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_manager_previews_last_month_sees_a_missing_delivery_runs_billing_and_traces_an_invoice_line_to_its_delivery()
    {
        var today = DeliverySheetJourneyTests.Today;
        var lastMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var (first, skipped, third) = (lastMonth.AddDays(19), lastMonth.AddDays(20), lastMonth.AddDays(21));
        string name;
        int routeId;
        await using (var db = PortalDatabase())
        {
            var route = await DeliverySheetJourneyTests.DemoRouteAsync(db);
            routeId = route.Id;
            var customer = await TestData.AddCustomerAsync(db, route, name: $"Sunita Billing {TestData.Next()}");
            name = customer.Name;
            var milk = await db.Products.SingleAsync(p => p.Name == "Toned milk");
            var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, first, TestData.Daily(2m));
            subscription.EndDate = third;
            await db.SaveChangesAsync();
            var agent = await db.Users.SingleAsync(u => u.UserName == DeliverySheetJourneyTests.AgentLogin);
            await TestData.AddDeliveryAsync(db, subscription, first, agent, planned: 2m);
            await TestData.AddDeliveryAsync(db, subscription, third, agent, planned: 2m, delivered: 1m);
        }

        var page = await NewPageAsync();
        await BrowserFixture.SignInAsync(page, ManagerLogin, DemoData.Password);
        await NavLink(page, "Billing").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/billing$"));
        await page.Locator("[data-interactive=true] button[data-testid=preview]").ClickAsync();

        // The day nobody recorded is listed under its date, with this household on it; nothing was written yet.
        var day = page.Locator($"[data-testid=missing-day][data-date='{Iso(skipped)}']");
        await day.Locator(".mud-expand-panel-header").ClickAsync();
        await Expect(day.GetByTestId("missing-item").Filter(new() { HasText = name })).ToBeVisibleAsync();
        // With the demo's history a month bills more than fifty households, and a list that long starts folded.
        var bills = page.GetByTestId("preview-bills");
        if (!(await bills.GetAttributeAsync("class") ?? "").Contains("mud-panel-expanded", StringComparison.Ordinal))
        {
            await bills.Locator(".mud-expand-panel-header").First.ClickAsync();
        }
        await Expect(page.GetByTestId("bill-customer").Filter(new() { HasText = name })).ToBeVisibleAsync();

        await page.GetByTestId("run-billing").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Run billing" }).ClickAsync();
        await Expect(page.GetByTestId("run-summary")).ToBeVisibleAsync(new() { Timeout = 60_000 });

        await page.GetByTestId("run-invoices").ClickAsync();
        await page.Locator("[data-interactive=true] [data-testid=invoice-grid]").WaitForAsync();
        await page.Locator("input[data-testid=invoice-search], [data-testid=invoice-search] input").First.FillAsync(name);
        var row = page.Locator("tr", new() { Has = page.GetByTestId("invoice-customer").GetByText(name, new() { Exact = true }) });
        await row.GetByTestId("invoice-number").ClickAsync();
        // The run holds every demo household's invoice too: wait for the invoice itself before reading its customer.
        await page.GetByTestId("invoice").WaitForAsync();

        // Two deliveries billed: 2 L in full and 1 L of a 2 L part delivery; the unrecorded day bills nothing.
        await Expect(page.GetByTestId("invoice-customer")).ToHaveTextAsync(name);
        await Expect(page.GetByTestId("invoice-line")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("line-delivered").Nth(1)).ToContainTextAsync("1 L");
        await using (var db = PortalDatabase())
        {
            var billed = await db.BillingRecords.AsNoTracking()
                .Where(b => b.Invoice.Customer.Name == name)
                .Select(b => new { b.Delivery.DeliveryDate, b.Quantity, b.Invoice.TotalAmount })
                .ToListAsync();
            Assert.Equal([(first, 2m), (third, 1m)], billed.OrderBy(b => b.DeliveryDate).Select(b => (b.DeliveryDate, b.Quantity)));
            Assert.DoesNotContain(billed, b => b.DeliveryDate == skipped);
        }

        await page.GetByTestId("line-delivery").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/deliveries/{routeId}/{Iso(first)}$"));
    }
}
