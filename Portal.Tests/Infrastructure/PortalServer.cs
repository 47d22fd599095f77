using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The real portal, started as its own process from the build output the tests were built with, on a free port,
/// against a fresh test database. In Development it migrates and seeds the demo data itself, exactly as
/// <c>run.sh</c> does, so browser tests sign in with <see cref="Portal.Domain.Data.DemoData.Logins"/>.
/// </summary>
public sealed class PortalServer : IAsyncDisposable
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    private static readonly TimeSpan StartupDeadline = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly StringBuilder log = new();
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PortalServer(Process process, Uri baseAddress, string database)
    {
        this.process = process;
        BaseAddress = baseAddress;
        Database = database;
    }

    public Uri BaseAddress { get; }

    public string Database { get; }

    /// <summary>Everything the portal has written to stdout and stderr so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>
    /// Rate limits no test reaches: tests sign in from 127.0.0.1 far more often than the portal allows one address.
    /// Every test server has them unless it asks for the portal's own limits.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> HighRateLimits = new Dictionary<string, string>
    {
        ["Portal:RateLimits:SignInPerMinute"] = "10000",
        ["Portal:RateLimits:ActivatePerMinute"] = "10000",
        ["Portal:RateLimits:SharedLinkPerMinute"] = "10000",
    };

    /// <summary>
    /// Starts the portal. <paramref name="settings"/> are configuration keys (<c>Portal:ClockStartsAt</c>) passed as environment
    /// variables; <paramref name="environment"/> is the ASP.NET Core environment (Development seeds the demo data).
    /// <paramref name="ownRateLimits"/> keeps the limits of appsettings.json instead of limits no test reaches.
    /// </summary>
    public static async Task<PortalServer> StartAsync(
        IReadOnlyDictionary<string, string>? settings = null, string environment = "Development", bool ownRateLimits = false)
    {
        var portalDll = Path.Combine(FindRepositoryRoot(), "Portal", "bin", Configuration, "net10.0", "Portal.dll");
        if (!File.Exists(portalDll))
        {
            throw new InvalidOperationException($"The portal is not built: {portalDll} is missing. Build the solution with -c {Configuration} first.");
        }

        var database = await TestDatabase.CreateAsync();
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { portalDll, "--urls", baseAddress.ToString().TrimEnd('/') },
            WorkingDirectory = Path.GetDirectoryName(portalDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["DOTNET_ENVIRONMENT"] = environment;
        start.Environment["ConnectionStrings__Portal"] = TestDatabase.ConnectionStringFor(database);
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        var configuration = ownRateLimits ? [] : HighRateLimits.ToList();
        configuration.AddRange(settings ?? new Dictionary<string, string>());
        foreach (var (key, value) in configuration)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var server = new PortalServer(new Process { StartInfo = start, EnableRaisingEvents = true }, baseAddress, database);
        try
        {
            server.Start();
            await server.WaitUntilHealthyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private void Start()
    {
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Exited += (_, _) => exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            log.AppendLine(line);
        }
    }

    /// <summary>Polls /health until it answers 200; fails at once with the portal's log if the process dies.</summary>
    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = new CancellationTokenSource(StartupDeadline);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (true)
        {
            if (process.HasExited)
            {
                await exited.Task.WaitAsync(TimeSpan.FromSeconds(5));
                throw new InvalidOperationException($"The portal exited with code {process.ExitCode} before it was healthy. Its log:{Environment.NewLine}{Log}");
            }
            try
            {
                using var response = await http.GetAsync("/health", deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                // One slow answer while it migrates and seeds; ask again.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                break;
            }

            if (!await WaitForNextPollAsync(poll, deadline.Token))
            {
                break;
            }
        }
        throw new TimeoutException($"The portal at {BaseAddress} was not healthy within {StartupDeadline.TotalSeconds:0} s. Its log:{Environment.NewLine}{Log}");
    }

    private static async Task<bool> WaitForNextPollAsync(PeriodicTimer poll, CancellationToken deadline)
    {
        try
        {
            return await poll.WaitForNextTickAsync(deadline);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        finally
        {
            process.Dispose();
            await TestDatabase.DropAsync(Database);
        }
    }

    /// <summary>The folder holding Portal.sln, found by walking up from the test binaries.</summary>
    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Portal.sln above {AppContext.BaseDirectory}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
