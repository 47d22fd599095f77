using System.Reflection;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Billing;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

public sealed class BillingPagesTests : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    // The fixture's clock stands at 24 Nov 2026 (IST): the billing page opens on October, the month before.
    private static readonly DateOnly November = new(2026, 11, 1);
    private static readonly DateOnly October = new(2026, 10, 1);

    private readonly DatabaseFixture database;
    private PortalUser managerUser = null!;
    private PortalUser agentUser = null!;
    private DeliveryRoute route = null!;
    private Product milk = null!;

    public BillingPagesTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
    }

    private Caller Manager => Caller.For(managerUser, Roles.Manager);

    public async Task InitializeAsync()
    {
        await using var db = database.CreateContext();
        managerUser = await TestData.AddUserAsync(db, Roles.Manager);
        agentUser = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
        route = await TestData.AddRouteAsync(db, agentUser);
        milk = await TestData.AddProductAsync(db, unitPrice: 56m);
    }

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    private async Task<int> BillNovemberAsync()
    {
        await using var scope = database.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<BillingService>().RunAsync(Manager, November);
        Assert.True(result.Succeeded, result.GeneralError);
        return result.Value!.RunId!.Value;
    }

    [Fact]
    public async Task The_invoice_shows_each_delivered_line_traced_to_its_delivery_sheet_and_the_total()
    {
        Customer customer;
        Order order;
        await using (var db = database.CreateContext())
        {
            customer = await TestData.AddCustomerAsync(db, route, name: "Meera Iyer");
            var paneer = await TestData.AddProductAsync(db, unitPrice: 90m, unit: ProductUnit.Pack);
            var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, new DateOnly(2026, 11, 2));
            await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 11, 2), agentUser, planned: 2m);
            await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 11, 3), agentUser, planned: 2m, delivered: 1m);
            order = await TestData.AddOrderAsync(db, customer, new DateOnly(2026, 11, 4), (paneer, 2m));
            await TestData.AddDeliveryAsync(db, order.Lines[0], agentUser);
        }
        await BillNovemberAsync();
        int invoiceId;
        await using (var db = database.CreateContext())
        {
            invoiceId = db.Invoices.Single(i => i.CustomerId == customer.Id).Id;
        }
        SignInAs(Roles.Manager, managerUser.Id, managerUser.DisplayName);

        var page = Render<InvoiceDetailPage>(parameters => parameters.Add(p => p.Id, invoiceId));

        page.WaitForElement("[data-testid=invoice-total]");
        Assert.Equal("Meera Iyer", page.Find("[data-testid=invoice-customer]").TextContent.Trim());
        var lines = page.FindAll("[data-testid=invoice-line]");
        Assert.Equal(3, lines.Count);
        // 2 L × ₹56, then 1 of 2 L delivered (billed 1 L), then the order's 2 packs at the order line's ₹90.
        Assert.Equal(["₹112.00", "₹56.00", "₹180.00"], page.FindAll("[data-testid=line-amount]").Select(a => a.TextContent.Trim()));
        Assert.Contains("partial", lines[1].TextContent, StringComparison.Ordinal);
        Assert.Contains($"Order #{order.Id}", lines[2].TextContent, StringComparison.Ordinal);
        Assert.Contains("Subscription", lines[0].TextContent, StringComparison.Ordinal);
        Assert.Equal($"/deliveries/{route.Id}/2026-11-03", page.FindAll("[data-testid=line-delivery]")[1].GetAttribute("href"));
        Assert.Equal("₹348.00", page.Find("[data-testid=invoice-total]").TextContent.Trim());
    }

    [Fact]
    public async Task The_billing_preview_lists_a_day_that_was_due_and_never_recorded()
    {
        await using (var db = database.CreateContext())
        {
            var customer = await TestData.AddCustomerAsync(db, route, name: "Ravi Missing");
            var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, new DateOnly(2026, 10, 30));
            subscription.EndDate = new DateOnly(2026, 10, 31);
            await db.SaveChangesAsync();
            await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 10, 30), agentUser);
        }
        SignInAs(Roles.Manager, managerUser.Id, managerUser.DisplayName);
        RenderPopoverProvider();
        var page = Render<BillingPage>();

        await page.Find("[data-testid=preview] button, button[data-testid=preview]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid=missing-count]").TextContent.Trim()));
        Assert.Contains("31 Oct 2026", page.Find("[data-testid=missing-day]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Ravi Missing", page.Find("[data-testid=missing-item]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Ravi Missing", page.Find("[data-testid=bill-customer]").TextContent, StringComparison.Ordinal);
        Assert.Equal("₹56.00", page.Find("[data-testid=preview-total]").TextContent.Trim());
        await using (var db = database.CreateContext())
        {
            Assert.False(db.BillingRuns.Any(r => r.PeriodMonth == October), "A preview writes nothing.");
        }
    }

    [Theory]
    [InlineData(typeof(BillingPage))]
    [InlineData(typeof(BillingRuns))]
    [InlineData(typeof(InvoicesList))]
    [InlineData(typeof(InvoiceDetailPage))]
    public void Every_billing_page_is_for_managers_and_admins_only(Type page)
    {
        var attribute = page.GetCustomAttribute<AuthorizeAttribute>();

        Assert.NotNull(attribute);
        Assert.Equal(Roles.Managers, attribute.Roles);
    }

    [Theory]
    [InlineData(Roles.Staff)]
    [InlineData(Roles.DeliveryAgent)]
    [InlineData(Roles.Customer)]
    public void A_user_who_is_not_a_manager_is_told_they_are_not_allowed_on_the_billing_pages(string role)
    {
        SignInAs(role, $"user-{role}");
        RenderPopoverProvider();

        Assert.NotNull(Render<BillingPage>().Find("[data-testid=not-allowed]"));
        Assert.NotNull(Render<BillingRuns>().Find("[data-testid=not-allowed]"));
        Assert.NotNull(Render<InvoicesList>().Find("[data-testid=not-allowed]"));
        Assert.NotNull(Render<InvoiceDetailPage>(parameters => parameters.Add(p => p.Id, 1)).Find("[data-testid=not-allowed]"));
    }

    [Theory]
    [InlineData(Roles.Staff)]
    [InlineData(Roles.DeliveryAgent)]
    [InlineData(Roles.Customer)]
    public async Task The_invoice_service_refuses_anyone_but_managers_and_admins(string role)
    {
        var caller = new Caller($"user-{role}", role, new HashSet<string> { role });
        await using var scope = database.Services.CreateAsyncScope();
        var invoices = scope.ServiceProvider.GetRequiredService<InvoiceService>();

        await Assert.ThrowsAsync<AccessDeniedException>(() => invoices.RunsAsync(caller));
        await Assert.ThrowsAsync<AccessDeniedException>(() => invoices.MissingOfRunAsync(caller, 1));
        await Assert.ThrowsAsync<AccessDeniedException>(() => invoices.InvoicesAsync(caller, new InvoiceQuery()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => invoices.InvoiceAsync(caller, 1));
        await Assert.ThrowsAsync<AccessDeniedException>(() => invoices.RunInvoicesAsync(caller, 1));
    }
}
