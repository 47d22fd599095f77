using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Components.Account.Pages;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly string[] OfficeLinks = ["Overview", "Customers", "Orders", "Routes", "Products"];

    public static TheoryData<string> DemoRoles => new(DemoData.Logins.Select(l => l.Role));

    private static DemoData.DemoLogin Demo(string role) => DemoData.Logins.Single(l => l.Role == role);

    [Theory]
    [MemberData(nameof(DemoRoles))]
    public async Task Each_demo_login_lands_on_its_own_home_with_only_its_own_links(string role)
    {
        var login = Demo(role);
        var page = await NewPageAsync();

        await BrowserFixture.SignInAsync(page, login.SignInWith, DemoData.Password);

        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync(login.Name);
        string[] own = role switch
        {
            Roles.DeliveryAgent => ["My routes"],
            Roles.Customer => ["Home"],
            _ => OfficeLinks,
        };
        foreach (var link in own)
        {
            await Expect(NavLink(page, link)).ToBeVisibleAsync();
        }
        foreach (var other in OfficeLinks.Append("My routes").Append("Home").Except(own))
        {
            await Expect(NavLink(page, other)).ToHaveCountAsync(0);
        }

        switch (role)
        {
            case Roles.DeliveryAgent:
                await ExpectAgentHomeAsync(page, login);
                break;
            case Roles.Customer:
                await Expect(page).ToHaveURLAsync(EndsWith("/me"));
                await Expect(page.GetByTestId("customer-greeting")).ToHaveTextAsync($"Hello, {login.Name}");
                break;
            default:
                await Expect(page).ToHaveURLAsync(EndsWith("/office"));
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
                await Expect(page.GetByTestId("stat-customers")).ToBeVisibleAsync();
                break;
        }
    }

    private async Task ExpectAgentHomeAsync(IPage page, DemoData.DemoLogin login)
    {
        await Expect(page).ToHaveURLAsync(EndsWith("/agent"));
        await using var db = PortalDatabase();
        var assigned = await db.RouteAgents.Where(a => a.User.UserName == login.SignInWith)
            .Select(a => a.Route.Name).OrderBy(n => n).ToListAsync();
        var others = await db.Routes.Where(r => !assigned.Contains(r.Name)).Select(r => r.Name).ToListAsync();
        Assert.NotEmpty(assigned);
        Assert.NotEmpty(others);

        var cards = page.GetByTestId("agent-route");
        await Expect(cards).ToHaveCountAsync(assigned.Count);
        foreach (var name in assigned)
        {
            await Expect(cards.Filter(new() { HasTextString = name })).ToHaveCountAsync(1);
        }
        foreach (var name in others)
        {
            await Expect(page.GetByText(name)).ToHaveCountAsync(0);
        }
    }

    [Fact]
    public async Task A_customer_signs_in_with_a_mobile_number_written_with_spaces()
    {
        var page = await NewPageAsync();

        await BrowserFixture.SignInAsync(page, "98765 00001", DemoData.Password);

        await Expect(page.GetByTestId("customer-greeting")).ToHaveTextAsync("Hello, Priya Sharma");
    }

    [Fact]
    public async Task A_customer_signs_in_with_their_email()
    {
        var page = await NewPageAsync();

        await BrowserFixture.SignInAsync(page, "customer1@portal.test", DemoData.Password);

        await Expect(page.GetByTestId("customer-greeting")).ToHaveTextAsync("Hello, Priya Sharma");
    }

    [Fact]
    public async Task Staff_sign_in_with_their_email_in_any_case()
    {
        var page = await NewPageAsync();

        await BrowserFixture.SignInAsync(page, "  Staff@Portal.TEST ", DemoData.Password);

        await Expect(page).ToHaveURLAsync(EndsWith("/office"));
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync(Demo(Roles.Staff).Name);
    }

    [Theory]
    [InlineData("9876500007", "not-the-password")]
    [InlineData("9999999999", DemoData.Password)]
    [InlineData("nobody@portal.test", DemoData.Password)]
    public async Task A_wrong_password_and_an_unknown_login_get_the_same_answer(string login, string password)
    {
        var page = await NewPageAsync();

        await BrowserFixture.SubmitSignInAsync(page, login, password);

        await Expect(page.GetByTestId("status-message")).ToHaveTextAsync(Login.InvalidMessage);
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login", RegexOptions.IgnoreCase));
        await Expect(page.Locator("[data-interactive]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        // A demo household with a password that no other test signs in as.
        const string login = "9876500004";
        var page = await NewPageAsync();

        for (var attempt = 1; attempt < 5; attempt++)
        {
            await BrowserFixture.SubmitSignInAsync(page, login, $"wrong-{attempt}");
            await Expect(page.GetByTestId("status-message")).ToHaveTextAsync(Login.InvalidMessage);
        }
        var lockedAt = DateTimeOffset.UtcNow;
        await BrowserFixture.SubmitSignInAsync(page, login, "wrong-5");
        await Expect(page).ToHaveURLAsync(EndsWith("/Account/Lockout"));
        await Expect(page.GetByTestId("locked-out")).ToBeVisibleAsync();

        var locked = await LockoutOfAsync(login);
        Assert.NotNull(locked.LockoutEnd);
        var until = locked.LockoutEnd.Value - lockedAt;
        Assert.True(until > TimeSpan.FromMinutes(14) && until < TimeSpan.FromMinutes(16), $"Locked for {until}, not 15 minutes.");
        Assert.Equal(0, locked.AccessFailedCount);

        await page.GotoAsync("/Account/Login");
        await BrowserFixture.SubmitSignInAsync(page, login, DemoData.Password);
        await Expect(page).ToHaveURLAsync(EndsWith("/Account/Lockout"));
        await Expect(page.Locator("[data-interactive]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "portal.auth");
        Assert.Equal(locked, await LockoutOfAsync(login));
    }

    private async Task<(DateTimeOffset? LockoutEnd, int AccessFailedCount)> LockoutOfAsync(string login)
    {
        await using var db = PortalDatabase();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == login);
        return (user.LockoutEnd, user.AccessFailedCount);
    }

    [Fact]
    public async Task Signing_out_returns_to_sign_in_and_protected_pages_then_ask_to_sign_in()
    {
        var page = await NewPageAsync();
        await BrowserFixture.SignInAsync(page, Demo(Roles.Manager).SignInWith, DemoData.Password);

        await page.GetByTestId("sign-out").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login\\?signedOut=1$"));
        await Expect(page.GetByText("You have signed out.")).ToBeVisibleAsync();
        await page.GotoAsync("/office");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login\\?ReturnUrl=%2Foffice$", RegexOptions.IgnoreCase));
        await Expect(page.Locator("#login-name")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_signed_out_visitor_is_sent_to_sign_in_and_then_back_where_they_were_going()
    {
        var page = await NewPageAsync();

        await page.GotoAsync("/office");
        await Expect(page.Locator("#login-name")).ToBeVisibleAsync();
        await BrowserFixture.SignInAsync(page, Demo(Roles.Admin).SignInWith, DemoData.Password);

        await Expect(page).ToHaveURLAsync(EndsWith("/office"));
    }

    [Fact]
    public async Task A_customer_who_opens_the_office_page_is_told_they_have_no_access()
    {
        var page = await NewPageAsync();
        await BrowserFixture.SignInAsync(page, Demo(Roles.Customer).SignInWith, DemoData.Password);

        await page.GotoAsync("/office");

        await Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("stat-customers")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task On_a_phone_the_menu_starts_closed_and_opens_from_the_menu_button()
    {
        var page = await NewPageAsync(BrowserDevice.Phone);
        await BrowserFixture.SignInAsync(page, Demo(Roles.DeliveryAgent).SignInWith, DemoData.Password);

        await Expect(NavLink(page, "My routes")).Not.ToBeInViewportAsync();
        await page.GetByLabel("Menu").ClickAsync();

        await Expect(NavLink(page, "My routes")).ToBeInViewportAsync();
    }

    [Fact]
    public async Task On_a_phone_a_long_name_is_cut_short_and_sign_out_stays_on_screen()
    {
        const string login = "long-name-staff@portal.test";
        await using (var services = TestServices.Build(Fixture.Server.Database))
        await using (var scope = services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = new PortalUser
            {
                UserName = login,
                Email = login,
                DisplayName = "Venkatanarasimharajuvaripeta Subrahmanyam Chandrasekharan",
                CreatedAt = DateTimeOffset.UtcNow,
            };
            Assert.True((await users.CreateAsync(user, DemoData.Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Staff)).Succeeded);
        }
        var page = await NewPageAsync(BrowserDevice.Phone);

        await BrowserFixture.SignInAsync(page, login, DemoData.Password);

        var name = await page.GetByTestId("user-name").BoundingBoxAsync();
        var signOut = await page.GetByTestId("sign-out").BoundingBoxAsync();
        Assert.NotNull(name);
        Assert.NotNull(signOut);
        Assert.True(name.X + name.Width <= signOut.X, $"The name ends at {name.X + name.Width}px, over the sign-out button at {signOut.X}px.");
        Assert.True(signOut.X + signOut.Width <= 390, $"The sign-out button ends at {signOut.X + signOut.Width}px, off a 390px screen.");
        await Expect(page.GetByTestId("sign-out")).ToBeInViewportAsync();
    }

    [Fact]
    public async Task Health_answers_200_without_signing_in()
    {
        var page = await NewPageAsync();

        var response = await page.APIRequest.GetAsync("/health");

        Assert.Equal(200, response.Status);
        Assert.Equal("Healthy", await response.TextAsync());
    }

    private static Regex EndsWith(string path) => new(Regex.Escape(path) + "$");
}
