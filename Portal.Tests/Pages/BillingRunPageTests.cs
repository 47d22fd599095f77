using Bunit;
using MudBlazor;
using Npgsql;
using Portal.Components.Pages.Billing;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

public sealed class BillingRunPageTests : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    /// <summary>BillingService's advisory lock key ("BILL").</summary>
    private const long BillingLock = 0x42494C4C;

    private readonly DatabaseFixture database;

    public BillingRunPageTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
    }

    public async Task InitializeAsync()
    {
        await using var db = database.CreateContext();
        var manager = await TestData.AddUserAsync(db, Roles.Manager);
        var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        var route = await TestData.AddRouteAsync(db, agent);
        var milk = await TestData.AddProductAsync(db, unitPrice: 60m);
        var customer = await TestData.AddCustomerAsync(db, route, name: "Kavya Run");
        var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, new DateOnly(2026, 10, 5));
        subscription.EndDate = new DateOnly(2026, 10, 6);
        await db.SaveChangesAsync();
        await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 10, 5), agent);
        await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 10, 6), agent);
        SignInAs(Roles.Manager, manager.Id, manager.DisplayName);
    }

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    private static string Words(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private static async Task ConfirmRunAsync(IRenderedComponent<MudDialogProvider> dialogs, IRenderedComponent<BillingPage> page)
    {
        // The click's handler waits for the answer to the confirmation, so it completes only after the dialog's button is clicked.
        var clicked = page.Find("button[data-testid=run-billing]").ClickAsync(new());
        var confirm = dialogs.WaitForElement(".mud-dialog button:last-child");
        Assert.Contains("Run billing", confirm.TextContent, StringComparison.OrdinalIgnoreCase);
        await confirm.ClickAsync(new());
        await clicked;
    }

    [Fact]
    public async Task A_run_refused_while_another_runs_is_a_warning_then_the_run_sums_up_and_nothing_is_left_to_bill()
    {
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<BillingPage>();
        await page.Find("button[data-testid=preview]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("₹120.00", page.Find("[data-testid=preview-total]").TextContent.Trim()));

        await using (var other = new NpgsqlConnection(database.ConnectionString))
        {
            await other.OpenAsync();
            await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({BillingLock})", other))
            {
                await take.ExecuteScalarAsync();
            }
            await ConfirmRunAsync(dialogs, page);
            page.WaitForAssertion(() => Assert.Contains("Another billing run is in progress", page.Find("[data-testid=run-warning]").TextContent, StringComparison.Ordinal));
            Assert.Empty(page.FindAll("[data-testid=run-summary]"));
            // Pooled connections outlive Dispose, and a session lock with them: release it explicitly.
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({BillingLock})", other);
            await release.ExecuteScalarAsync();
        }

        await ConfirmRunAsync(dialogs, page);
        page.WaitForAssertion(() => Assert.Contains("1 invoice, 2 deliveries billed, total ₹120.00", Words(page.Find("[data-testid=run-summary]").TextContent), StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=run-warning]"));
        Assert.Empty(page.FindAll("[data-testid=run-progress]"));
        Assert.True(page.Find("button[data-testid=run-billing]").HasAttribute("disabled"), "Nothing is left to bill, so the run button rests.");
        Assert.Equal("0", page.Find("[data-testid=preview-deliveries]").TextContent.Trim());
    }
}
