using System.Net;
using Portal.Components.Account.Pages;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Infrastructure;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>A portal of its own with the limits of appsettings.json (ten sign-in posts a minute per address), for the rate-limit tests alone.</summary>
public sealed class RateLimitedServer : IAsyncLifetime
{
    private PortalServer? server;

    public PortalServer Server => server ?? throw new InvalidOperationException("The server is not started.");

    public async Task InitializeAsync() =>
        server = await PortalServer.StartAsync(new Dictionary<string, string> { ["Portal:SeedDemoData"] = "false" }, ownRateLimits: true);

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

public sealed class RateLimitTests(RateLimitedServer portal) : IClassFixture<RateLimitedServer>
{
    private const int SignInPerMinute = 10;
    private const int ActivatePerMinute = 10;
    private const int SharedLinkPerMinute = 60;

    [Fact]
    public async Task The_eleventh_sign_in_attempt_in_a_minute_is_refused_while_the_sign_in_page_still_opens()
    {
        using var client = new PortalHttpClient(portal.Server.BaseAddress);
        var token = PortalHttpClient.AntiforgeryToken((await client.GetAsync("/Account/Login")).Body);
        var fields = PortalHttpClient.SignInFields(token, "guess@portal.test", "guess-1").ToList();

        for (var attempt = 1; attempt <= SignInPerMinute; attempt++)
        {
            var answer = await client.PostFormAsync("/Account/Login", fields);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Contains(Login.InvalidMessage, answer.VisibleText, StringComparison.Ordinal);
        }
        var refused = await client.PostFormAsync("/Account/Login", fields);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Contains(RateLimits.RefusedMessage, refused.VisibleText, StringComparison.Ordinal);
        Assert.Equal("Too many attempts. Wait a minute and try again.", RateLimits.RefusedMessage);
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, refused.Header("Content-Security-Policy"));
        Assert.True(int.TryParse(refused.Header("Retry-After"), out var retryAfter) && retryAfter is > 0 and <= 60, refused.Header("Retry-After"));

        var page = await client.GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("Sign in · Portal", page.Title);

        await WaitForLogAsync("Too many sign-in requests from 127.0.0.1: refused with 429.");
    }

    [Fact]
    public async Task Activation_posts_are_limited_by_address_and_another_address_still_gets_through()
    {
        const string path = "/Account/Activate?user=nobody&code=guess";
        using var client = new PortalHttpClient(portal.Server.BaseAddress);
        var token = PortalHttpClient.AntiforgeryToken((await client.GetAsync(path)).Body);
        KeyValuePair<string, string>[] fields =
        [
            new("__RequestVerificationToken", token), new("_handler", "activate"),
            new("Input.Password", "guessed-pass-1"), new("Input.ConfirmPassword", "guessed-pass-1"),
        ];

        for (var attempt = 1; attempt <= ActivatePerMinute; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostFormAsync(path, fields)).Status);
        }
        var refused = await client.PostFormAsync(path, fields);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        // The same form from another household's address, as the reverse proxy passes it on.
        using var neighbour = new PortalHttpClient(portal.Server.BaseAddress, new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.7" });
        var neighbourToken = PortalHttpClient.AntiforgeryToken((await neighbour.GetAsync(path)).Body);
        var fromNeighbour = await neighbour.PostFormAsync(path, [new("__RequestVerificationToken", neighbourToken), .. fields.Skip(1)]);
        Assert.Equal(HttpStatusCode.OK, fromNeighbour.Status);
        await WaitForLogAsync("Too many activate requests from 127.0.0.1: refused with 429.");
    }

    [Fact]
    public async Task Guessing_the_current_password_on_the_change_password_form_is_limited_like_signing_in()
    {
        const string password = "rate-limit-pass-2026";
        string login;
        await using (var db = new PortalDbContext(TestDatabase.OptionsFor(portal.Server.Database)))
        {
            login = (await TestData.AddUserAsync(db, Roles.Staff, password: password)).UserName!;
        }
        // From an address of its own, so the sign-in tries of the other tests do not count against it.
        using var client = new PortalHttpClient(portal.Server.BaseAddress, new Dictionary<string, string> { ["X-Forwarded-For"] = "198.51.100.20" });
        await client.SignInAsync(login, password);
        var token = PortalHttpClient.AntiforgeryToken((await client.GetAsync("/Account/ChangePassword")).Body);
        KeyValuePair<string, string>[] fields =
        [
            new("__RequestVerificationToken", token), new("_handler", "change-password"),
            new("Input.OldPassword", "guess-the-old-one"), new("Input.NewPassword", "new-pass-2026"), new("Input.ConfirmPassword", "new-pass-2026"),
        ];

        for (var attempt = 1; attempt <= SignInPerMinute; attempt++)
        {
            var answer = await client.PostFormAsync("/Account/ChangePassword", fields);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Contains("The current password is not right.", answer.VisibleText, StringComparison.Ordinal);
        }
        var refused = await client.PostFormAsync("/Account/ChangePassword", fields);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/ChangePassword")).Status);
    }

    [Fact]
    public async Task Guessing_shared_link_tokens_is_refused_after_sixty_a_minute()
    {
        using var client = new PortalHttpClient(portal.Server.BaseAddress);

        for (var guess = 1; guess <= SharedLinkPerMinute; guess++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/s/guess-{guess}")).Status);
        }
        var refused = await client.GetAsync("/s/guess-61");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Contains(RateLimits.RefusedMessage, refused.VisibleText, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).Status);
    }

    private async Task WaitForLogAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!portal.Server.Log.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The log never said \"{text}\". Its log:{Environment.NewLine}{portal.Server.Log}");
            await Task.Delay(100);
        }
    }
}
