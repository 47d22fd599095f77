using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SubscriptionJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const string Product = "Toned milk";

    private static ILocator Input(IPage page, string testId) => page.Locator($"input[data-testid={testId}]");

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Staff_add_an_alternate_day_subscription_and_a_pause_and_the_preview_shows_exactly_the_days_due()
    {
        // The portal runs on the real clock: expected days come from today in India and the real cut-off.
        var clock = new PortalClock(TimeProvider.System, Options.Create(new PortalOptions()));
        int customerId;
        await using (var db = PortalDatabase())
        {
            // A demo household no other browser test signs in as, with no subscriptions yet.
            customerId = await db.Customers
                .Where(c => c.Status == CustomerStatus.Active && c.Mobile.StartsWith("98765") && !db.Subscriptions.Any(s => s.CustomerId == c.Id))
                .OrderByDescending(c => c.Mobile).Select(c => c.Id).FirstAsync();
        }
        var page = await NewPageAsync();
        await BrowserFixture.SignInAsync(page, "staff@portal.test", DemoData.Password);

        await page.GotoAsync($"/customers/{customerId}");
        await page.WaitForSelectorAsync("[data-interactive=true] [data-testid=customer-name]");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Subscriptions" }).ClickAsync();
        await Expect(page.GetByTestId("no-subscriptions")).ToBeVisibleAsync();

        // Add: 1 L of toned milk on alternate days from the first day still open.
        await page.GetByTestId("add-subscription").ClickAsync();
        await Expect(page.GetByTestId("subscription-form")).ToBeVisibleAsync();
        var start = clock.FirstOpenDate;
        await Expect(Input(page, "field-start")).ToHaveValueAsync(IndianFormats.Date(start));
        await Input(page, "field-product").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextString = Product }).ClickAsync();
        await page.GetByLabel("Alternate days").CheckAsync();
        await Input(page, "field-quantity").FillAsync("1");
        await Expect(page.GetByTestId("schedule-summary")).ToHaveTextAsync($"{Product}: 1 L on alternate days, from {IndianFormats.Date(start)} until cancelled.");
        await page.GetByTestId("save-subscription").ClickAsync();

        var card = page.GetByTestId("subscription-card");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(card.GetByTestId("schedule-text")).ToHaveTextAsync("1 L on alternate days");

        // Pause two days inside the next fortnight: one delivery day and the day after it.
        var pauseFrom = start.AddDays(4);
        var pauseTo = start.AddDays(5);
        await card.GetByTestId("pause").ClickAsync();
        await Expect(page.GetByTestId("pause-form")).ToBeVisibleAsync();
        await Input(page, "field-pause-from").FillAsync(IndianFormats.Date(pauseFrom));
        await Input(page, "field-pause-to").FillAsync(IndianFormats.Date(pauseTo));
        await Input(page, "field-pause-to").PressAsync("Tab");
        await Expect(page.GetByTestId("pause-summary")).ToContainTextAsync($"Deliveries resume on {IndianFormats.Date(pauseTo.AddDays(1))}.");
        await page.GetByTestId("save-pause").ClickAsync();
        await Expect(card.GetByTestId("pause-row")).ToHaveCountAsync(1);
        await Expect(page.Locator($"[data-testid=preview-day][data-date='{Iso(pauseFrom)}'] [data-testid=preview-chip]")).ToHaveTextAsync("Paused");

        // What the preview says, day by day: (date, quantity) of each line, 0 for a paused one.
        var dates = new List<DateOnly>();
        var shown = new List<(DateOnly Date, decimal Quantity, string Note)>();
        foreach (var day in await page.GetByTestId("preview-day").AllAsync())
        {
            var date = DateOnly.ParseExact((await day.GetAttributeAsync("data-date"))!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            dates.Add(date);
            Assert.Equal(date.ToString("d MMM", IndianFormats.Culture), (await day.GetByTestId("preview-date").TextContentAsync())!.Trim());
            foreach (var line in await day.GetByTestId("preview-line").AllAsync())
            {
                Assert.Equal(Product, (await line.GetByTestId("preview-product").TextContentAsync())!.Trim());
                var quantity = await line.GetByTestId("preview-quantity").CountAsync() == 0
                    ? 0m
                    : decimal.Parse((await line.GetByTestId("preview-quantity").TextContentAsync())!.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                var note = await line.GetByTestId("preview-chip").CountAsync() == 0 ? "" : (await line.GetByTestId("preview-chip").TextContentAsync())!.Trim();
                shown.Add((date, quantity, note));
            }
        }

        var window = Enumerable.Range(0, 14).Select(i => clock.Tomorrow.AddDays(i)).ToList();
        Assert.Equal(window, dates);
        var expected = window
            .Where(d => d >= start && ((d.DayNumber - start.DayNumber) % 2 == 0 || (pauseFrom <= d && d <= pauseTo)))
            .Select(d => pauseFrom <= d && d <= pauseTo ? (d, 0m, "Paused") : (d, 1m, ""))
            .ToList();
        Assert.Equal(expected, shown);

        await using (var db = PortalDatabase())
        {
            var saved = await db.Subscriptions.AsNoTracking().Include(s => s.Schedules).Include(s => s.Pauses).Include(s => s.Product)
                .SingleAsync(s => s.CustomerId == customerId);
            Assert.Equal((Product, start, ScheduleKind.EveryNDays, 2, 1m),
                (saved.Product.Name, saved.StartDate, saved.Schedules.Single().Kind, saved.Schedules.Single().IntervalDays!.Value, saved.Schedules.Single().Quantity!.Value));
            Assert.Equal([(pauseFrom, pauseTo)], saved.Pauses.Select(p => (p.FromDate, p.ToDate)));
        }
    }
}
