using Microsoft.AspNetCore.Authorization;
using Portal.Domain.Identity;

namespace Portal.Infrastructure;

/// <summary>Named authorization policies, for pages and endpoints that are not tied to particular roles.</summary>
public static class PortalPolicies
{
    /// <summary>Signed in and holding one of the portal's roles: an account whose roles were all removed opens nothing.</summary>
    public const string SignedIn = nameof(SignedIn);

    public static AuthorizationPolicy SignedInPolicy { get; } = new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .RequireRole(Roles.All)
        .Build();

    public static AuthorizationOptions AddPortalPolicies(this AuthorizationOptions options)
    {
        options.AddPolicy(SignedIn, SignedInPolicy);
        // Every page and endpoint must say who may see it; anything that forgets is open only to signed-in portal users.
        options.FallbackPolicy = SignedInPolicy;
        return options;
    }
}
