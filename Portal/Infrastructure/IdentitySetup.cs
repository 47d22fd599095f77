using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;

namespace Portal.Infrastructure;

internal static class IdentitySetup
{
    public const int MaxFailedAttempts = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    public static IServiceCollection AddPortalIdentity(this IServiceCollection services)
    {
        // Identity's stores want a scoped context; pages use the factory for their own short-lived ones.
        services.AddScoped(sp => sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PortalDbContext>>().CreateDbContext());

        services.AddIdentityCore<PortalUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.Password.RequiredLength = 8;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = MaxFailedAttempts;
                options.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
                options.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager<PortalSignInManager>()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>()
            .AddDefaultTokenProviders();

        services.AddDataProtection();
        // Activation (set-password) links are Identity reset tokens; they live as long as the portal's setting says.
        services.AddOptions<DataProtectionTokenProviderOptions>()
            .Configure<IOptions<PortalOptions>>((tokens, portal) => tokens.TokenLifespan = TimeSpan.FromDays(portal.Value.ActivationLinkDays));
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromMinutes(1));
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/Account/Login";
            options.LogoutPath = "/Account/Logout";
            options.AccessDeniedPath = "/Account/AccessDenied";
            options.Cookie.Name = "portal.auth";
            options.Cookie.HttpOnly = true;
            // Lax, not Strict: a link to the portal opened from an SMS or a mail app must arrive signed in.
            options.Cookie.SameSite = SameSiteMode.Lax;
            // Chromium keeps a Secure cookie over plain http on localhost and 127.0.0.1, so this holds for run.sh and the browser tests too.
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            options.ExpireTimeSpan = TimeSpan.FromHours(12);
            options.SlidingExpiration = true;
        });
        services.ConfigureExternalCookie(options =>
        {
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });
        return services;
    }

    /// <summary>
    /// The antiforgery cookie, as the sign-in cookie but for one thing: ASP.NET Core refuses to issue a Secure-only antiforgery
    /// cookie on a plain http request, and Development (run.sh, the browser tests) is served over http.
    /// </summary>
    public static IServiceCollection AddPortalAntiforgery(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddAntiforgery(options =>
        {
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            // SecurityHeaders sends X-Frame-Options: DENY on every response, not only those with a form.
            options.SuppressXFrameOptionsHeader = true;
        });
        return services;
    }
}
