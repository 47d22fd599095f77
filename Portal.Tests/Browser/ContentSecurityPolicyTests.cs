using System.Collections.Concurrent;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

/// <summary>
/// The portal's Content-Security-Policy, enforced by the real browser, blocks nothing the portal itself needs:
/// Blazor's circuit, MudBlazor's script and styles, dialogs, the QR code image. Any refusal shows up in the console.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private const string DemoCustomerMobile = "9876500001";

    [Fact]
    public async Task The_policy_is_enforced_and_a_breach_of_it_is_caught()
    {
        var page = await NewPageAsync();
        var console = await BrowserConsole.WatchAsync(page);
        await page.GotoAsync("/Account/Login");

        var ran = await page.EvaluateAsync<bool>("""
            () => {
                const script = document.createElement('script');
                script.textContent = 'window.inlineScriptRan = true;';
                document.head.appendChild(script);
                return window.inlineScriptRan === true;
            }
            """);

        Assert.False(ran);
        await console.WaitForAsync(m => m.Contains("Content Security Policy", StringComparison.Ordinal) && m.Contains("script-src", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Office_pages_dialogs_and_the_shared_link_panel_work_under_the_policy()
    {
        int routeId;
        await using (var db = PortalDatabase())
        {
            routeId = (await TestData.AddRouteAsync(db)).Id;
        }
        var page = await NewPageAsync();
        var console = await BrowserConsole.WatchAsync(page);

        await BrowserFixture.SignInAsync(page, DemoData.Logins.Single(l => l.Role == Roles.Staff).SignInWith, DemoData.Password);
        await Expect(page.GetByTestId("stat-customers")).ToBeVisibleAsync();

        await page.GotoAsync("/customers");
        await page.WaitForSelectorAsync("[data-interactive=true] [data-testid=customers-grid]");
        var rows = page.GetByTestId("customers-grid").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(25);
        await page.Locator("input[data-testid=customer-search], [data-testid=customer-search] input").First.FillAsync(DemoCustomerMobile);
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("Priya Sharma");

        await page.GotoAsync("/products");
        await page.WaitForSelectorAsync("[data-interactive=true] [data-testid=products-table]");
        await page.GetByTestId("new-product").ClickAsync();
        var name = page.Locator("[data-testid=field-product-name] input, input[data-testid=field-product-name]").First;
        await Expect(name).ToBeVisibleAsync();
        await name.FillAsync("Buttermilk 200 ml");
        await Expect(name).ToHaveValueAsync("Buttermilk 200 ml");
        await page.GetByTestId("cancel-product").ClickAsync();
        await Expect(page.GetByTestId("product-form")).ToHaveCountAsync(0);

        await page.GotoAsync($"/deliveries/{routeId}/{DeliverySheetJourneyTests.Today:yyyy-MM-dd}");
        await page.WaitForSelectorAsync("[data-interactive=true] [data-testid=share-toggle]");
        await page.GetByTestId("share-toggle").ClickAsync();
        await page.GetByTestId("create-link").ClickAsync();
        var qr = page.Locator("img.activation-qr");
        await Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "The QR code image (a data: URL) did not load.");

        console.AssertNoRefusals();
    }

    [Fact]
    public async Task The_customer_pages_work_under_the_policy()
    {
        var page = await NewPageAsync(BrowserDevice.Phone);
        var console = await BrowserConsole.WatchAsync(page);

        await BrowserFixture.SignInAsync(page, DemoCustomerMobile, DemoData.Password);
        await Expect(page.GetByTestId("customer-greeting")).ToHaveTextAsync("Hello, Priya Sharma");

        foreach (var path in new[] { "/me/subscriptions", "/me/deliveries", "/me/invoices", "/me/orders", "/me/profile" })
        {
            await page.GotoAsync(path);
            await page.WaitForSelectorAsync("[data-interactive=true] h1");
            Assert.NotEqual("Not found · Portal", await page.TitleAsync());
            await Expect(page.GetByTestId("load-error")).ToHaveCountAsync(0);
        }

        console.AssertNoRefusals();
    }

    [Fact]
    public async Task A_substitute_opens_a_shared_sheet_under_the_policy()
    {
        var page = await NewPageAsync(BrowserDevice.Phone);
        var console = await BrowserConsole.WatchAsync(page);

        await page.GotoAsync("/s/not-a-real-token-000000");
        await page.WaitForSelectorAsync("[data-interactive=true] [data-testid=link-refused]");

        console.AssertNoRefusals();
    }

    /// <summary>Everything the page writes to the console, its uncaught errors, and every policy violation the document reports.</summary>
    private sealed class BrowserConsole
    {
        private readonly ConcurrentQueue<string> messages = new();

        public static async Task<BrowserConsole> WatchAsync(IPage page)
        {
            var console = new BrowserConsole();
            page.Console += (_, message) => console.messages.Enqueue($"console.{message.Type}: {message.Text}");
            page.PageError += (_, error) => console.messages.Enqueue($"pageerror: {error}");
            // Chromium logs refusals itself; the event also catches those it reports without a console line.
            await page.AddInitScriptAsync("""
                document.addEventListener('securitypolicyviolation', e =>
                    console.error(`Refused by the Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));
                """);
            return console;
        }

        private IReadOnlyList<string> Refusals => messages
            .Where(m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)
                || m.Contains("Refused to", StringComparison.Ordinal)
                || m.StartsWith("pageerror:", StringComparison.Ordinal))
            .ToList();

        public void AssertNoRefusals() =>
            Assert.True(Refusals.Count == 0, "The browser refused or failed:" + Environment.NewLine + string.Join(Environment.NewLine, Refusals));

        public async Task WaitForAsync(Func<string, bool> match)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!messages.Any(match))
            {
                Assert.True(DateTime.UtcNow < deadline, "No such console message. Seen:" + Environment.NewLine + string.Join(Environment.NewLine, messages));
                await Task.Delay(100);
            }
        }
    }
}
