namespace Portal.Infrastructure;

/// <summary>Headers every response carries, whatever answered it (a page, an error page, a file, a refusal).</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Blazor Server and MudBlazor need nothing inline but styles: scripts come only from the portal's own files, the circuit
    /// connects back to the same origin, and MudBlazor sets element styles (positions of popovers, widths) at run time.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>No page needs these devices.</summary>
    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=()";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            // At the last moment, so headers also reach answers the exception handler or status code pages wrote after clearing the response.
            context.Response.OnStarting(() =>
            {
                Apply(context.Response);
                return Task.CompletedTask;
            });
            await next(context);
        });

    private static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        // Shared delivery links carry their secret in the URL; nothing the page links to or loads may learn it.
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers["Permissions-Policy"] = PermissionsPolicy;
        // Pages show names, addresses and money: neither the browser nor anything in between may keep a copy.
        // Static files are not HTML and keep their own long-lived caching.
        if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            headers.CacheControl = "no-store";
        }
    }
}
