using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Portal.Domain.Identity;

namespace Portal.Components.Account;

internal static class AccountEndpoints
{
    public static IEndpointConventionBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/Account");

        // Binding a form value makes the endpoint validate the antiforgery token, so no other site can sign anyone out.
        account.MapPost("/Logout", async ([FromServices] SignInManager<PortalUser> signInManager, [FromForm] string? returnUrl) =>
        {
            await signInManager.SignOutAsync();
            return TypedResults.LocalRedirect("~/Account/Login?signedOut=1");
        }).AllowAnonymous();

        return account;
    }
}
