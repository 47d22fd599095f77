using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Infrastructure;

/// <summary>Section <c>Portal:RateLimits</c>: how many tries one client address gets per minute.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Portal:RateLimits";

    /// <summary>Sign-in form posts, and (counted apart) change-password posts: enough for typos, far too few for guessing passwords.</summary>
    public int SignInPerMinute { get; set; } = 10;

    /// <summary>Set-password (activation) form posts.</summary>
    public int ActivatePerMinute { get; set; } = 10;

    /// <summary>Shared delivery links opened: a substitute opens one a few times; guessing tokens takes millions.</summary>
    public int SharedLinkPerMinute { get; set; } = 60;
}

/// <summary>
/// Limits per client address on the doors that take secrets: the sign-in, activation and change-password forms, and shared links.
/// Everything else is unlimited. Behind a reverse proxy the address is the forwarded one (Program.cs, forwarded headers).
/// </summary>
public static partial class RateLimits
{
    public const string RefusedMessage = "Too many attempts. Wait a minute and try again.";

    private const int Segments = 6;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Segment = Window / Segments;

    private const string Page = $$"""
        <!DOCTYPE html>
        <html lang="en-IN">
        <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1.0" /><title>Too many attempts · Portal</title></head>
        <body><h1>Too many attempts</h1><p>{{RefusedMessage}}</p></body>
        </html>
        """;

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, ILoggerFactory>((options, limits, loggers) =>
        {
            var logger = loggers.CreateLogger(typeof(RateLimits).FullName!);
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => PartitionFor(http, limits.Value));
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                LogRefused(logger, RuleFor(http.Request) ?? "request", ClientAddress(http));
                // A sliding window frees permits a segment at a time; its lease does not say when, so promise the next segment.
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : Segment;
                http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                http.Response.ContentType = "text/html; charset=utf-8";
                await http.Response.WriteAsync(Page, cancellationToken);
            };
        });
        return services;
    }

    /// <summary>Which limit a request counts against, or null when it counts against none.</summary>
    private static string? RuleFor(HttpRequest request)
    {
        if (HttpMethods.IsPost(request.Method) && request.Path.Equals("/Account/Login", StringComparison.OrdinalIgnoreCase))
        {
            return "sign-in";
        }
        if (HttpMethods.IsPost(request.Method) && request.Path.Equals("/Account/Activate", StringComparison.OrdinalIgnoreCase))
        {
            return "activate";
        }
        // Checks the current password without counting failures towards a lockout, so it is a way to guess one.
        if (HttpMethods.IsPost(request.Method) && request.Path.Equals("/Account/ChangePassword", StringComparison.OrdinalIgnoreCase))
        {
            return "change-password";
        }
        if (HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments("/s", StringComparison.OrdinalIgnoreCase))
        {
            return "shared-link";
        }
        return null;
    }

    private static RateLimitPartition<string> PartitionFor(HttpContext http, RateLimitOptions limits)
    {
        var rule = RuleFor(http.Request);
        if (rule is null)
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        var permits = rule switch
        {
            "sign-in" or "change-password" => limits.SignInPerMinute,
            "activate" => limits.ActivatePerMinute,
            _ => limits.SharedLinkPerMinute,
        };
        return RateLimitPartition.GetSlidingWindowLimiter($"{rule} {ClientAddress(http)}", _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = Window,
            SegmentsPerWindow = Segments,
            QueueLimit = 0,
        });
    }

    private static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Too many {Rule} requests from {ClientAddress}: refused with 429.")]
    private static partial void LogRefused(ILogger logger, string rule, string clientAddress);
}
