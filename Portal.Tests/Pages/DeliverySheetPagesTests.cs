using System.Text;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Pages.Deliveries;
using Portal.Components.Pages.SharedSheet;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Domain.SharedLinks;
using Portal.Infrastructure;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

/// <summary>The sheet as a whole: who may open it, its progress, the office's tools, the CSV and the substitute's link page.</summary>
public sealed class DeliverySheetPagesTests : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly DatabaseFixture database;
    private PortalUser agent = null!;
    private PortalUser staff = null!;
    private DeliveryRoute route = null!;
    private Product milk = null!;
    private List<Customer> customers = [];

    public DeliverySheetPagesTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
    }

    private DateOnly Today => Services.GetRequiredService<PortalClock>().Today;

    private string TodayText => Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        await using var db = database.CreateContext();
        agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        staff = await TestData.AddUserAsync(db, Roles.Staff);
        route = await TestData.AddRouteAsync(db, agent);
        milk = await TestData.AddProductAsync(db, unit: ProductUnit.Litre);
        customers = [];
        foreach (var name in new[] { "Aarav Sharma", "Diya Iyer", "Kavya Reddy" })
        {
            var customer = await TestData.AddCustomerAsync(db, route, name: $"{name} {TestData.Next()}");
            await TestData.AddSubscriptionAsync(db, customer, milk, Today.AddDays(-3), TestData.Daily(1m));
            customers.Add(customer);
        }
    }

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    private IRenderedComponent<DeliverySheetPage> RenderSheetPage(int routeId, string? date = null)
    {
        RenderPopoverProvider();
        var page = Render<DeliverySheetPage>(parameters => parameters.Add(p => p.RouteId, routeId).Add(p => p.Date, date ?? TodayText));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-progress-linear")));
        return page;
    }

    private static string Count(IRenderedComponent<DeliverySheetPage> page, string testId) =>
        page.Find($"[data-testid={testId}] b").TextContent.Trim();

    [Fact]
    public void An_agent_sees_their_route_stops_in_stop_order_with_nothing_recorded_yet()
    {
        SignInAs(Roles.DeliveryAgent, agent.Id, agent.DisplayName);

        var page = RenderSheetPage(route.Id);

        Assert.Equal(route.Name, page.Find("[data-testid=sheet-route]").TextContent.Trim());
        Assert.Equal(customers.Select(c => c.Name), page.FindAll("[data-testid=stop-name]").Select(e => e.TextContent.Trim()));
        Assert.Equal("3", Count(page, "count-pending"));
        Assert.Equal("0", Count(page, "count-delivered"));
        Assert.Empty(page.FindAll("[data-testid=share-toggle]"));
        Assert.Empty(page.FindAll("[data-testid=download-csv]"));
    }

    [Fact]
    public void Recording_a_stop_moves_it_from_to_do_to_done_in_the_progress_and_to_do_only_hides_it()
    {
        SignInAs(Roles.DeliveryAgent, agent.Id, agent.DisplayName);
        var page = RenderSheetPage(route.Id);

        page.FindAll("[data-testid=sheet-stop]")[0].QuerySelector("[data-testid=item-delivered]")!.Click();

        page.WaitForAssertion(() => Assert.Equal("1", Count(page, "count-delivered")));
        Assert.Equal("2", Count(page, "count-pending"));
        page.Find("input[data-testid=to-do-only]").Change(true);
        page.WaitForAssertion(() =>
            Assert.Equal(customers.Skip(1).Select(c => c.Name), page.FindAll("[data-testid=stop-name]").Select(e => e.TextContent.Trim())));
    }

    [Fact]
    public async Task An_agent_opening_a_route_that_is_not_theirs_is_told_so_and_sees_no_stop()
    {
        await using var db = database.CreateContext();
        var otherRoute = await TestData.AddRouteAsync(db);
        var stranger = await TestData.AddCustomerAsync(db, otherRoute, name: $"Someone Else {TestData.Next()}");
        await TestData.AddSubscriptionAsync(db, stranger, milk, Today.AddDays(-3));
        SignInAs(Roles.DeliveryAgent, agent.Id, agent.DisplayName);

        var page = RenderSheetPage(otherRoute.Id);

        Assert.Equal("This sheet is not open to you", page.Find("[data-testid=access-denied]").TextContent.Trim());
        Assert.DoesNotContain(stranger.Name, page.Markup);
    }

    [Fact]
    public void An_agent_cannot_open_a_sheet_two_days_back()
    {
        SignInAs(Roles.DeliveryAgent, agent.Id, agent.DisplayName);

        var page = RenderSheetPage(route.Id, Today.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        Assert.NotEmpty(page.FindAll("[data-testid=access-denied]"));
        Assert.Empty(page.FindAll("[data-testid=sheet-stop]"));
    }

    [Fact]
    public void The_office_sees_print_csv_and_share_and_a_future_sheet_offers_no_recording()
    {
        SignInAs(Roles.Staff, staff.Id, staff.DisplayName);

        var page = RenderSheetPage(route.Id, Today.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        Assert.EndsWith("?view=print", page.Find("[data-testid=print-view]").GetAttribute("href"));
        Assert.EndsWith($"/deliveries/{route.Id}/{Today.AddDays(1):yyyy-MM-dd}/sheet.csv", page.Find("[data-testid=download-csv]").GetAttribute("href"));
        Assert.NotEmpty(page.FindAll("[data-testid=sheet-future]"));
        Assert.Equal(3, page.FindAll("[data-testid=sheet-stop]").Count);
        Assert.Empty(page.FindAll("[data-testid=item-delivered]"));
    }

    [Fact]
    public void The_print_view_lists_every_item_with_a_print_button()
    {
        SignInAs(Roles.Staff, staff.Id, staff.DisplayName);
        RenderPopoverProvider();

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo($"/deliveries/{route.Id}/{TodayText}?view=print");

        var page = Render<DeliverySheetPage>(parameters => parameters.Add(p => p.RouteId, route.Id).Add(p => p.Date, TodayText));
        page.WaitForElement("[data-testid=print-sheet]");

        Assert.Equal(3, page.FindAll("[data-testid=print-stop]").Count);
        page.Find("[data-testid=print-now]").Click();
        Assert.Single(JSInterop.Invocations, i => i.Identifier == "print");
    }

    [Fact]
    public async Task The_day_view_counts_each_route_and_lists_only_part_and_not_delivered_items_under_problems()
    {
        var deliveries = Services.GetRequiredService<DeliveryService>();
        var office = Recorder.Person(Caller.For(staff, Roles.Staff));
        var sheet = await deliveries.GetSheetAsync(office, route.Id, Today);
        await deliveries.RecordAsync(office, new RecordInput(route.Id, Today, SubscriptionOf(0), null, DeliveryOutcome.Delivered));
        await deliveries.RecordAsync(office, new RecordInput(route.Id, Today, SubscriptionOf(1), null, DeliveryOutcome.NotDelivered, Reason: NotDeliveredReason.Refused));
        SignInAs(Roles.Staff, staff.Id, staff.DisplayName);
        RenderPopoverProvider();

        var page = Render<DeliveriesDay>();
        page.WaitForElement($"[data-testid=route-row][data-route='{route.Name}']");

        var row = page.Find($"[data-testid=route-row][data-route='{route.Name}']");
        Assert.Equal(("1", "0", "1", "1"), (
            row.QuerySelector("[data-testid=route-delivered]")!.TextContent, row.QuerySelector("[data-testid=route-partial]")!.TextContent,
            row.QuerySelector("[data-testid=route-not-delivered]")!.TextContent, row.QuerySelector("[data-testid=route-pending]")!.TextContent));

        page.Find("[data-testid=view-problems]").Click();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=day-item]")));
        var mine = page.FindAll("[data-testid=day-item]").Where(e => customers.Any(c => c.Name == e.GetAttribute("data-customer"))).ToList();
        var problem = Assert.Single(mine);
        Assert.Equal(customers[1].Name, problem.GetAttribute("data-customer"));
        Assert.Contains("Not delivered: Refused", problem.TextContent);

        int? SubscriptionOf(int stop) => sheet.Stops.Single(s => s.CustomerId == customers[stop].Id).Items[0].Due.SubscriptionId;
    }

    [Fact]
    public async Task Creating_a_shared_link_shows_the_whole_link_once_and_lists_it_as_active()
    {
        SignInAs(Roles.Staff, staff.Id, staff.DisplayName);
        RenderPopoverProvider();
        var panel = Render<ShareLinksPanel>(parameters => parameters
            .Add(p => p.RouteId, route.Id).Add(p => p.SheetDate, Today).Add(p => p.RouteName, route.Name));
        panel.WaitForElement("[data-testid=create-link]");

        panel.Find("[data-testid=create-link]").Click();

        panel.WaitForElement("[data-testid=link-created]");
        var url = panel.Find("textarea[data-testid=shared-url], [data-testid=shared-url] textarea").GetAttribute("value") ?? panel.Find("textarea").TextContent;
        Assert.Matches("^http://localhost/s/[A-Za-z0-9_-]{22}$", url);
        var opened = await Services.GetRequiredService<SharedLinkService>().OpenAsync(url[(url.LastIndexOf('/') + 1)..]);
        Assert.Equal((route.Id, Today), (opened.Link!.RouteId, opened.Link.SheetDate));
        Assert.Equal("Active", panel.Find("[data-testid=link-state]").TextContent.Trim());

        panel.Find("[data-testid=link-done]").Click();
        Assert.DoesNotContain(url, panel.Markup);
    }

    [Fact]
    public async Task A_shared_link_opens_its_sheet_without_phone_numbers_and_records_as_the_link()
    {
        var links = Services.GetRequiredService<SharedLinkService>();
        var created = (await links.CreateAsync(Caller.For(staff, Roles.Staff), route.Id, Today)).Value!;

        var page = Render<SharedSheetPage>(parameters => parameters.Add(p => p.Token, created.Token));
        page.WaitForElement("[data-testid=sheet-stop]");

        Assert.Equal(customers.Select(c => c.Name), page.FindAll("[data-testid=stop-name]").Select(e => e.TextContent.Trim()));
        Assert.All(customers, c => Assert.DoesNotContain(c.Mobile, page.Markup));
        page.FindAll("[data-testid=sheet-stop]")[1].QuerySelector("[data-testid=item-delivered]")!.Click();
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid=count-delivered] b").TextContent.Trim()));

        await using var db = database.CreateContext();
        var stored = await db.Deliveries.SingleAsync(d => d.Subscription!.CustomerId == customers[1].Id);
        Assert.Equal((created.Id, (string?)null), (stored.RecordedViaSharedLinkId, stored.RecordedByUserId));
    }

    [Fact]
    public async Task A_link_revoked_while_the_substitute_has_it_open_shows_the_withdrawn_page_and_records_nothing()
    {
        var links = Services.GetRequiredService<SharedLinkService>();
        var created = (await links.CreateAsync(Caller.For(staff, Roles.Staff), route.Id, Today)).Value!;
        var page = Render<SharedSheetPage>(parameters => parameters.Add(p => p.Token, created.Token));
        page.WaitForElement("[data-testid=sheet-stop]");

        await links.RevokeAsync(Caller.For(staff, Roles.Staff), created.Id);
        page.FindAll("[data-testid=sheet-stop]")[2].QuerySelector("[data-testid=item-delivered]")!.Click();

        page.WaitForAssertion(() => Assert.Equal("This link was withdrawn by the office", page.Find("[data-testid=link-refused-title]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=sheet-stop]"));
        await using var db = database.CreateContext();
        Assert.False(await db.Deliveries.AnyAsync(d => d.Subscription!.CustomerId == customers[2].Id));
    }

    [Theory]
    [InlineData("not-a-token", "This link is not valid")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA", "This link is not valid")]
    public void A_tampered_or_unknown_token_gets_the_not_valid_page(string token, string title)
    {
        var page = Render<SharedSheetPage>(parameters => parameters.Add(p => p.Token, token));

        page.WaitForAssertion(() => Assert.Equal(title, page.Find("[data-testid=link-refused-title]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=sheet-stop]"));
    }

    [Fact]
    public async Task An_expired_link_gets_the_expired_page()
    {
        var links = Services.GetRequiredService<SharedLinkService>();
        var created = (await links.CreateAsync(Caller.For(staff, Roles.Staff), route.Id, Today)).Value!;
        await using (var db = database.CreateContext())
        {
            await db.SharedLinks.Where(l => l.Id == created.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, TestData.Now.AddMinutes(-1)));
        }

        var page = Render<SharedSheetPage>(parameters => parameters.Add(p => p.Token, created.Token));

        page.WaitForAssertion(() => Assert.Equal("This link has expired", page.Find("[data-testid=link-refused-title]").TextContent.Trim()));
    }

    [Fact]
    public async Task The_csv_has_a_line_per_item_with_what_was_recorded_and_keeps_formulas_as_text()
    {
        var deliveries = Services.GetRequiredService<DeliveryService>();
        var office = Recorder.Person(Caller.For(staff, Roles.Staff));
        await using (var db = database.CreateContext())
        {
            var tricky = await TestData.AddCustomerAsync(db, route, name: "=HYPERLINK(\"http://x\")");
            await TestData.AddSubscriptionAsync(db, tricky, milk, Today.AddDays(-3), TestData.Daily(2m));
        }
        var sheet = await deliveries.GetSheetAsync(office, route.Id, Today);
        var first = sheet.Stops[0].Items[0];
        Assert.True((await deliveries.RecordAsync(office, new RecordInput(route.Id, Today, first.Due.SubscriptionId, null,
            DeliveryOutcome.NotDelivered, Reason: NotDeliveredReason.Other, ReasonNote: "Gate locked, dog"))).Succeeded);
        sheet = await deliveries.GetSheetAsync(office, route.Id, Today);

        var text = Encoding.UTF8.GetString(DeliveryExports.Write(sheet, Services.GetRequiredService<PortalClock>().Zone));
        var lines = text.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("Stop,Customer,Address,Area,Product,Planned,Unit,Delivered,Outcome,Reason,Recorded by,Recorded at (IST)", lines[0]);
        Assert.Equal(sheet.Progress.Total + 1, lines.Length);
        Assert.Equal(
            $"{customers[0].StopOrder},{customers[0].Name},\"{customers[0].Address.Line}\",Koramangala,{milk.Name},1,L,0,Not delivered,\"Gate locked, dog\",{staff.DisplayName},{Today:yyyy-MM-dd} 19:00",
            lines[1]);
        Assert.Contains(lines, l => l.Contains(",Pending,,,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",'=HYPERLINK(", StringComparison.Ordinal) || l.Contains(",\"'=HYPERLINK(", StringComparison.Ordinal));
    }
}
