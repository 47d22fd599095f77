using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;

namespace Portal.Tests.Pages;

/// <summary>
/// The substitute's shared sheet needs a circuit without a sign-in, so the /_blazor endpoints are open to anyone (Program.cs).
/// Inside a circuit only the page's own attributes guard it, not the fallback policy: every page must say who may see it.
/// </summary>
public sealed class DeliveryAnonymousCircuitTests
{
    [Fact]
    public void Every_routable_page_says_who_may_see_it()
    {
        var pages = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttributes<RouteAttribute>().Any())
            .ToList();

        Assert.NotEmpty(pages);
        var unguarded = pages
            .Where(t => t.GetCustomAttribute<AuthorizeAttribute>(inherit: true) is null && t.GetCustomAttribute<AllowAnonymousAttribute>(inherit: true) is null)
            .Select(t => t.FullName)
            .ToList();
        Assert.Empty(unguarded);
    }

    [Fact]
    public void The_shared_sheet_is_the_only_anonymous_page_outside_the_account_pages()
    {
        var anonymous = typeof(Program).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes<RouteAttribute>().Any() && t.GetCustomAttribute<AllowAnonymousAttribute>() is not null)
            .Where(t => t.Namespace?.StartsWith("Portal.Components.Account", StringComparison.Ordinal) != true)
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(["Error", "NotFound", "SharedSheetPage"], anonymous);
    }
}
