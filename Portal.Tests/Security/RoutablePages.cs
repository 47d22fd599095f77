using System.Reflection;
using Microsoft.AspNetCore.Components;

namespace Portal.Tests.Security;

/// <summary>Every component in the portal that a URL can open, found by reflection.</summary>
public static class RoutablePages
{
    public static IReadOnlyList<Type> All { get; } = typeof(Program).Assembly.GetTypes()
        .Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttributes<RouteAttribute>().Any())
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToList();

    /// <summary>Route templates as the pages write them ("/customers/{Id:int}"), with the page that answers each.</summary>
    public static IReadOnlyDictionary<string, Type> ByTemplate { get; } = All
        .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => (r.Template, Page: t)))
        .ToDictionary(x => x.Template, x => x.Page, StringComparer.Ordinal);
}
