using System.Net;
using Portal.Domain.Data;
using Portal.Domain.Identity;

namespace Portal.Tests.Security;

/// <summary>No other site can make a visitor's browser sign in or sign out: both forms need the token the portal issued.</summary>
[Collection(SecurityServerCollection.Name)]
public sealed class AntiforgeryTests(SecurityServer portal)
{
    private static readonly DemoData.DemoLogin Staff = DemoData.Logins.Single(l => l.Role == Roles.Staff);

    [Fact]
    public async Task Signing_in_without_the_antiforgery_token_is_refused_and_signs_no_one_in()
    {
        using var client = portal.NewClient();
        await client.GetAsync("/Account/Login");
        Assert.Contains(client.Cookies.Keys, k => k.StartsWith(PortalCookies.AntiforgeryPrefix, StringComparison.Ordinal));

        var answer = await client.PostFormAsync("/Account/Login", PortalHttpClient.SignInFields(null, Staff.SignInWith, DemoData.Password));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Null(answer.SetCookie(PortalCookies.SignIn));
        Assert.DoesNotContain(PortalCookies.SignIn, client.Cookies.Keys);
        var office = await client.GetAsync("/office");
        Assert.Equal("302 /Account/Login?ReturnUrl=%2Foffice", $"{(int)office.Status} {office.RedirectTo}");
    }

    [Fact]
    public async Task A_token_without_the_cookie_it_belongs_to_is_refused_too()
    {
        using var victim = portal.NewClient();
        using var attacker = portal.NewClient();
        var attackersForm = await attacker.GetAsync("/Account/Login");

        var answer = await victim.PostFormAsync("/Account/Login",
            PortalHttpClient.SignInFields(PortalHttpClient.AntiforgeryToken(attackersForm.Body), Staff.SignInWith, DemoData.Password));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Null(answer.SetCookie(PortalCookies.SignIn));
    }

    [Fact]
    public async Task Signing_out_without_the_antiforgery_token_is_refused_and_the_person_stays_signed_in()
    {
        using var client = portal.NewClient();
        await client.SignInAsync(Staff.SignInWith, DemoData.Password);

        var forged = await client.PostFormAsync("/Account/Logout", [new("returnUrl", "")]);

        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.Null(forged.SetCookie(PortalCookies.SignIn));
        var office = await client.GetAsync("/office");
        Assert.Equal(HttpStatusCode.OK, office.Status);

        // The sign-out button's own form carries the token, and that works.
        var signOut = await client.PostFormAsync("/Account/Logout",
            [new("__RequestVerificationToken", PortalHttpClient.AntiforgeryToken(office.Body)), new("returnUrl", "")]);

        Assert.Equal("302 /Account/Login?signedOut=1", $"{(int)signOut.Status} {signOut.RedirectTo}");
        var afterwards = await client.GetAsync("/office");
        Assert.Equal("302 /Account/Login?ReturnUrl=%2Foffice", $"{(int)afterwards.Status} {afterwards.RedirectTo}");
    }
}
