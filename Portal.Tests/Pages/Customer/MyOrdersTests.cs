using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Pages.Customer;
using Portal.Domain.Orders;
using Portal.Domain.Products;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages.CustomerSelfService;

/// <summary>The customer's orders (/me/orders): their orders with status and total, cancelling before the cut-off, and placing one.</summary>
public sealed class MyOrdersTests(DatabaseFixture database) : CustomerPageTest(database)
{
    private IRenderedComponent<MyOrders> RenderPage()
    {
        RenderPopoverProvider();
        var page = Render<MyOrders>();
        WaitLoaded(page, "[data-testid=order-row], [data-testid=no-orders]");
        return page;
    }

    private static void OpenForm(IRenderedComponent<MyOrders> page)
    {
        page.Find("[data-testid=new-order]").Click();
        page.WaitForElement("[data-testid=order-product]");
    }

    private async Task<List<Order>> OrdersOfAsync(Domain.Customers.Customer customer)
    {
        await using var db = Database.CreateContext();
        return await db.Orders.AsNoTracking().Include(o => o.Lines).Where(o => o.CustomerId == customer.Id).OrderBy(o => o.Id).ToListAsync();
    }

    [Fact]
    public async Task The_page_lists_the_customers_upcoming_and_past_orders_with_items_totals_and_statuses()
    {
        var me = await AddCustomerAsync();
        var upcoming = await OrderAsync(me, Nov(27), (Curd, 2m), (Milk, 1.5m));
        var past = await OrderAsync(me, Nov(20), (Curd, 2m));
        await RecordAsync(past.Lines[0], delivered: 1m);
        await using (var db = Database.CreateContext())
        {
            await db.Orders.Where(o => o.Id == past.Id).ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, OrderStatus.PartiallyDelivered));
        }
        var theirs = await AddCustomerAsync("Arjun Rao");
        var theirOrder = await OrderAsync(theirs, Nov(27), (Milk, 9m));
        SignInAs(me);

        var page = RenderPage();

        var rows = page.FindAll("[data-testid=order-row]");
        Assert.Equal([upcoming.Id.ToString(), past.Id.ToString()], rows.Select(r => r.GetAttribute("data-order-id")));
        Assert.Equal("Fri 27 Nov 2026", rows[0].QuerySelector("[data-testid=order-date]")!.TextContent.Trim());
        Assert.Equal($"{Curd.Name} (2 packs), {Milk.Name} (1.5 litres)", rows[0].QuerySelector("[data-testid=order-items]")!.TextContent.Trim());
        Assert.Equal("₹154.00", rows[0].QuerySelector("[data-testid=order-amount]")!.TextContent.Trim());
        Assert.Equal("Pending", rows[0].QuerySelector("[data-testid=order-status]")!.TextContent.Trim());
        Assert.NotNull(rows[0].QuerySelector($"[data-testid=cancel-order-{upcoming.Id}]"));
        Assert.Equal("Partly delivered", rows[1].QuerySelector("[data-testid=order-status]")!.TextContent.Trim());
        Assert.Null(rows[1].QuerySelector("button"));
        Assert.DoesNotContain(theirs.Name, page.Markup, StringComparison.Ordinal);
        Assert.Empty(page.FindAll($"[data-order-id='{theirOrder.Id}']"));
    }

    [Fact]
    public async Task Placing_an_order_saves_it_for_the_chosen_day_at_todays_prices_and_lists_it()
    {
        var me = await AddCustomerAsync();
        await using (var db = Database.CreateContext())
        {
            // A new price from tomorrow: the order keeps today's.
            db.ProductPrices.Add(new ProductPrice { ProductId = Curd.Id, EffectiveFrom = Tomorrow, UnitPrice = 40m, CreatedAt = TestData.Now });
            await db.SaveChangesAsync();
        }
        SignInAs(me);
        var page = RenderPage();
        Assert.Equal("No orders yet — place your first one.", page.Find("[data-testid=no-orders] p").TextContent.Trim());
        OpenForm(page);

        var curd = page.Find($"[data-testid=order-product][data-product-id='{Curd.Id}']");
        Assert.Equal("₹35.00 a pack", curd.QuerySelector("[data-testid=product-price]")!.TextContent.Trim());
        page.Find($"[data-testid=more-product-{Curd.Id}]").Click();
        page.Find($"[data-testid=more-product-{Curd.Id}]").Click();
        page.Find($"[data-testid=more-product-{Milk.Id}]").Click();
        page.Find($"[data-testid=more-product-{Milk.Id}]").Click();
        Assert.Equal("1.5 L", page.Find($"[data-testid=order-product][data-product-id='{Milk.Id}'] [data-testid=product-quantity]").TextContent.Trim());
        Assert.Equal("₹154.00", page.Find("[data-testid=order-total]").TextContent.Trim());
        page.Find("[data-testid=place-order]").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=order-row]")));
        var order = Assert.Single(await OrdersOfAsync(me));
        Assert.Equal((Tomorrow, OrderStatus.Pending, me.UserId), (order.DeliveryDate, order.Status, order.CreatedByUserId));
        Assert.Equal(
            [(Milk.Id, 1.5m, 56m), (Curd.Id, 2m, 35m)],
            order.Lines.OrderBy(l => l.ProductId).Select(l => (l.ProductId, l.Quantity, l.UnitPrice)));
        Assert.Equal("₹154.00", page.Find("[data-testid=order-amount]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=order-form]"));
    }

    [Fact]
    public async Task An_order_with_nothing_in_it_is_refused_with_the_reason_and_nothing_is_saved()
    {
        var me = await AddCustomerAsync();
        SignInAs(me);
        var page = RenderPage();
        OpenForm(page);

        page.Find("[data-testid=place-order]").Click();

        page.WaitForAssertion(() => Assert.Equal("Add at least one product.", page.Find("[data-testid=order-problem]").TextContent.Trim()));
        Assert.Empty(await OrdersOfAsync(me));
    }

    [Fact]
    public async Task A_date_that_closed_while_the_form_was_open_is_refused_next_to_the_date()
    {
        var me = await AddCustomerAsync();
        SignInAs(me);
        var page = RenderPage();
        OpenForm(page);
        page.Find($"[data-testid=more-product-{Milk.Id}]").Click();
        PassTheCutoff();

        page.Find("[data-testid=place-order]").Click();

        page.WaitForAssertion(() => Assert.Contains("Orders for 25 Nov 2026 closed at 21:00 on 24 Nov 2026",
            page.Find("[data-testid=field-order-date]").Closest(".mud-input-control")!.TextContent, StringComparison.Ordinal));
        Assert.Empty(await OrdersOfAsync(me));
    }

    [Fact]
    public async Task Cancelling_asks_first_and_then_cancels_the_order()
    {
        var me = await AddCustomerAsync();
        var order = await OrderAsync(me, Nov(27), (Curd, 1m));
        SignInAs(me);
        var page = RenderPage();

        page.Find($"[data-testid=cancel-order-{order.Id}]").Click();
        Assert.Equal(OrderStatus.Pending, Assert.Single(await OrdersOfAsync(me)).Status);
        page.Find($"[data-testid=confirm-cancel-{order.Id}]").Click();

        page.WaitForAssertion(() => Assert.Equal("Cancelled", page.Find("[data-testid=order-status]").TextContent.Trim()));
        Assert.Equal(OrderStatus.Cancelled, Assert.Single(await OrdersOfAsync(me)).Status);
        Assert.Empty(page.FindAll($"[data-testid=cancel-order-{order.Id}]"));
    }

    [Fact]
    public async Task After_the_cut_off_tomorrows_order_cannot_be_cancelled_and_says_why()
    {
        var me = await AddCustomerAsync();
        var order = await OrderAsync(me, Tomorrow, (Curd, 1m));
        PassTheCutoff();
        SignInAs(me);

        var page = RenderPage();

        Assert.Empty(page.FindAll($"[data-testid=cancel-order-{order.Id}]"));
        Assert.Equal("Cancelling closed at 21:00 on 24 Nov 2026, the evening before delivery: the order is on the delivery sheet.",
            page.Find("[data-testid=cancel-closed]").TextContent.Trim());
    }
}
