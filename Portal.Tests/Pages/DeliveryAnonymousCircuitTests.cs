using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;

namespace Portal.Tests.Pages;

/// <summary>
/// The substitute's shared sheet needs a circuit without a sign-in, so the /_blazor endpoints are open to anyone (Program.cs).
/// Inside a circuit only the page's own attributes guard it, not the fallback policy; Security/PageAuthorizationTests checks
/// that every page says who may see it.
/// </summary>
public sealed class DeliveryAnonymousCircuitTests
{
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
