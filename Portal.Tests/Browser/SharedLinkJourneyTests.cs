using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static Portal.Tests.Browser.DeliverySheetJourneyTests;

namespace Portal.Tests.Browser;

/// <summary>A substitute without an account works the demo route from a link the office shares, until the office revokes it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SharedLinkJourneyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task A_shared_link_records_a_stop_on_a_phone_and_once_revoked_shows_the_withdrawn_page_and_records_nothing()
    {
        Customer first, second;
        int routeId;
        await using (var db = PortalDatabase())
        {
            var route = await DemoRouteAsync(db);
            routeId = route.Id;
            (first, _) = await HouseholdAsync(db, route, "Suma Hegde", "Toned milk", 1m);
            (second, _) = await HouseholdAsync(db, route, "Tarun Kapoor", "Toned milk", 1m);
        }

        var office = await NewPageAsync();
        await BrowserFixture.SignInAsync(office, "staff@portal.test", DemoData.Password);
        await office.GotoAsync($"/deliveries/{routeId}/{Today:yyyy-MM-dd}");
        await office.WaitForSelectorAsync("[data-interactive=true] [data-testid=sheet-progress]");
        await office.GetByTestId("share-toggle").ClickAsync();
        await office.GetByTestId("create-link").ClickAsync();
        var linkField = office.Locator("textarea[data-testid=shared-url], [data-testid=shared-url] textarea").First;
        await Expect(linkField).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/s/[A-Za-z0-9_-]{22}$"));
        var link = await linkField.InputValueAsync();

        var substitute = await NewPageAsync(BrowserDevice.Phone);
        await substitute.GotoAsync(link);
        await substitute.WaitForSelectorAsync("[data-interactive=true] [data-testid=sheet-progress]");
        await Expect(substitute.GetByTestId("sheet-route")).ToHaveTextAsync(DemoRoute);
        await Expect(substitute.GetByTestId("nav-menu")).ToHaveCountAsync(0);
        await Expect(substitute.GetByText(first.Mobile)).ToHaveCountAsync(0);
        await Item(substitute, first.Name, "Toned milk").GetByTestId("item-delivered").ClickAsync();
        await Expect(Item(substitute, first.Name, "Toned milk").GetByTestId("item-recorded-by")).ToContainTextAsync("Shared link");

        await using (var db = PortalDatabase())
        {
            var recorded = await db.Deliveries.AsNoTracking().SingleAsync(d => d.Subscription!.CustomerId == first.Id && d.DeliveryDate == Today);
            Assert.NotNull(recorded.RecordedViaSharedLinkId);
            Assert.Null(recorded.RecordedByUserId);
            Assert.True(await db.AuditEntries.AnyAsync(a => a.ActorSharedLinkId == recorded.RecordedViaSharedLinkId));
        }

        var row = office.GetByTestId("link-row").Filter(new() { Has = office.GetByTestId("revoke-link") }).First;
        await row.GetByTestId("revoke-link").ClickAsync();
        await office.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(office.GetByTestId("link-state").First).ToHaveTextAsync("Revoked");

        // The page still open on the phone: the next tap finds the link withdrawn and stores nothing.
        await Item(substitute, second.Name, "Toned milk").GetByTestId("item-delivered").ClickAsync();
        await Expect(substitute.GetByTestId("link-refused-title")).ToHaveTextAsync("This link was withdrawn by the office");
        await substitute.GotoAsync(link);
        await Expect(substitute.GetByTestId("link-refused-title")).ToHaveTextAsync("This link was withdrawn by the office");
        await Expect(substitute.GetByTestId("sheet-stop")).ToHaveCountAsync(0);
        await using (var db = PortalDatabase())
        {
            Assert.False(await db.Deliveries.AnyAsync(d => d.Subscription!.CustomerId == second.Id));
        }

        await substitute.GotoAsync(link[..^2] + (link.EndsWith("AA", StringComparison.Ordinal) ? "BB" : "AA"));
        await Expect(substitute.GetByTestId("link-refused-title")).ToHaveTextAsync("This link is not valid");
    }
}
