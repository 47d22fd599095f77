using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Portal.Components.Pages.Customers;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Payments;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

/// <summary>The Payments tab on the office's customer page and its dialog, against a real database. Clock at 19:00 IST on 24 Nov 2026.</summary>
public sealed class CustomerPaymentsTabTests : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly DatabaseFixture database;
    private PortalUser manager = null!;
    private Customer customer = null!;

    public CustomerPaymentsTabTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
    }

    public async Task InitializeAsync()
    {
        database.Time.AdjustTime(TestServices.DefaultNow);
        await using var db = database.CreateContext();
        manager = await TestData.AddUserAsync(db, Roles.Manager);
        var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        customer = await TestData.AddCustomerAsync(db, name: $"Kavya Nair {TestData.Next()}");
        var milk = await TestData.AddProductAsync(db, 56m);
        var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, new DateOnly(2026, 11, 1));
        // 2 L × ₹56 = ₹112.00 invoiced, ₹12.00 already paid: ₹100.00 due.
        await TestData.AddInvoiceAsync(db, customer, manager, await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 11, 10), agent, 2m));
        db.Payments.Add(new Payment
        {
            CustomerId = customer.Id, Amount = 12m, Method = PaymentMethod.Upi, ReceivedOn = new DateOnly(2026, 11, 12), Reference = "UPI 77",
            RecordedByUserId = manager.Id, RecordedAt = TestData.Now,
        });
        await db.SaveChangesAsync();
    }

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    private (IRenderedComponent<CustomerPaymentsTab> Tab, IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<MudSnackbarProvider> Snackbars) RenderTab()
    {
        SignInAs(Roles.Manager, manager.Id, manager.DisplayName);
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var snackbars = Render<MudSnackbarProvider>();
        var tab = Render<CustomerPaymentsTab>(p => p.Add(t => t.CustomerId, customer.Id).Add(t => t.CustomerName, customer.Name));
        tab.WaitForElement("[data-testid=balance-summary]");
        return (tab, dialogs, snackbars);
    }

    private static string Text(IRenderedComponent<CustomerPaymentsTab> tab, string testId) => tab.Find($"[data-testid={testId}]").TextContent.Trim();

    private static IElement FieldOf(IRenderedComponent<MudDialogProvider> dialogs, string testId) =>
        dialogs.Find($"[data-testid={testId}]").Closest(".mud-input-control")
        ?? throw new InvalidOperationException($"{testId} is not inside a form field.");

    private static List<string[]> Rows(IRenderedComponent<CustomerPaymentsTab> tab) =>
        tab.FindAll("[data-testid=payments-table] tbody tr")
            .Select(r => r.QuerySelectorAll("[data-testid=payment-date], [data-testid=payment-amount], [data-testid=payment-method], [data-testid=payment-reference]")
                .Select(c => c.TextContent.Trim()).ToArray())
            .ToList();

    private async Task<List<Payment>> SavedAsync()
    {
        await using var db = database.CreateContext();
        return await db.Payments.AsNoTracking().Where(p => p.CustomerId == customer.Id).OrderBy(p => p.Id).ToListAsync();
    }

    [Fact]
    public async Task A_manager_sees_the_balance_and_records_a_payment_through_the_dialog()
    {
        var (tab, dialogs, snackbars) = RenderTab();

        Assert.Equal("₹112.00", Text(tab, "balance-invoiced"));
        Assert.Equal("₹12.00", Text(tab, "balance-paid"));
        Assert.Equal("Due", Text(tab, "balance-due-label"));
        Assert.Equal("₹100.00", Text(tab, "balance-due"));
        Assert.Equal([["12 Nov 2026", "₹12.00", "UPI", "UPI 77"]], Rows(tab));

        tab.Find("[data-testid=record-payment]").Click();
        dialogs.WaitForElement("[data-testid=payment-form]");
        Assert.Contains("₹100.00 due.", dialogs.Find("[data-testid=payment-due]").TextContent, StringComparison.Ordinal);
        Assert.Equal("24 Nov 2026", dialogs.Find("input[data-testid=field-payment-date]").GetAttribute("value"));
        dialogs.Find("input[data-testid=field-payment-amount]").Change("150");
        var method = dialogs.FindComponent<MudSelect<PaymentMethod?>>();
        await dialogs.InvokeAsync(() => method.Instance.ValueChanged.InvokeAsync(PaymentMethod.Cash));
        dialogs.Find("input[data-testid=field-payment-reference]").Change("Receipt 42");
        dialogs.Find("[data-testid=save-payment]").Click();

        tab.WaitForAssertion(() => Assert.Equal(2, Rows(tab).Count));
        Assert.Equal(["24 Nov 2026", "₹150.00", "Cash", "Receipt 42"], Rows(tab)[0]);
        Assert.Equal("₹162.00", Text(tab, "balance-paid"));
        Assert.Equal("Credit", Text(tab, "balance-due-label"));
        Assert.Equal("₹50.00", Text(tab, "balance-due"));
        snackbars.WaitForAssertion(() => Assert.Contains($"₹150.00 from {customer.Name} recorded.", snackbars.Markup, StringComparison.Ordinal));
        Assert.Empty(dialogs.FindAll("[data-testid=payment-form]"));
        var saved = (await SavedAsync())[^1];
        Assert.Equal((150m, PaymentMethod.Cash, new DateOnly(2026, 11, 24), "Receipt 42", manager.Id),
            (saved.Amount, saved.Method, saved.ReceivedOn, saved.Reference, saved.RecordedByUserId));
    }

    [Fact]
    public async Task The_dialog_shows_each_message_next_to_its_field_and_records_nothing()
    {
        var (tab, dialogs, _) = RenderTab();
        tab.Find("[data-testid=record-payment]").Click();
        dialogs.WaitForElement("[data-testid=payment-form]");

        dialogs.Find("input[data-testid=field-payment-amount]").Change("10.555");
        dialogs.Find("input[data-testid=field-payment-date]").Change("25 Nov 2026");
        dialogs.Find("[data-testid=save-payment]").Click();

        dialogs.WaitForAssertion(() =>
        {
            Assert.Contains("Amounts are in rupees and paise: at most 2 decimals.", FieldOf(dialogs, "field-payment-amount").TextContent, StringComparison.Ordinal);
            Assert.Contains("Choose how the money was paid.", FieldOf(dialogs, "field-payment-method").TextContent, StringComparison.Ordinal);
            Assert.Contains("The day received cannot be after today (24 Nov 2026).", FieldOf(dialogs, "field-payment-date").TextContent, StringComparison.Ordinal);
        });
        Assert.NotEmpty(dialogs.FindAll("[data-testid=payment-form]"));
        Assert.Single(await SavedAsync());
        Assert.Single(Rows(tab));
    }

    [Theory]
    [InlineData(Roles.Manager, true)]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Staff, false)]
    public async Task Only_managers_and_admins_see_the_payments_tab_on_the_customer_page(string role, bool seesPayments)
    {
        await using var db = database.CreateContext();
        var user = await TestData.AddUserAsync(db, role);
        SignInAs(role, user.Id, user.DisplayName);
        RenderPopoverProvider();

        var page = Render<CustomerDetailsPage>(p => p.Add(c => c.Id, customer.Id));

        page.WaitForElement("[data-testid=customer-name]");
        var tabs = page.FindAll(".mud-tab").Select(t => t.TextContent.Trim()).ToList();
        Assert.Contains(tabs, t => t.StartsWith("History", StringComparison.Ordinal));
        Assert.Equal(seesPayments, tabs.Contains("Payments"));
    }
}
