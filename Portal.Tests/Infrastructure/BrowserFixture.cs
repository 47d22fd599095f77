using Microsoft.Playwright;

namespace Portal.Tests.Infrastructure;

/// <summary>Every browser test class joins this collection, so one portal and one Chromium serve them all, one test at a time.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

public enum BrowserDevice
{
    Desktop,
    Phone,
}

/// <summary>
/// The real portal (<see cref="PortalServer"/>) and Debian's Chromium driven by Playwright. Each test takes a fresh
/// <see cref="IBrowserContext"/>: its own cookies, so no test inherits another's sign-in.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ];

    private PortalServer? server;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public PortalServer Server => server ?? throw new InvalidOperationException("The browser fixture is not started.");

    public IBrowser Browser => browser ?? throw new InvalidOperationException("The browser fixture is not started.");

    public Uri BaseAddress => Server.BaseAddress;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        // The portal and the browser start side by side; each takes a few seconds.
        var starting = PortalServer.StartAsync();
        try
        {
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
            });
        }
        finally
        {
            server = await starting;
        }
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }
        playwright?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>A new, signed-out browser context: a 1366×768 desktop or a 390×844 touch phone.</summary>
    public async Task<IBrowserContext> NewContextAsync(BrowserDevice device = BrowserDevice.Desktop)
    {
        var options = new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = "en-IN",
            TimezoneId = "Asia/Kolkata",
        };
        if (device == BrowserDevice.Phone)
        {
            options.ViewportSize = new ViewportSize { Width = 390, Height = 844 };
            options.IsMobile = true;
            options.HasTouch = true;
            options.DeviceScaleFactor = 2;
        }
        else
        {
            options.ViewportSize = new ViewportSize { Width = 1366, Height = 768 };
        }
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(20_000);
        return context;
    }

    /// <summary>Fills the sign-in form and submits it; does not wait for any particular outcome.</summary>
    public static async Task SubmitSignInAsync(IPage page, string login, string password)
    {
        if (!page.Url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase))
        {
            await page.GotoAsync("/Account/Login");
        }
        await page.FillAsync("#login-name", login);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("[data-testid=sign-in]");
    }

    /// <summary>Signs in and waits until the landing page's circuit is interactive (MainLayout's <c>data-interactive</c> marker).</summary>
    public static async Task SignInAsync(IPage page, string login, string password)
    {
        await SubmitSignInAsync(page, login, password);
        await page.WaitForSelectorAsync("[data-interactive=true]");
    }
}
