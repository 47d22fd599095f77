using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Routes;
using Portal.Domain.Auditing;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Routes;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

public sealed class RoutesPagesTests : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly DatabaseFixture database;
    private DeliveryRoute route = null!;
    private PortalUser agent = null!;
    private List<Customer> customers = [];

    public RoutesPagesTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
        Services.AddScoped<AuditLog>();
        Services.AddScoped<RoutePlanner>();
    }

    public async Task InitializeAsync()
    {
        await using var db = database.CreateContext();
        var staff = await TestData.AddUserAsync(db, Roles.Staff);
        SignInAs(Roles.Staff, staff.Id, staff.DisplayName);
        agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        route = await TestData.AddRouteAsync(db, agent);
        customers = [];
        foreach (var name in new[] { "Aarav Sharma", "Diya Iyer", "Kavya Reddy" })
        {
            customers.Add(await TestData.AddCustomerAsync(db, route, name: $"{name} {TestData.Next()}"));
        }
    }

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    private IRenderedComponent<RouteDetail> RenderDetail()
    {
        RenderPopoverProvider();
        var page = Render<RouteDetail>(parameters => parameters.Add(p => p.Id, route.Id));
        page.WaitForElements("[data-testid=stop]");
        return page;
    }

    private static List<string> NamesShown(IRenderedComponent<RouteDetail> page) =>
        page.FindAll("[data-testid=stop-name]").Select(e => e.TextContent.Trim()).ToList();

    private static List<string> NumbersShown(IRenderedComponent<RouteDetail> page) =>
        page.FindAll("[data-testid=stop-number]").Select(e => e.TextContent.Trim()).ToList();

    private static IElement SaveButton(IRenderedComponent<RouteDetail> page) => page.Find("button[data-testid=save-order]");

    // Find and click in one dispatcher turn: the drop zone re-renders on its own after each move.
    private static void ClickMove(IRenderedComponent<RouteDetail> page, int position, string direction) =>
        page.InvokeAsync(() => page.FindAll("[data-testid=stop]")[position].QuerySelector($"button[data-testid=move-{direction}]")!.Click()).GetAwaiter().GetResult();

    private List<string> Names(params int[] order) => order.Select(i => customers[i].Name).ToList();

    [Fact]
    public void The_stop_list_shows_the_customers_in_stop_order_with_save_disabled()
    {
        var page = RenderDetail();

        Assert.Equal(Names(0, 1, 2), NamesShown(page));
        Assert.Equal(["1", "2", "3"], NumbersShown(page));
        Assert.True(SaveButton(page).HasAttribute("disabled"));
        Assert.True(page.FindAll("[data-testid=stop]")[0].QuerySelector("button[data-testid=move-up]")!.HasAttribute("disabled"));
        Assert.True(page.FindAll("[data-testid=stop]")[2].QuerySelector("button[data-testid=move-down]")!.HasAttribute("disabled"));
    }

    [Fact]
    public void Up_and_down_change_the_order_shown_and_enable_save_order()
    {
        var page = RenderDetail();

        ClickMove(page, 0, "down");
        page.WaitForAssertion(() => Assert.Equal(Names(1, 0, 2), NamesShown(page)));
        Assert.Equal(["1", "2", "3"], NumbersShown(page));
        Assert.False(SaveButton(page).HasAttribute("disabled"));

        ClickMove(page, 2, "up");
        page.WaitForAssertion(() => Assert.Equal(Names(1, 2, 0), NamesShown(page)));

        ClickMove(page, 1, "up");
        ClickMove(page, 1, "down");
        page.WaitForAssertion(() => Assert.Equal(Names(2, 0, 1), NamesShown(page)));
        Assert.False(SaveButton(page).HasAttribute("disabled"));
    }

    [Fact]
    public void Moving_a_stop_back_where_it_was_disables_save_order_again()
    {
        var page = RenderDetail();

        ClickMove(page, 1, "down");
        page.WaitForAssertion(() => Assert.False(SaveButton(page).HasAttribute("disabled")));
        ClickMove(page, 2, "up");

        page.WaitForAssertion(() => Assert.Equal(Names(0, 1, 2), NamesShown(page)));
        Assert.True(SaveButton(page).HasAttribute("disabled"));
    }

    [Fact]
    public async Task Save_order_saves_the_order_shown_in_the_database()
    {
        var page = RenderDetail();
        ClickMove(page, 2, "up");
        ClickMove(page, 1, "up");
        page.WaitForAssertion(() => Assert.Equal(Names(2, 0, 1), NamesShown(page)));

        SaveButton(page).Click();

        // While saving the button is disabled too; the order counts as saved once "Undo" has gone.
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=undo-order]")));
        Assert.True(SaveButton(page).HasAttribute("disabled"));
        await using var db = database.CreateContext();
        var saved = await db.Customers.Where(c => c.RouteId == route.Id).OrderBy(c => c.StopOrder)
            .Select(c => new { c.Id, c.StopOrder }).ToListAsync();
        Assert.Equal([customers[2].Id, customers[0].Id, customers[1].Id], saved.Select(c => c.Id));
        Assert.Equal([1, 2, 3], saved.Select(c => c.StopOrder ?? 0));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.RouteStopsChanged && a.EntityId == route.Id.ToString()));
        Assert.Equal(Names(2, 0, 1), NamesShown(page));
        // The list is usable again straight away: its buttons are not left disabled from the save.
        Assert.False(page.FindAll("[data-testid=stop]")[0].QuerySelector("button[data-testid=move-down]")!.HasAttribute("disabled"));
    }

    [Fact]
    public async Task Saving_after_someone_else_changed_the_stops_shows_why_and_keeps_the_database_as_they_left_it()
    {
        var page = RenderDetail();
        ClickMove(page, 0, "down");
        await using var db = database.CreateContext();
        var newcomer = await TestData.AddCustomerAsync(db, route, name: $"Newcomer {TestData.Next()}");

        SaveButton(page).Click();

        page.WaitForAssertion(() => Assert.Contains(RoutePlanner.StopsChangedMessage, page.Find("[data-testid=stops-error]").TextContent, StringComparison.Ordinal));
        var stored = await db.Customers.Where(c => c.RouteId == route.Id).OrderBy(c => c.StopOrder).Select(c => c.Id).ToListAsync();
        Assert.Equal([customers[0].Id, customers[1].Id, customers[2].Id, newcomer.Id], stored);

        page.Find("button[data-testid=reload]").Click();
        page.WaitForAssertion(() => Assert.Contains(newcomer.Name, NamesShown(page)));
    }

    [Fact]
    public void Undo_puts_back_the_saved_order()
    {
        var page = RenderDetail();
        ClickMove(page, 0, "down");
        page.WaitForAssertion(() => Assert.Equal(Names(1, 0, 2), NamesShown(page)));

        page.Find("button[data-testid=undo-order]").Click();

        page.WaitForAssertion(() => Assert.Equal(Names(0, 1, 2), NamesShown(page)));
        Assert.True(SaveButton(page).HasAttribute("disabled"));
    }

    [Fact]
    public void The_routes_list_shows_each_route_with_its_stops_and_agents()
    {
        RenderPopoverProvider();
        var page = Render<RoutesList>();

        page.WaitForElement("[data-testid=route-name]");
        var row = page.FindAll("tbody tr").Single(r => r.QuerySelector($"a[href='/routes/{route.Id}']") is not null);
        Assert.Equal("3", row.QuerySelector("[data-testid=route-stops]")!.TextContent.Trim());
        Assert.Equal(agent.DisplayName, row.QuerySelector("[data-testid=route-agents]")!.TextContent.Trim());
    }
}
