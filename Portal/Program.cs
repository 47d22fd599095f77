using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;
using Portal.Components;
using Portal.Components.Account;
using Portal.Domain;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Infrastructure;

// The one appsettings.json sits at the repository root and is copied next to the binaries,
// so the content root is where the portal runs from, whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

CultureInfo.DefaultThreadCurrentCulture = IndianFormats.Culture;
CultureInfo.DefaultThreadCurrentUICulture = IndianFormats.Culture;

var connectionString = builder.Configuration.GetConnectionString("Portal")
    ?? throw new InvalidOperationException("ConnectionStrings:Portal is missing from appsettings.json.");

builder.Services.AddOptions<PortalOptions>().Bind(builder.Configuration.GetSection(PortalOptions.Section));
// Development may start the clock at a chosen instant (Portal:ClockStartsAt, ISO 8601 with offset) to show an evening before or after the cut-off.
builder.Services.AddSingleton(builder.Environment.IsDevelopment() && builder.Configuration["Portal:ClockStartsAt"] is { Length: > 0 } startsAt
    ? new StartedClock(DateTimeOffset.Parse(startsAt, CultureInfo.InvariantCulture))
    : TimeProvider.System);

builder.Services.AddDbContextFactory<PortalDbContext>(options => options.UsePortalDatabase(connectionString));

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
// Whatever the environment or configuration says: a circuit's errors never reach the browser (PortalErrorBoundary shows a reference instead).
builder.Services.PostConfigure<CircuitOptions>(options => options.DetailedErrors = false);
builder.Services.AddMudServices();

builder.Services.AddCascadingAuthenticationState();
builder.Services.AddScoped<IdentityRedirectManager>();
builder.Services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
builder.Services.AddAuthentication(options =>
    {
        options.DefaultScheme = IdentityConstants.ApplicationScheme;
        options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
    })
    .AddIdentityCookies();
builder.Services.AddPortalIdentity();
builder.Services.AddPortalAntiforgery(builder.Environment);
builder.Services.AddAuthorization(options => options.AddPortalPolicies());
builder.Services.AddPortalRateLimits(builder.Configuration);
builder.Services.AddPortalErrorHandling();
// In production the portal sits behind a reverse proxy on the same machine that ends TLS: its X-Forwarded-Proto makes the
// request https (so Secure cookies are issued) and X-Forwarded-For gives the client's address to the rate limits.
// Only loopback proxies are believed.
builder.Services.Configure<ForwardedHeadersOptions>(options =>
    options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);

builder.Services.AddPortalDomain();

builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

var app = builder.Build();

app.UseForwardedHeaders();
app.UsePortalErrorHandling();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}
app.UseSecurityHeaders();
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseRateLimiter();
// Named here, after the middleware above, so a sign-in redirect or a refusal also carries the security headers.
app.UseAuthentication();
app.UseAuthorization();

app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode()
    // The circuit's own endpoints (/_blazor, its negotiate and initializers) are open to anyone, as without a fallback policy,
    // so a page marked [AllowAnonymous] (a substitute's shared delivery sheet) becomes interactive. Pages keep their own [Authorize].
    .Add(endpoint =>
    {
        if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } path } && path.TrimStart('/').StartsWith("_blazor", StringComparison.Ordinal))
        {
            endpoint.Metadata.Add(new AllowAnonymousAttribute());
        }
    });
app.MapAccountEndpoints();
app.MapDeliveryExports();
app.MapBillingExports();
app.MapHealthChecks("/health").AllowAnonymous();

await PortalDatabase.InitialiseAsync(app.Services);
if (app.Environment.IsDevelopment() && app.Configuration.GetValue("Portal:SeedDemoData", true))
{
    await DemoData.SeedAsync(app.Services, app.Services.GetRequiredService<TimeProvider>());
    app.Logger.LogInformation("Demo data is loaded. Sign in with any of these (password for all: {Password}):{NewLine}{Logins}",
        DemoData.Password, Environment.NewLine, DemoData.Describe());
}

await app.RunAsync();

/// <summary>Entry point, visible to the tests.</summary>
public partial class Program;
