using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Portal.Components.Pages.Customer;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages.CustomerSelfService;

/// <summary>The customer's profile (/me/profile): what the office keeps, and the email and address line they change themselves.</summary>
public sealed class MyProfilePageTests(DatabaseFixture database) : CustomerPageTest(database)
{
    private IRenderedComponent<MudSnackbarProvider> snackbars = null!;

    private IRenderedComponent<MyProfilePage> RenderPage()
    {
        snackbars = Render<MudSnackbarProvider>();
        var page = Render<MyProfilePage>();
        WaitLoaded(page, "[data-testid=profile-name]");
        return page;
    }

    private static IElement FieldOf(IRenderedComponent<MyProfilePage> page, string testId) =>
        page.Find($"[data-testid={testId}]").Closest(".mud-input-control") ?? throw new InvalidOperationException($"{testId} is not in a form field.");

    private async Task<Domain.Customers.Customer> SavedAsync(Domain.Customers.Customer customer)
    {
        await using var db = Database.CreateContext();
        return await db.Customers.AsNoTracking().SingleAsync(c => c.Id == customer.Id);
    }

    [Fact]
    public async Task The_profile_shows_the_customers_own_name_mobile_route_and_address()
    {
        var me = await AddCustomerAsync("Meera Menon");
        var theirs = await AddCustomerAsync("Arjun Rao");
        SignInAs(me);

        var page = RenderPage();

        Assert.Equal(me.Name, page.Find("[data-testid=profile-name]").TextContent.Trim());
        Assert.Equal(me.Mobile, page.Find("[data-testid=profile-mobile]").TextContent.Trim());
        Assert.Equal("To change your mobile number, call the office.", page.Find("[data-testid=mobile-note]").TextContent.Trim());
        Assert.Equal("Not yet assigned", page.Find("[data-testid=profile-route]").TextContent.Trim());
        Assert.Equal(me.Address.Line, page.Find("textarea[data-testid=profile-address]").GetAttribute("value"));
        Assert.Equal(me.Email, page.Find("input[data-testid=profile-email]").GetAttribute("value"));
        Assert.Equal("/Account/ChangePassword", page.Find("[data-testid=change-password]").GetAttribute("href"));
        Assert.DoesNotContain(theirs.Name, page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.Mobile, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Saving_changes_the_email_and_the_address_line_and_says_so()
    {
        var me = await AddCustomerAsync();
        SignInAs(me);
        var page = RenderPage();
        var email = $"meera{TestData.Next()}@example.in";

        page.Find("input[data-testid=profile-email]").Input(email);
        page.Find("textarea[data-testid=profile-address]").Input("Flat 4B, 2nd Floor, 12 Temple Road");
        page.Find("[data-testid=save-profile]").Click();

        page.WaitForAssertion(() => Assert.Contains("Your details are saved.", snackbars.Markup, StringComparison.Ordinal));
        var saved = await SavedAsync(me);
        Assert.Equal((email, "Flat 4B, 2nd Floor, 12 Temple Road"), (saved.Email, saved.Address.Line));
    }

    [Fact]
    public async Task An_email_another_account_uses_is_refused_next_to_the_email_and_nothing_changes()
    {
        var me = await AddCustomerAsync();
        var theirs = await AddCustomerAsync();
        await using (var db = Database.CreateContext())
        {
            await db.Customers.Where(c => c.Id == theirs.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.Email, $"taken{theirs.Id}@example.in"));
        }
        SignInAs(me);
        var page = RenderPage();

        page.Find("input[data-testid=profile-email]").Input($"TAKEN{theirs.Id}@example.in");
        page.Find("textarea[data-testid=profile-address]").Input("New line that must not be saved");
        page.Find("[data-testid=save-profile]").Click();

        page.WaitForAssertion(() => Assert.Contains("This email is already used by another account.", FieldOf(page, "profile-email").TextContent, StringComparison.Ordinal));
        var saved = await SavedAsync(me);
        Assert.Equal((me.Email, me.Address.Line), (saved.Email, saved.Address.Line));
        Assert.DoesNotContain("already used", FieldOf(page, "profile-address").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_address_line_is_refused_next_to_it_before_anything_is_sent()
    {
        var me = await AddCustomerAsync();
        SignInAs(me);
        var page = RenderPage();

        page.Find("textarea[data-testid=profile-address]").Input("   ");
        page.Find("[data-testid=save-profile]").Click();

        page.WaitForAssertion(() => Assert.Contains("Enter the house and street.", FieldOf(page, "profile-address").TextContent, StringComparison.Ordinal));
        Assert.Equal(me.Address.Line, (await SavedAsync(me)).Address.Line);
    }
}
