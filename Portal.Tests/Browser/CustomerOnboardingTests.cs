using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class CustomerOnboardingTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static ILocator Field(IPage page, string testId) =>
        page.Locator($"[data-testid={testId}] input, input[data-testid={testId}]").First;

    [Fact]
    public async Task Staff_create_a_customer_hand_over_the_activation_link_and_the_customer_signs_in_with_their_mobile()
    {
        var mobile = "93" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var name = $"Nandini Shetty {mobile[^4..]}";
        var office = await NewPageAsync();
        await office.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await BrowserFixture.SignInAsync(office, "staff@portal.test", DemoData.Password);

        await office.GotoAsync("/customers/new");
        await office.WaitForSelectorAsync("[data-interactive=true] [data-testid=customer-form]");
        await Field(office, "field-name").FillAsync(name);
        await Field(office, "field-mobile").FillAsync($"+91 {mobile[..5]} {mobile[5..]}");
        await Field(office, "field-address").FillAsync("#21, 4th Cross");
        await Field(office, "field-area").FillAsync("Basavanagudi");
        await Field(office, "field-pin").FillAsync("560004");
        await office.GetByTestId("save-customer").ClickAsync();

        await Expect(office.GetByTestId("created-notice")).ToBeVisibleAsync();
        await Expect(office.GetByTestId("customer-name")).ToHaveTextAsync(name);
        await office.GetByTestId("activation-link").ClickAsync();
        var linkField = office.Locator("[data-testid=activation-url] textarea, textarea[data-testid=activation-url]").First;
        await Expect(linkField).ToHaveValueAsync(new Regex("/Account/Activate\\?user="));
        var link = await linkField.InputValueAsync();
        await office.GetByRole(AriaRole.Button, new() { Name = "Copy link" }).ClickAsync();
        // The button says so once the browser has the link on its clipboard.
        await Expect(office.GetByRole(AriaRole.Button, new() { Name = "Copied" })).ToBeVisibleAsync();
        Assert.Equal(link, await office.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        var phone = await NewPageAsync(BrowserDevice.Phone);
        await phone.GotoAsync(link);
        await phone.FillAsync("#new-password", "our milk at seven");
        await phone.FillAsync("#confirm-password", "our milk at seven");
        await phone.GetByTestId("activate-submit").ClickAsync();
        await Expect(phone.GetByTestId("activation-done")).ToContainTextAsync(mobile);

        await BrowserFixture.SignInAsync(phone, $"{mobile[..5]} {mobile[5..]}", "our milk at seven");
        await Expect(phone.GetByTestId("customer-greeting")).ToHaveTextAsync($"Hello, {name}");

        await using var db = PortalDatabase();
        var customer = await db.Customers.Include(c => c.User).SingleAsync(c => c.Mobile == mobile);
        Assert.NotNull(customer.User.PasswordHash);
        Assert.NotNull(customer.User.LastSignInAt);
    }
}
