using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;
using AuditLogPage = Portal.Components.Pages.Office.AuditLog;

namespace Portal.Tests.Pages;

public sealed class AuditLogPageTests : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly DatabaseFixture database;
    private Caller admin = null!;

    public AuditLogPageTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
    }

    public async Task InitializeAsync()
    {
        await using var db = database.CreateContext();
        var manager = await TestData.AddUserAsync(db, Roles.Manager);
        var adminUser = await TestData.AddUserAsync(db, Roles.Admin);
        adminUser.DisplayName = "Asha Admin";
        await db.SaveChangesAsync();
        admin = Caller.For(adminUser, Roles.Admin);
        SignInAs(Roles.Manager, manager.Id, manager.DisplayName);
    }

    // MudBlazor's services only dispose asynchronously; xunit v2 would dispose the context synchronously.
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    /// <summary>Writes entries as the services do: through AuditLog.Add, saved with the context.</summary>
    private async Task AddAsync(params (string Action, string Summary, object? Before, object? After)[] entries)
    {
        await using var scope = database.Services.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        await using var db = database.CreateContext();
        foreach (var (action, summary, before, after) in entries)
        {
            audit.Add(db, admin, action, UserAdministration.EntityType, "user-1", summary, before: before, after: after);
        }
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Renders the page and searches for <paramref name="search"/>. The box debounces on MudBlazor's TimeProvider, which here is the
    /// fixture's frozen clock, so the test hands the value over the way the debounce would.
    /// </summary>
    private async Task<IRenderedComponent<AuditLogPage>> RenderPageAsync(string search)
    {
        RenderPopoverProvider();
        var page = Render<AuditLogPage>();
        var box = page.FindComponent<MudTextField<string>>();
        await page.InvokeAsync(() => box.Instance.ValueChanged.InvokeAsync(search));
        return page;
    }

    [Fact]
    public async Task A_manager_sees_who_did_what_and_when_in_India_time()
    {
        var tag = $"Aq{TestData.Next()}";
        await AddAsync(
            (AuditActions.UserCreated, $"{tag} created the account of Geeta", null, new { Roles = new[] { Roles.Staff } }),
            (AuditActions.RolesChanged, $"{tag} changed the roles of Geeta", new { Roles = new[] { Roles.Staff } }, new { Roles = new[] { Roles.Manager } }));

        var page = await RenderPageAsync(tag);

        page.WaitForAssertion(() =>
        {
            var summaries = page.FindAll("[data-testid=audit-summary]").Select(s => s.TextContent.Trim()).ToList();
            Assert.Equal(2, summaries.Count);
            Assert.All(summaries, s => Assert.StartsWith(tag, s, StringComparison.Ordinal));
        });
        Assert.All(page.FindAll("[data-testid=audit-who]"), who => Assert.Equal("Asha Admin", who.TextContent.Trim()));
        // 13:30 UTC on 24 Nov 2026 is 19:00 in India.
        Assert.All(page.FindAll("[data-testid=audit-when]"), when => Assert.Equal("24 Nov 2026, 19:00", when.TextContent.Trim()));
        var actions = page.FindAll("[data-testid=audit-action]").Select(a => a.TextContent.Trim()).ToList();
        Assert.Contains("Roles changed", actions);
        Assert.Contains("User created", actions);
    }

    [Fact]
    public async Task Expanding_an_entry_shows_each_changed_field_before_and_after()
    {
        var tag = $"Ax{TestData.Next()}";
        await AddAsync((AuditActions.RolesChanged, $"{tag} changed roles",
            new { Roles = new[] { Roles.Staff }, Name = "Geeta" }, new { Roles = new[] { Roles.Manager, Roles.DeliveryAgent }, Name = "Geeta" }));
        var page = await RenderPageAsync(tag);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=audit-summary]")));

        await page.InvokeAsync(() => page.Find("[data-testid=audit-grid] tbody tr button").Click());

        var table = page.WaitForElement("[data-testid=audit-changes]");
        var rows = table.QuerySelector("table > tbody")!.Children
            .Select(r => (Changed: r.GetAttribute("data-changed"), Cells: r.Children.Select(c => c.TextContent.Trim()).ToList()))
            .ToList();
        Assert.Equal(2, rows.Count);
        // Changed fields come first.
        Assert.Equal("true", rows[0].Changed);
        Assert.Equal(["Roles", "Staff", "Manager, DeliveryAgent"], rows[0].Cells);
        Assert.Equal("false", rows[1].Changed);
        Assert.Equal(["Name", "Geeta", "Geeta"], rows[1].Cells);
    }

    [Fact]
    public async Task The_action_filter_shows_only_that_action()
    {
        var tag = $"Af{TestData.Next()}";
        await AddAsync(
            (AuditActions.UserDisabled, $"{tag} disabled", null, null),
            (AuditActions.AccountUnlocked, $"{tag} unlocked", null, null));
        var page = await RenderPageAsync(tag);
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-summary]").Count));

        var select = page.FindComponent<MudSelect<string>>();
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(AuditActions.AccountUnlocked));

        page.WaitForAssertion(() => Assert.Equal($"{tag} unlocked", Assert.Single(page.FindAll("[data-testid=audit-summary]")).TextContent.Trim()));
    }

    [Fact]
    public async Task Staff_who_are_not_managers_cannot_read_the_whole_log()
    {
        await using var db = database.CreateContext();
        var staff = Caller.For(await TestData.AddUserAsync(db, Roles.Staff), Roles.Staff);
        var audit = Services.GetRequiredService<AuditLog>();

        await Assert.ThrowsAsync<AccessDeniedException>(() => audit.SearchAsync(staff, new AuditQuery()));
    }

    [Fact]
    public async Task The_date_filter_takes_whole_days_in_India()
    {
        var tag = $"Ad{TestData.Next()}";
        await using (var db = database.CreateContext())
        {
            // 23 Nov 2026 23:59 IST, 24 Nov 00:01 IST and 24 Nov 23:59 IST, and 25 Nov 00:00 IST.
            foreach (var (at, name) in new[]
            {
                (new DateTimeOffset(2026, 11, 23, 18, 29, 0, TimeSpan.Zero), "late on the 23rd"),
                (new DateTimeOffset(2026, 11, 23, 18, 31, 0, TimeSpan.Zero), "early on the 24th"),
                (new DateTimeOffset(2026, 11, 24, 18, 29, 0, TimeSpan.Zero), "late on the 24th"),
                (new DateTimeOffset(2026, 11, 24, 18, 30, 0, TimeSpan.Zero), "midnight starting the 25th"),
            })
            {
                db.AuditEntries.Add(new AuditEntry
                {
                    At = at, ActorUserId = admin.UserId, ActorName = admin.Name, Action = AuditActions.UserEnabled,
                    EntityType = UserAdministration.EntityType, EntityId = "x", Summary = $"{tag} {name}",
                });
            }
            await db.SaveChangesAsync();
        }
        var audit = Services.GetRequiredService<AuditLog>();
        var day = new DateOnly(2026, 11, 24);

        var (rows, total) = await audit.SearchAsync(admin, new AuditQuery(Search: tag, From: day, To: day));

        Assert.Equal(2, total);
        Assert.Equal([$"{tag} late on the 24th", $"{tag} early on the 24th"], rows.Select(r => r.Summary));
    }
}
