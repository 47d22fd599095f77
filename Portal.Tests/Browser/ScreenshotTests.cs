using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

/// <summary>
/// Full-page pictures of the sign-in page and of each role's home, on a desktop and on a phone, for people to look at.
/// They land in the test output folder, or in <c>PORTAL_SCREENSHOTS_DIR</c> when set (docs/screenshots is made that way).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    public static TheoryData<string, BrowserDevice> Shells()
    {
        var data = new TheoryData<string, BrowserDevice>();
        foreach (var role in Roles.All)
        {
            data.Add(role, BrowserDevice.Desktop);
            data.Add(role, BrowserDevice.Phone);
        }
        return data;
    }

    [Theory]
    [InlineData(BrowserDevice.Desktop)]
    [InlineData(BrowserDevice.Phone)]
    public async Task Sign_in_page(BrowserDevice device)
    {
        var page = await NewPageAsync(device);
        await page.GotoAsync("/Account/Login");
        await Expect(page.GetByTestId("sign-in")).ToBeVisibleAsync();

        await SaveAsync(page, $"login-{Suffix(device)}.png");
    }

    [Theory]
    [MemberData(nameof(Shells))]
    public async Task Home_of_each_role(string role, BrowserDevice device)
    {
        var login = DemoData.Logins.Single(l => l.Role == role);
        var page = await NewPageAsync(device);
        await BrowserFixture.SignInAsync(page, login.SignInWith, DemoData.Password);

        var loaded = role switch
        {
            Roles.DeliveryAgent => page.GetByTestId("agent-route").First,
            Roles.Customer => page.GetByTestId("customer-greeting"),
            _ => page.GetByTestId("stat-customers"),
        };
        await Expect(loaded).ToBeVisibleAsync();

        await SaveAsync(page, $"{role.ToLowerInvariant()}-{Suffix(device)}.png");
    }

    private const string DemoCustomer = "9876500001";

    private static DateOnly TodayInIndia =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata")).DateTime);

    public static TheoryData<string, string, string, BrowserDevice> PagesByRole()
    {
        var data = new TheoryData<string, string, string, BrowserDevice>();
        (string Login, string Path, string Name)[] pages =
        [
            ("staff@portal.test", "/customers", "customers"),
            ("staff@portal.test", "/customers/1", "customer"),
            ("staff@portal.test", "/customers/new", "customer-new"),
            ("staff@portal.test", "/orders", "orders"),
            ("staff@portal.test", "/products", "products"),
            ("staff@portal.test", "/routes", "routes"),
            ("staff@portal.test", "/routes/1", "route"),
            ("staff@portal.test", "/deliveries", "deliveries"),
            ("staff@portal.test", $"/deliveries/1/{TodayInIndia:yyyy-MM-dd}", "sheet-office"),
            ("agent@portal.test", "/agent", "agent-routes"),
            ("agent@portal.test", $"/deliveries/1/{TodayInIndia:yyyy-MM-dd}", "sheet-agent"),
            ("admin@portal.test", "/admin/users", "users"),
            ("manager@portal.test", "/audit", "audit"),
            ("manager@portal.test", "/billing", "billing"),
            ("manager@portal.test", "/billing/runs", "billing-runs"),
            ("manager@portal.test", "/invoices", "invoices"),
            (DemoCustomer, "/me/subscriptions", "me-subscriptions"),
            (DemoCustomer, "/me/orders", "me-orders"),
            (DemoCustomer, "/me/deliveries", "me-deliveries"),
            (DemoCustomer, "/me/invoices", "me-invoices"),
            (DemoCustomer, "/me/profile", "me-profile"),
        ];
        foreach (var (login, path, name) in pages)
        {
            data.Add(login, path, name, BrowserDevice.Desktop);
            data.Add(login, path, name, BrowserDevice.Phone);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PagesByRole))]
    public async Task Pages_as_each_role_sees_them(string login, string path, string name, BrowserDevice device)
    {
        var page = await NewPageAsync(device);
        await BrowserFixture.SignInAsync(page, login, DemoData.Password);
        await page.GotoAsync(path);
        await page.WaitForSelectorAsync("[data-interactive=true] h1");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Expect(page.GetByTestId("access-denied")).ToHaveCountAsync(0);
        await Expect(page.Locator(".mud-progress-linear")).ToHaveCountAsync(0);

        await SaveAsync(page, $"page-{name}-{Suffix(device)}.png");
    }

    [Theory]
    [InlineData(BrowserDevice.Desktop)]
    [InlineData(BrowserDevice.Phone)]
    public async Task A_customers_invoice(BrowserDevice device)
    {
        var page = await NewPageAsync(device);
        await BrowserFixture.SignInAsync(page, DemoCustomer, DemoData.Password);
        await page.GotoAsync("/me/invoices");
        await page.GetByTestId("invoice-row").First.ClickAsync();
        await Expect(page.GetByTestId("invoice-line").First).ToBeVisibleAsync();

        await SaveAsync(page, $"page-me-invoice-{Suffix(device)}.png");
    }

    private static string Suffix(BrowserDevice device) => device == BrowserDevice.Phone ? "phone" : "desktop";

    private static async Task SaveAsync(IPage page, string fileName)
    {
        var folder = Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, fileName);

        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = path,
            FullPage = true,
            Animations = ScreenshotAnimations.Disabled,
            Caret = ScreenshotCaret.Hide,
        });

        Assert.True(new FileInfo(path).Length > 0, $"{path} is empty.");
    }
}
