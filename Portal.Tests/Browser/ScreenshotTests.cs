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
