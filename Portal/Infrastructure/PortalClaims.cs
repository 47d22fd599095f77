using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Domain.Identity;

namespace Portal;

public static class PortalClaims
{
    public const string DisplayName = "portal:display_name";

    /// <summary>Present while the person still has to replace an initial password given by the office.</summary>
    public const string MustChangePassword = "portal:must_change_password";

    /// <summary>The signed-in user's id, or null for an anonymous principal.</summary>
    public static string? UserId(this ClaimsPrincipal principal) => principal.FindFirstValue(ClaimTypes.NameIdentifier);
}

/// <summary>Puts the person's name in the cookie so the shell can greet them without a query.</summary>
internal sealed class PortalClaimsFactory(UserManager<PortalUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(PortalClaims.DisplayName, string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName ?? "" : user.DisplayName));
        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(PortalClaims.MustChangePassword, "true"));
        }
        return identity;
    }
}

public static class CallerExtensions
{
    /// <summary>The signed-in person as the domain services want them: id, name and roles.</summary>
    public static async Task<Domain.Common.Caller> GetCallerAsync(this Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState> state) =>
        Domain.Common.Caller.From((await state).User, PortalClaims.DisplayName);
}
