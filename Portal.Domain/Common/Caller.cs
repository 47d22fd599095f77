using System.Security.Claims;
using Portal.Domain.Identity;

namespace Portal.Domain.Common;

/// <summary>
/// Who is asking. Every service method that reads or changes data takes one and checks it itself,
/// so a crafted id or URL cannot get past a page guard.
/// </summary>
public sealed record Caller(string UserId, string Name, IReadOnlySet<string> Roles)
{
    public bool IsIn(string role) => Roles.Contains(role);

    public bool IsOffice => IsIn(Identity.Roles.Admin) || IsIn(Identity.Roles.Manager) || IsIn(Identity.Roles.Staff);

    public bool IsManager => IsIn(Identity.Roles.Admin) || IsIn(Identity.Roles.Manager);

    public bool IsAdmin => IsIn(Identity.Roles.Admin);

    /// <summary>Throws <see cref="AccessDeniedException"/> unless the caller has one of <paramref name="roles"/> (comma-separated, as in <c>[Authorize]</c>).</summary>
    public void Require(string roles)
    {
        if (!roles.Split(',').Any(IsIn))
        {
            throw new AccessDeniedException();
        }
    }

    public static Caller From(ClaimsPrincipal principal, string nameClaim)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new AccessDeniedException();
        var name = principal.FindFirstValue(nameClaim) ?? principal.Identity?.Name ?? "";
        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Caller(id, name, roles);
    }

    public static Caller For(PortalUser user, params string[] roles) =>
        new(user.Id, user.DisplayName, roles.ToHashSet(StringComparer.Ordinal));
}

/// <summary>The caller may not do this, or the record is not theirs. Says nothing about whether the record exists.</summary>
public sealed class AccessDeniedException() : Exception("You do not have access to this.");
