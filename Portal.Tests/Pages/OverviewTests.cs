using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Pages.Office;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

public sealed class OverviewTests : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static readonly string[] InactiveMobiles = ["9876500002", "9876500003"];

    private readonly DatabaseFixture database;

    public OverviewTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
        SignInAs(Roles.Staff, userId: "staff-user", displayName: "Sunita Staff");
    }

    public async Task InitializeAsync()
    {
        // Demo data is idempotent; two inactive households make "active" differ from "all".
        await DemoData.SeedAsync(database.Services, database.Time);
        await using var db = database.CreateContext();
        await db.Customers.Where(c => InactiveMobiles.Contains(c.Mobile))
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, CustomerStatus.Inactive));
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Shows_the_number_of_active_customers_in_the_database()
    {
        await using var db = database.CreateContext();
        var active = await db.Customers.CountAsync(c => c.Status == CustomerStatus.Active);
        var all = await db.Customers.CountAsync();
        Assert.NotEqual(all, active);

        var page = Render<Overview>();

        var shown = page.WaitForElement("[data-testid=stat-customers] .stat-value").TextContent.Trim();
        Assert.Equal(active.ToString("N0", IndianFormats.Culture), shown);
    }

    [Fact]
    public async Task Counts_active_customers_who_have_not_set_a_password()
    {
        await using var db = database.CreateContext();
        var withoutPassword = await db.Customers.CountAsync(c => c.Status == CustomerStatus.Active && c.User.PasswordHash == null);
        Assert.True(withoutPassword > 0);

        var page = Render<Overview>();

        var shown = page.WaitForElement("[data-testid=stat-no-password] .stat-value").TextContent.Trim();
        Assert.Equal(withoutPassword.ToString("N0", IndianFormats.Culture), shown);
    }

    [Fact]
    public async Task Lists_every_route_with_its_active_stops_and_agents()
    {
        await using var db = database.CreateContext();
        var routes = await db.Routes
            .OrderBy(r => r.Name)
            .Select(r => new
            {
                r.Name,
                Stops = r.Customers.Count(c => c.Status == CustomerStatus.Active),
                Agents = r.Agents.Select(a => a.User.DisplayName).ToList(),
            })
            .ToListAsync();
        Assert.NotEmpty(routes);

        var page = Render<Overview>();
        page.WaitForElement("[data-testid=stat-routes]");

        var rows = page.FindAll("tbody tr")
            .Select(row => row.QuerySelectorAll("td").Select(cell => cell.TextContent.Trim()).ToList())
            .ToList();
        Assert.Equal(routes.Select(r => r.Name), rows.Select(cells => cells[0]));
        foreach (var (route, cells) in routes.Zip(rows))
        {
            Assert.Equal(route.Stops.ToString(IndianFormats.Culture), cells[1]);
            Assert.All(route.Agents, agent => Assert.Contains(agent, cells[2], StringComparison.Ordinal));
        }
        Assert.Equal(routes.Count.ToString(IndianFormats.Culture), page.Find("[data-testid=stat-routes] .stat-value").TextContent.Trim());
    }
}
