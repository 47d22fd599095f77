using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Portal.Components.Pages.Admin;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

public sealed class UsersPageTests : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly DatabaseFixture database;
    private PortalUser admin = null!;

    public UsersPageTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
    }

    public async Task InitializeAsync()
    {
        await using var db = database.CreateContext();
        admin = await TestData.AddUserAsync(db, Roles.Admin);
        SignInAs(Roles.Admin, admin.Id, admin.DisplayName);
    }

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    private async Task<PortalUser> UserAsync(string role, string name)
    {
        await using var db = database.CreateContext();
        var user = await TestData.AddUserAsync(db, role);
        user.DisplayName = name;
        await db.SaveChangesAsync();
        return user;
    }

    private IRenderedComponent<Users> RenderPage()
    {
        RenderPopoverProvider();
        return Render<Users>();
    }

    /// <summary>
    /// Types into the search box. The box debounces on MudBlazor's TimeProvider, which here is the fixture's frozen clock,
    /// so the test hands the value over the way the debounce would.
    /// </summary>
    private static Task SearchAsync(IRenderedComponent<Users> page, string text)
    {
        var box = page.FindComponents<MudTextField<string>>().Single(f => f.Find("input").GetAttribute("data-testid") == "user-search");
        return page.InvokeAsync(() => box.Instance.ValueChanged.InvokeAsync(text));
    }

    [Fact]
    public async Task An_admin_sees_the_office_and_delivery_accounts_in_the_database_with_their_roles()
    {
        var tag = $"Uq{TestData.Next()}";
        var agent = await UserAsync(Roles.DeliveryAgent, $"{tag} Ravi Agent");
        var manager = await UserAsync(Roles.Manager, $"{tag} Mohan Manager");
        await using (var db = database.CreateContext())
        {
            var customer = await TestData.AddCustomerAsync(db);
            await db.Users.Where(u => u.Id == customer.UserId).ExecuteUpdateAsync(set => set.SetProperty(u => u.DisplayName, $"{tag} Household"));
        }

        var page = RenderPage();
        await SearchAsync(page, tag);

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("[data-testid=users-grid] tbody tr")
                .Where(r => r.QuerySelector("[data-testid=user-name-cell]") is not null)
                .Select(r => (Name: r.QuerySelector("[data-testid=user-name-cell]")!.TextContent.Trim(),
                              Roles: r.QuerySelector("[data-testid=user-roles]")!.TextContent.Trim(),
                              SignIn: r.TextContent))
                .ToList();
            Assert.Equal([manager.DisplayName, agent.DisplayName], rows.Select(r => r.Name));
            Assert.Equal("Manager", rows[0].Roles);
            Assert.Equal("Delivery agent", rows[1].Roles);
            Assert.Contains(agent.UserName!, rows[1].SignIn, StringComparison.Ordinal);
        });
        Assert.DoesNotContain($"{tag} Household", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_signed_in_admin_is_marked_as_you()
    {
        var page = RenderPage();
        await SearchAsync(page, admin.DisplayName);

        page.WaitForAssertion(() =>
        {
            var cell = Assert.Single(page.FindAll("[data-testid=user-name-cell]"));
            Assert.Contains(admin.DisplayName, cell.TextContent, StringComparison.Ordinal);
            Assert.Contains("you", cell.TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task The_new_user_dialog_creates_the_account_in_the_database()
    {
        var n = TestData.Next();
        var email = $"new.staff.{n}@dairy.example";
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage();
        page.WaitForElement("[data-testid=users-grid]");

        await page.InvokeAsync(() => page.Find("[data-testid=new-user]").Click());
        dialogs.WaitForElement("[data-testid=new-user-form]");
        dialogs.Find("input[data-testid=field-name]").Change($"Geeta Staff {n}");
        dialogs.Find("input[data-testid=field-email]").Change(email);
        dialogs.Find("input[data-testid=field-password]").Change("welcome-2026");
        dialogs.Find("input[data-testid=role-Staff]").Change(true);
        await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=new-user-save]").Click());

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=new-user-form]")));
        await using var db = database.CreateContext();
        var user = await db.Users.SingleAsync(u => u.NormalizedUserName == email.ToUpperInvariant());
        Assert.Equal($"Geeta Staff {n}", user.DisplayName);
        Assert.True(user.MustChangePassword);
        Assert.True(await db.UserRoles.AnyAsync(ur => ur.UserId == user.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Staff)));
    }

    [Fact]
    public async Task The_new_user_dialog_shows_a_taken_email_next_to_the_email_field()
    {
        var existing = await UserAsync(Roles.Staff, $"Taken {TestData.Next()}");
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage();
        page.WaitForElement("[data-testid=users-grid]");

        await page.InvokeAsync(() => page.Find("[data-testid=new-user]").Click());
        dialogs.WaitForElement("[data-testid=new-user-form]");
        dialogs.Find("input[data-testid=field-name]").Change("Second Person");
        dialogs.Find("input[data-testid=field-email]").Change(existing.UserName!.ToUpperInvariant());
        dialogs.Find("input[data-testid=field-password]").Change("welcome-2026");
        dialogs.Find("input[data-testid=role-Manager]").Change(true);
        await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=new-user-save]").Click());

        dialogs.WaitForAssertion(() =>
        {
            var field = dialogs.Find("input[data-testid=field-email]").Closest(".mud-input-control")!;
            Assert.Contains("This email is already used by another account.", field.TextContent, StringComparison.Ordinal);
        });
        await using var db = database.CreateContext();
        Assert.False(await db.Users.AnyAsync(u => u.DisplayName == "Second Person"));
    }
}
