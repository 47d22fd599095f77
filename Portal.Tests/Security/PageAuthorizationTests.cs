using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Portal.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// The substitute's shared sheet needs a circuit without a sign-in, so the /_blazor endpoints are open to anyone (Program.cs).
/// Inside a circuit only a page's own attributes guard it, not the fallback policy: every page must say who may see it,
/// and the pages open to anyone are a short list that only grows on purpose.
/// </summary>
public sealed class PageAuthorizationTests
{
    private static readonly string[] AnonymousPages =
    [
        "/Account/AccessDenied",
        "/Account/Activate",
        "/Account/Lockout",
        "/Account/Login",
        "/Error",
        "/not-found",
        "/s/{Token}",
    ];

    [Fact]
    public void Every_routable_page_names_the_roles_or_policy_that_may_open_it_or_is_open_on_purpose()
    {
        Assert.True(RoutablePages.All.Count >= 25, $"Only {RoutablePages.All.Count} routable pages found; the scan is looking in the wrong place.");

        var unguarded = RoutablePages.All
            .Where(t => t.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is null)
            .Where(t => !t.GetCustomAttributes<AuthorizeAttribute>(inherit: true)
                .Any(a => !string.IsNullOrWhiteSpace(a.Roles) || !string.IsNullOrWhiteSpace(a.Policy)))
            .Select(t => t.FullName)
            .ToList();

        Assert.True(unguarded.Count == 0,
            "These pages neither name roles or a policy in [Authorize] nor say [AllowAnonymous]: " + string.Join(", ", unguarded));
    }

    [Fact]
    public void Only_the_sign_in_pages_the_error_pages_and_the_shared_sheet_are_open_to_anyone()
    {
        var anonymous = RoutablePages.ByTemplate
            .Where(p => p.Value.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is not null)
            .Select(p => p.Key)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(AnonymousPages.Order(StringComparer.Ordinal), anonymous);
    }

    [Fact]
    public void A_page_is_never_both_open_to_anyone_and_restricted()
    {
        var both = RoutablePages.All
            .Where(t => t.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is not null && t.GetCustomAttributes<AuthorizeAttribute>(inherit: true).Any())
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(both);
    }

    [Fact]
    public void The_pages_for_everyone_signed_in_use_the_signed_in_policy()
    {
        string[] signedIn = ["/", "/Account/ChangePassword"];

        foreach (var route in signedIn)
        {
            var authorize = Assert.Single(RoutablePages.ByTemplate[route].GetCustomAttributes<AuthorizeAttribute>(inherit: true));
            Assert.Equal(PortalPolicies.SignedIn, authorize.Policy);
        }
    }
}
