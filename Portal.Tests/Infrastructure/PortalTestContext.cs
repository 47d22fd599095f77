using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Domain;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Infrastructure;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The one bunit base for Portal's components: MudBlazor services, loose JS interop (MudBlazor calls into JS that
/// a test has no reason to fake) and bunit's fake authentication, signed out until a test signs someone in.
/// </summary>
public abstract class PortalTestContext : BunitContext, IAsyncLifetime
{
    // MudBlazor's popover services can only be disposed asynchronously; xunit disposes through this before Dispose().
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected PortalTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Authorization = AddAuthorization();
        // Pages load from a real database; on a busy two-core runner that takes longer than bunit's one-second default.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
    }

    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Signs in a fake user the way the portal's cookie describes one: name, role, user id and display name.</summary>
    protected void SignInAs(string role, string userId, string displayName = "Test User")
    {
        Authorization.SetAuthorized(displayName);
        Authorization.SetRoles(role);
        Authorization.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, userId),
            new Claim(PortalClaims.DisplayName, displayName));
    }

    /// <summary>
    /// Registers the portal's clock and domain services against the fixture's database, as Program.cs registers them,
    /// so pages render real figures from real queries.
    /// </summary>
    protected void UseDatabase(DatabaseFixture database)
    {
        Services.AddSingleton<TimeProvider>(database.Time);
        Services.AddOptions<PortalOptions>();
        Services.AddPortalDomain();
        Services.AddSingleton(database.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        Services.AddHttpContextAccessor();
        Services.AddPortalIdentity();
    }

    /// <summary>Components with popovers (menus, selects, date pickers) need the provider rendered alongside them, as MainLayout does.</summary>
    protected IRenderedComponent<MudPopoverProvider> RenderPopoverProvider() => Render<MudPopoverProvider>();
}
