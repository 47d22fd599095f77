using System.Net;
using System.Text.RegularExpressions;
using Portal.Domain.Identity;
using Portal.Infrastructure;

namespace Portal.Tests.Security;

[Collection(SecurityServerCollection.Name)]
public sealed partial class SecurityHeadersTests(SecurityServer portal)
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    public static TheoryData<string, string, int> Answers => new()
    {
        { Roles.Staff, "/customers", 200 },
        { Roles.Customer, "/me", 200 },
        { SecurityServer.Anonymous, "/Account/Login", 200 },
        { SecurityServer.Anonymous, "/office", 302 },
        { Roles.Customer, "/office", 302 },
        { Roles.Staff, "/no-such-page", 404 },
        { SecurityServer.Anonymous, "/health", 200 },
        { SecurityServer.Anonymous, "/favicon.svg", 200 },
        { Roles.Staff, "/deliveries/{route}/2026-11-24/sheet.csv", 200 },
        { SecurityServer.Anonymous, "/s/{token}", 200 },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Every_answer_carries_the_security_headers(string who, string path, int status)
    {
        var url = path.Replace("{route}", portal.Records.RouteId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{token}", portal.Records.SharedLinkToken, StringComparison.Ordinal);
        var client = await portal.ClientAsync(who);

        var answer = await client.GetAsync(url);

        Assert.Equal(status, (int)answer.Status);
        Assert.Equal(Policy, answer.Header("Content-Security-Policy"));
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, answer.Header("Content-Security-Policy"));
        Assert.Equal("nosniff", answer.Header("X-Content-Type-Options"));
        Assert.Equal("no-referrer", answer.Header("Referrer-Policy"));
        Assert.Equal("DENY", answer.Header("X-Frame-Options"));
        Assert.Equal("camera=(), microphone=(), geolocation=()", answer.Header("Permissions-Policy"));
    }

    [Theory]
    [InlineData(Roles.Staff, "/customers")]
    [InlineData(Roles.Manager, "/invoices")]
    [InlineData(Roles.Customer, "/me")]
    [InlineData(SecurityServer.Anonymous, "/s/{token}")]
    public async Task Pages_are_never_stored_by_the_browser_or_anything_in_between(string who, string path)
    {
        var client = await portal.ClientAsync(who);

        var answer = await client.GetAsync(path.Replace("{token}", portal.Records.SharedLinkToken, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.StartsWith("text/html", answer.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("no-store", answer.Header("Cache-Control"));
    }

    [Fact]
    public async Task Static_files_keep_their_own_caching()
    {
        var client = await portal.ClientAsync(Roles.Staff);
        var page = await client.GetAsync("/customers");
        var stylesheet = StylesheetPattern().Match(page.Body);
        Assert.True(stylesheet.Success, "The page links no app.css.");

        var answer = await client.GetAsync("/" + stylesheet.Groups[1].Value);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.StartsWith("text/css", answer.Header("Content-Type"), StringComparison.Ordinal);
        Assert.DoesNotContain("no-store", answer.Header("Cache-Control") ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Roles.Staff, "/customers")]
    [InlineData(SecurityServer.Anonymous, "/Account/Login")]
    public async Task Pages_load_scripts_only_from_files_so_the_policy_blocks_nothing_of_the_portal(string who, string path)
    {
        var client = await portal.ClientAsync(who);

        var answer = await client.GetAsync(path);

        var scripts = ScriptTagPattern().Matches(answer.Body).Select(m => m.Value).ToList();
        Assert.Equal(2, scripts.Count);
        Assert.All(scripts, tag => Assert.Matches("""^<script src="_(framework|content)/[^"]+\.js"></script>$""", tag));
        Assert.DoesNotContain("importmap", answer.Body, StringComparison.Ordinal);
        Assert.DoesNotMatch(" on[a-z]+=\"", answer.Body);
    }

    [GeneratedRegex(@"href=""(app\.[^""]*\.css)""")]
    private static partial Regex StylesheetPattern();

    [GeneratedRegex(@"<script\b[^>]*>.*?</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTagPattern();
}
