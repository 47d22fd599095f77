using System.Net;
using Portal.Domain.Data;
using Portal.Domain.Identity;

namespace Portal.Tests.Security;

/// <summary>What every cookie the portal sets must say, as Set-Cookie writes it.</summary>
internal static class CookieFlags
{
    public static IReadOnlyList<string> Flags(string setCookie) =>
        setCookie.Split(';').Skip(1).Select(f => f.Trim().ToLowerInvariant()).ToList();

    /// <summary>HttpOnly and SameSite=Lax (Strict would drop the sign-in when the portal is opened from a link in an SMS).</summary>
    public static void AssertHttpOnlyAndLax(string setCookie)
    {
        var flags = Flags(setCookie);
        Assert.True(flags.Contains("httponly") && flags.Contains("samesite=lax"), $"Not HttpOnly and SameSite=Lax: {setCookie}");
    }

    public static bool IsSecure(string setCookie) => Flags(setCookie).Contains("secure");
}

[Collection(ProductionServerCollection.Name)]
public sealed class ProductionCookieTests(ProductionServer portal)
{
    [Fact]
    public async Task In_production_every_cookie_the_portal_sets_is_Secure_HttpOnly_and_Lax()
    {
        using var client = portal.NewClient();

        var form = await client.GetAsync("/Account/Login");
        var signIn = await client.PostFormAsync("/Account/Login",
            PortalHttpClient.SignInFields(PortalHttpClient.AntiforgeryToken(form.Body), portal.StaffLogin, ProductionServer.Password));

        Assert.Equal(HttpStatusCode.OK, form.Status);
        Assert.Equal("302 /", $"{(int)signIn.Status} {signIn.RedirectTo}");
        Assert.NotNull(form.SetCookies.SingleOrDefault(c => c.StartsWith(PortalCookies.AntiforgeryPrefix, StringComparison.Ordinal)));
        Assert.NotNull(signIn.SetCookie(PortalCookies.SignIn));
        var all = form.SetCookies.Concat(signIn.SetCookies).ToList();
        Assert.All(all, CookieFlags.AssertHttpOnlyAndLax);
        Assert.All(all, c => Assert.True(CookieFlags.IsSecure(c), $"Not Secure: {c}"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/office")).Status);
    }

    [Fact]
    public async Task In_production_plain_http_never_gets_a_cookie_without_Secure()
    {
        using var client = portal.NewClient(behindTls: false);

        var form = await client.GetAsync("/Account/Login");

        Assert.All(form.SetCookies, c => Assert.True(CookieFlags.IsSecure(c), $"Not Secure: {c}"));
        Assert.DoesNotContain(form.SetCookies, c => c.StartsWith(PortalCookies.AntiforgeryPrefix, StringComparison.Ordinal));
    }
}

/// <summary>
/// Development serves http (run.sh on http://localhost:5000, the browser tests on 127.0.0.1). Chromium keeps a Secure cookie
/// there, so the sign-in cookie is Secure here too; the antiforgery cookie cannot be, because ASP.NET Core refuses to issue
/// a Secure-only antiforgery cookie on a plain http request.
/// </summary>
[Collection(SecurityServerCollection.Name)]
public sealed class DevelopmentCookieTests(SecurityServer portal)
{
    [Fact]
    public async Task In_development_the_sign_in_cookie_is_Secure_and_the_antiforgery_cookie_follows_the_request()
    {
        using var client = portal.NewClient();
        var staff = DemoData.Logins.Single(l => l.Role == Roles.Staff);

        var form = await client.GetAsync("/Account/Login");
        var signIn = await client.PostFormAsync("/Account/Login",
            PortalHttpClient.SignInFields(PortalHttpClient.AntiforgeryToken(form.Body), staff.SignInWith, DemoData.Password));

        var antiforgery = form.SetCookies.Single(c => c.StartsWith(PortalCookies.AntiforgeryPrefix, StringComparison.Ordinal));
        var auth = signIn.SetCookie(PortalCookies.SignIn);
        Assert.NotNull(auth);
        CookieFlags.AssertHttpOnlyAndLax(antiforgery);
        CookieFlags.AssertHttpOnlyAndLax(auth);
        Assert.True(CookieFlags.IsSecure(auth), auth);
        Assert.False(CookieFlags.IsSecure(antiforgery), antiforgery);
    }
}
