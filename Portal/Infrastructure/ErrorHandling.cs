using System.Security.Cryptography;
using Microsoft.AspNetCore.Diagnostics;

namespace Portal.Infrastructure;

/// <summary>
/// The short reference a person reads out to the office when something breaks, and the office finds in the log.
/// Eight characters without look-alikes (no 0/O, 1/I), so it survives being read over the phone.
/// </summary>
public static class ErrorReference
{
    public const int Length = 8;

    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private static readonly object ItemKey = new();

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>The reference of the failure this request is answering, if any (set by <see cref="PortalExceptionHandler"/>).</summary>
    public static string? Of(HttpContext? context) => context?.Items[ItemKey] as string;

    internal static void Set(HttpContext context, string reference) => context.Items[ItemKey] = reference;
}

/// <summary>
/// Logs an unhandled request failure once, with its reference, and leaves the answer to the /Error page,
/// which shows the same reference and nothing of the failure itself.
/// </summary>
internal sealed partial class PortalExceptionHandler(ILogger<PortalExceptionHandler> logger) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var reference = ErrorReference.New();
        ErrorReference.Set(httpContext, reference);
        // The route pattern, not the path: a shared link's path is its secret token.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? endpoint?.DisplayName ?? "(no endpoint)";
        LogFailure(logger, exception, reference, httpContext.Request.Method, route);
        return ValueTask.FromResult(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request failed, reference {Reference}: {Method} {Route}")]
    private static partial void LogFailure(ILogger logger, Exception exception, string reference, string method, string route);
}

public static class ErrorHandling
{
    public static IServiceCollection AddPortalErrorHandling(this IServiceCollection services)
    {
        services.AddExceptionHandler<PortalExceptionHandler>();
        return services;
    }

    /// <summary>In every environment, Development included: a demo is clicked through by people who should never see a stack trace.</summary>
    public static IApplicationBuilder UsePortalErrorHandling(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/Error",
            CreateScopeForErrors = true,
            // PortalExceptionHandler has logged it with its reference; the middleware's own entry would be a second, unreferenced copy.
            SuppressDiagnosticsCallback = _ => true,
        });
}
