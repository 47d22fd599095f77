using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Portal.Components.Pages.Customers;
using Portal.Components.Pages.Orders;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

/// <summary>The orders page, its place-order dialog and the customer's orders tab against a real database.</summary>
public sealed class OrdersPageTests : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 24);

    private readonly DatabaseFixture database;
    private PortalUser staff = null!;
    private Customer customer = null!;
    private Product milk = null!;
    private Product paneer = null!;

    public OrdersPageTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
    }

    public async Task InitializeAsync()
    {
        database.Time.AdjustTime(TestServices.DefaultNow);
        await using var db = database.CreateContext();
        staff = await TestData.AddUserAsync(db, Roles.Staff);
        customer = await TestData.AddCustomerAsync(db, name: $"Kavya{TestData.Next()} Menon");
        milk = await TestData.AddProductAsync(db, unitPrice: 56m, unit: ProductUnit.Litre);
        paneer = await TestData.AddProductAsync(db, unitPrice: 95.50m, unit: ProductUnit.Pack);
        SignInAs(Roles.Staff, staff.Id, staff.DisplayName);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        database.Time.AdjustTime(TestServices.DefaultNow);
        await base.DisposeAsync();
    }

    private IRenderedComponent<MudPopoverProvider> popovers = null!;

    private (IRenderedComponent<OrdersList> Page, IRenderedComponent<MudDialogProvider> Dialogs) RenderPage()
    {
        popovers = RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<OrdersList>();
        page.WaitForElement("[data-testid=orders-grid]");
        return (page, dialogs);
    }

    private static void OpenDialog(IRenderedComponent<OrdersList> page, IRenderedComponent<MudDialogProvider> dialogs)
    {
        page.Find("[data-testid=new-order]").Click();
        dialogs.WaitForElement("[data-testid=order-form]");
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindComponents<MudSelect<int?>>()));
    }

    /// <summary>The form field (label, input and message) around the element marked <paramref name="testId"/>.</summary>
    private static IElement FieldOf(IRenderedComponent<MudDialogProvider> dialogs, string testId) =>
        dialogs.Find($"[data-testid={testId}]").Closest(".mud-input-control")
        ?? throw new InvalidOperationException($"{testId} is not inside a form field.");

    private static Task PickProductAsync(IRenderedComponent<MudDialogProvider> dialogs, int line, Product product)
    {
        var select = dialogs.FindComponents<MudSelect<int?>>()[line];
        return dialogs.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(product.Id));
    }

    private static void TypeQuantity(IRenderedComponent<MudDialogProvider> dialogs, int line, string quantity) =>
        dialogs.Find($"input[data-testid=field-line-quantity-{line}]").Input(quantity);

    private async Task<(int Orders, int Audit)> CountsAsync()
    {
        await using var db = database.CreateContext();
        return (await db.Orders.CountAsync(), await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task The_place_order_dialog_shows_each_message_next_to_its_field_and_saves_nothing()
    {
        var before = await CountsAsync();
        var (page, dialogs) = RenderPage();
        OpenDialog(page, dialogs);

        await PickProductAsync(dialogs, 0, paneer);
        TypeQuantity(dialogs, 0, "1.5");
        dialogs.Find("[data-testid=add-line]").Click();
        dialogs.WaitForAssertion(() => Assert.Equal(2, dialogs.FindComponents<MudSelect<int?>>().Count));
        await PickProductAsync(dialogs, 1, paneer);
        TypeQuantity(dialogs, 1, "0");
        dialogs.Find("[data-testid=place-order]").Click();

        dialogs.WaitForAssertion(() =>
        {
            Assert.Contains("Choose the customer.", FieldOf(dialogs, "field-order-customer").TextContent, StringComparison.Ordinal);
            Assert.Contains("This product is counted in whole packs", FieldOf(dialogs, "field-line-quantity-0").TextContent, StringComparison.Ordinal);
            Assert.Contains("Already on this order (line 1)", FieldOf(dialogs, "field-line-product-1").TextContent, StringComparison.Ordinal);
            Assert.Contains("The quantity must be more than 0.", FieldOf(dialogs, "field-line-quantity-1").TextContent, StringComparison.Ordinal);
        });
        Assert.DoesNotContain("Orders are for tomorrow onwards.", FieldOf(dialogs, "field-order-date").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(dialogs.FindAll("[data-testid=order-form]"));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task The_cut_off_is_shown_next_to_the_date_when_the_service_refuses_tomorrow()
    {
        var (page, dialogs) = RenderPage();
        database.Time.AdjustTime(new DateTimeOffset(2026, 11, 24, 15, 29, 0, TimeSpan.Zero));
        OpenDialog(page, dialogs);
        Assert.Equal("25 Nov 2026", dialogs.Find("input[data-testid=field-order-date]").GetAttribute("value"));

        // The form was opened at 20:59; the order is sent at 21:00.
        database.Time.AdjustTime(new DateTimeOffset(2026, 11, 24, 15, 30, 0, TimeSpan.Zero));
        var picker = dialogs.FindComponent<MudAutocomplete<PlaceOrderDialog.CustomerPick>>();
        await dialogs.InvokeAsync(() => picker.Instance.ValueChanged.InvokeAsync(
            new PlaceOrderDialog.CustomerPick(customer.Id, customer.Name, customer.Mobile, customer.Address.Area, null)));
        await PickProductAsync(dialogs, 0, milk);
        var before = await CountsAsync();
        dialogs.Find("[data-testid=place-order]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains(
            "Orders for 25 Nov 2026 closed at 21:00 on 24 Nov 2026", FieldOf(dialogs, "field-order-date").TextContent, StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_valid_order_from_the_dialog_is_saved_at_todays_prices_and_appears_in_the_list()
    {
        var (page, dialogs) = RenderPage();
        OpenDialog(page, dialogs);

        // The picker searches once it has the focus, as in a browser.
        dialogs.Find("input[data-testid=field-order-customer]").Focus();
        dialogs.Find("input[data-testid=field-order-customer]").Input(customer.Name);
        dialogs.WaitForAssertion(() => Assert.Contains(customer.Name, RenderedPopovers().TextContent, StringComparison.Ordinal));
        RenderedPopovers().QuerySelectorAll(".mud-list-item").First(i => i.TextContent.Contains(customer.Name, StringComparison.Ordinal)).Click();
        dialogs.WaitForAssertion(() => Assert.Equal(customer.Name, dialogs.Find("input[data-testid=field-order-customer]").GetAttribute("value")));
        await PickProductAsync(dialogs, 0, milk);
        TypeQuantity(dialogs, 0, "1.5");
        dialogs.Find("[data-testid=add-line]").Click();
        dialogs.WaitForAssertion(() => Assert.Equal(2, dialogs.FindComponents<MudSelect<int?>>().Count));
        await PickProductAsync(dialogs, 1, paneer);
        TypeQuantity(dialogs, 1, "2");
        // 1.5 × ₹56 + 2 × ₹95.50
        dialogs.WaitForAssertion(() => Assert.Equal("Total ₹275.00", dialogs.Find("[data-testid=order-total]").TextContent.Trim()));
        dialogs.Find("[data-testid=place-order]").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=order-form]")));
        await using var db = database.CreateContext();
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines.OrderBy(l => l.Id)).SingleAsync(o => o.CustomerId == customer.Id);
        Assert.Equal((Today.AddDays(1), OrderStatus.Pending, staff.Id), (order.DeliveryDate, order.Status, order.CreatedByUserId));
        Assert.Equal([(milk.Id, 1.5m, 56m), (paneer.Id, 2m, 95.50m)], order.Lines.Select(l => (l.ProductId, l.Quantity, l.UnitPrice)));
        page.WaitForAssertion(() => Assert.Contains(customer.Name, page.Find("[data-testid=orders-grid]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_customer_tab_lists_upcoming_orders_first_and_cancels_one_after_asking()
    {
        await using var db = database.CreateContext();
        var earlier = await TestData.AddOrderAsync(db, customer, Today.AddDays(-3), (milk, 1m));
        var later = await TestData.AddOrderAsync(db, customer, Today.AddDays(5), (paneer, 2m));
        var sooner = await TestData.AddOrderAsync(db, customer, Today.AddDays(2), (milk, 3m));
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var tab = Render<CustomerOrdersTab>(p => p.Add(t => t.CustomerId, customer.Id));
        tab.WaitForElement("[data-testid=upcoming-orders]");

        Assert.Equal(["26 Nov 2026", "29 Nov 2026"], tab.FindAll("[data-testid=upcoming-orders] [data-testid=order-date]").Select(e => e.TextContent.Trim()));
        Assert.Equal(["21 Nov 2026"], tab.FindAll("[data-testid=earlier-orders] [data-testid=order-date]").Select(e => e.TextContent.Trim()));
        Assert.Equal("₹191.00", tab.FindAll("[data-testid=upcoming-orders] [data-testid=order-total]")[1].TextContent.Trim());

        tab.FindAll("[data-testid=upcoming-orders] [data-testid=cancel-order]")[0].Click();
        dialogs.WaitForAssertion(() => Assert.Contains($"Order #{sooner.Id}", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == "Cancel order").Click();

        tab.WaitForAssertion(() => Assert.Contains("Cancelled", tab.FindAll("[data-testid=upcoming-orders] [data-testid=order-status]")[0].TextContent, StringComparison.Ordinal));
        await using var check = database.CreateContext();
        var statuses = await check.Orders.AsNoTracking().Where(o => o.CustomerId == customer.Id).ToDictionaryAsync(o => o.Id, o => o.Status);
        Assert.Equal(OrderStatus.Cancelled, statuses[sooner.Id]);
        Assert.Equal(OrderStatus.Pending, statuses[later.Id]);
        Assert.Equal(OrderStatus.Pending, statuses[earlier.Id]);
    }

    [Fact]
    public async Task After_the_cut_off_the_cancel_button_is_disabled_with_the_reason()
    {
        await using var db = database.CreateContext();
        await TestData.AddOrderAsync(db, customer, Today.AddDays(1), (milk, 1m));
        database.Time.AdjustTime(new DateTimeOffset(2026, 11, 24, 15, 30, 0, TimeSpan.Zero));
        RenderPopoverProvider();

        var tab = Render<CustomerOrdersTab>(p => p.Add(t => t.CustomerId, customer.Id));
        tab.WaitForElement("[data-testid=upcoming-orders]");

        var button = tab.Find("[data-testid=cancel-order]");
        Assert.True(button.HasAttribute("disabled"));
        var tooltip = tab.FindComponent<MudTooltip>();
        Assert.Equal("Cancelling closed at 21:00 on 24 Nov 2026, the evening before delivery: the order is on the delivery sheet.", tooltip.Instance.Text);
    }

    [Fact]
    public async Task Place_order_from_the_customer_tab_is_for_that_customer()
    {
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var tab = Render<CustomerOrdersTab>(p => p.Add(t => t.CustomerId, customer.Id));
        tab.WaitForElement("[data-testid=no-orders]");

        tab.Find("[data-testid=customer-new-order]").Click();
        dialogs.WaitForElement("[data-testid=order-form]");
        dialogs.WaitForAssertion(() => Assert.Equal(customer.Name, dialogs.Find("input[data-testid=field-order-customer]").GetAttribute("value")));
        await PickProductAsync(dialogs, 0, milk);
        dialogs.Find("[data-testid=place-order]").Click();

        tab.WaitForAssertion(() => Assert.Single(tab.FindAll("[data-testid=upcoming-orders] [data-testid=order-date]")));
        await using var db = database.CreateContext();
        var order = await db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.CustomerId == customer.Id);
        Assert.Equal((milk.Id, 1m), (order.Lines.Single().ProductId, order.Lines.Single().Quantity));
    }

    /// <summary>Popovers (the autocomplete's list) render in the popover provider, outside the dialog.</summary>
    private IElement RenderedPopovers() => popovers.Find(".mud-popover-provider");
}
