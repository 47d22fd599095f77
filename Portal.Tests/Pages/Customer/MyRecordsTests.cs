using System.Text.RegularExpressions;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Customer;
using Portal.Domain.Deliveries;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages.CustomerSelfService;

/// <summary>
/// One delivery (/me/deliveries/{id}), the invoices (/me/invoices) and one invoice (/me/invoices/{id}): every billed line traced
/// to its delivery, and another household's records refused with the same words as records that do not exist.
/// </summary>
public sealed partial class MyRecordsTests(DatabaseFixture database) : CustomerPageTest(database)
{
    private IRenderedComponent<MyDeliveryDetail> RenderDelivery(long id)
    {
        var page = Render<MyDeliveryDetail>(p => p.Add(x => x.Id, id));
        WaitLoaded(page, "[data-testid=delivery], [data-testid=not-in-account]");
        return page;
    }

    private IRenderedComponent<MyInvoiceDetail> RenderInvoice(int id, bool print = false)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(print ? $"/me/invoices/{id}?view=print" : $"/me/invoices/{id}");
        var page = Render<MyInvoiceDetail>(p => p.Add(x => x.Id, id));
        WaitLoaded(page, "[data-testid=invoice], [data-testid=not-in-account]");
        return page;
    }

    /// <summary>The markup without Blazor's own attributes (event handler numbers, element reference ids), which differ between any two renders.</summary>
    private static string WithoutRenderIds(string markup) => RenderIds().Replace(markup, "");

    [GeneratedRegex("blazor:[A-Za-z]+=\"[^\"]*\"")]
    private static partial Regex RenderIds();

    [Fact]
    public async Task A_delivery_shows_what_was_planned_and_delivered_when_it_was_recorded_and_the_invoice_that_billed_it()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(2));
        var delivery = await RecordAsync(milk, Nov(3), 2m, 1m);
        var invoice = await InvoiceAsync(me, delivery);
        SignInAs(me);

        var page = RenderDelivery(delivery.Id);

        Assert.Equal($"{Milk.Name}, Tue 3 Nov 2026", page.Find("[data-testid=delivery-title]").TextContent.Trim());
        Assert.Equal("Regular delivery", page.Find("[data-testid=delivery-source]").TextContent.Trim());
        Assert.Equal("Part delivered", page.Find("[data-testid=delivery-outcome]").TextContent.Trim());
        Assert.Equal("2 L", page.Find("[data-testid=delivery-planned]").TextContent.Trim());
        Assert.Equal("1 of 2 L", page.Find("[data-testid=delivery-delivered]").TextContent.Trim());
        Assert.Equal("24 Nov 2026, 19:00", page.Find("[data-testid=delivery-recorded]").TextContent.Trim());
        Assert.Equal($"Billed on invoice {invoice.Number} (₹56.00)", Squash(page.Find("[data-testid=delivery-billing]").TextContent));
        Assert.Equal($"/me/invoices/{invoice.Id}", page.Find("[data-testid=delivery-invoice]").GetAttribute("href"));
        Assert.Equal("/me/deliveries?month=2026-11", page.Find("[data-testid=back-to-calendar]").GetAttribute("href"));
        Assert.Empty(page.FindAll("[data-testid=delivery-reason]"));
    }

    [Fact]
    public async Task A_delivery_not_made_says_why_and_one_made_but_not_yet_billed_says_so()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(2));
        var missed = await RecordAsync(milk, Nov(4), 1m, 0m, NotDeliveredReason.AddressNotFound);
        var order = await OrderAsync(me, Nov(5), (Curd, 2m));
        var unbilled = await RecordAsync(order.Lines[0]);
        SignInAs(me);

        var page = RenderDelivery(missed.Id);

        Assert.Equal("Not delivered", page.Find("[data-testid=delivery-outcome]").TextContent.Trim());
        Assert.Equal("Address not found", page.Find("[data-testid=delivery-reason]").TextContent.Trim());
        Assert.Equal("0 L", page.Find("[data-testid=delivery-delivered]").TextContent.Trim());
        Assert.Equal("Nothing to bill — nothing was delivered", Squash(page.Find("[data-testid=delivery-billing]").TextContent));

        var other = RenderDelivery(unbilled.Id);

        Assert.Equal($"One-time order #{order.Id}", other.Find("[data-testid=delivery-source]").TextContent.Trim());
        Assert.Equal("2 packs", other.Find("[data-testid=delivery-delivered]").TextContent.Trim());
        Assert.Equal("Not billed yet", Squash(other.Find("[data-testid=delivery-billing]").TextContent));
    }

    [Fact]
    public async Task The_invoices_list_shows_each_of_the_customers_invoices_with_month_number_tag_and_total()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(2));
        var first = await InvoiceAsync(me, await RecordAsync(milk, Nov(2), 1m, 1m));
        var supplementary = await InvoiceAsync(me, await RecordAsync(milk, Nov(3), 2m, 2m));
        await using (var db = Database.CreateContext())
        {
            await db.Invoices.Where(i => i.Id == supplementary.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.IsSupplementary, true));
        }
        var theirs = await AddCustomerAsync("Arjun Rao");
        var theirMilk = await SubscribeAsync(theirs, Milk, Nov(2));
        var theirInvoice = await InvoiceAsync(theirs, await RecordAsync(theirMilk, Nov(2), 1m, 1m));
        SignInAs(me);

        var page = Render<MyInvoices>();
        WaitLoaded(page, "[data-testid=invoice-row]");

        var rows = page.FindAll("[data-testid=invoice-row]");
        Assert.Equal(2, rows.Count);
        var byId = rows.ToDictionary(r => r.GetAttribute("data-invoice-id")!);
        Assert.Equal($"/me/invoices/{first.Id}", byId[first.Id.ToString()].GetAttribute("href"));
        Assert.Equal(first.Number, byId[first.Id.ToString()].QuerySelector("[data-testid=invoice-number]")!.TextContent.Trim());
        Assert.Equal("November 2026", byId[first.Id.ToString()].QuerySelector("[data-testid=invoice-month]")!.TextContent.Trim());
        Assert.Equal("₹56.00", byId[first.Id.ToString()].QuerySelector("[data-testid=invoice-total]")!.TextContent.Trim());
        Assert.Null(byId[first.Id.ToString()].QuerySelector("[data-testid=invoice-supplementary]"));
        Assert.Equal("₹112.00", byId[supplementary.Id.ToString()].QuerySelector("[data-testid=invoice-total]")!.TextContent.Trim());
        Assert.NotNull(byId[supplementary.Id.ToString()].QuerySelector("[data-testid=invoice-supplementary]"));
        Assert.DoesNotContain(theirInvoice.Number, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_household_without_invoices_is_told_when_the_first_comes()
    {
        var me = await AddCustomerAsync();
        SignInAs(me);

        var page = Render<MyInvoices>();
        WaitLoaded(page, "[data-testid=no-invoices]");

        Assert.Contains("Your first bill comes after the month ends.", page.Find("[data-testid=no-invoices]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_line_of_an_invoice_links_to_the_delivery_it_bills_and_the_total_adds_up()
    {
        var me = await AddCustomerAsync("Meera Iyer");
        var milk = await SubscribeAsync(me, Milk, Nov(2));
        var full = await RecordAsync(milk, Nov(2), 2m, 2m);
        var part = await RecordAsync(milk, Nov(3), 2m, 1m);
        var order = await OrderAsync(me, Nov(4), (Curd, 2m));
        var ordered = await RecordAsync(order.Lines[0]);
        var invoice = await InvoiceAsync(me, full, part, ordered);
        SignInAs(me);

        var page = RenderInvoice(invoice.Id);

        Assert.Equal(invoice.Number, page.Find("[data-testid=invoice-number]").TextContent.Trim());
        Assert.Equal(me.Name, page.Find("[data-testid=invoice-customer]").TextContent.Trim());
        var lines = page.FindAll("[data-testid=invoice-line]");
        Assert.Equal(3, lines.Count);
        Assert.Equal(
            [$"/me/deliveries/{full.Id}", $"/me/deliveries/{part.Id}", $"/me/deliveries/{ordered.Id}"],
            page.FindAll("[data-testid=line-delivery]").Select(a => a.GetAttribute("href")));
        Assert.Equal(["2 Nov 2026", "3 Nov 2026", "4 Nov 2026"], page.FindAll("[data-testid=line-delivery]").Select(a => a.TextContent.Trim()));
        Assert.Equal(["₹112.00", "₹56.00", "₹70.00"], page.FindAll("[data-testid=line-amount]").Select(a => a.TextContent.Trim()));
        Assert.StartsWith("1 L", lines[1].QuerySelector("[data-testid=line-delivered]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("part", lines[1].QuerySelector("[data-testid=line-delivered] .invoice-partial")!.TextContent.Trim());
        Assert.Contains($"One-time order #{order.Id}", lines[2].TextContent, StringComparison.Ordinal);
        Assert.Equal("₹238.00", page.Find("[data-testid=invoice-total]").TextContent.Trim());
        Assert.DoesNotContain("/customers/", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("/deliveries/", page.Markup.Replace("/me/deliveries/", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal($"/me/invoices/{invoice.Id}?view=print", page.Find("[data-testid=print-view]").GetAttribute("href"));
    }

    [Fact]
    public async Task The_print_view_is_plain_and_its_button_opens_the_browsers_print()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(2));
        var invoice = await InvoiceAsync(me, await RecordAsync(milk, Nov(2), 1m, 1m));
        SignInAs(me);

        var page = RenderInvoice(invoice.Id, print: true);

        Assert.Contains("invoice--print", page.Find("[data-testid=invoice]").ClassList);
        Assert.Empty(page.FindAll("[data-testid=line-delivery]"));
        Assert.Single(page.FindAll("[data-testid=invoice-line]"));
        page.Find("[data-testid=print-now]").Click();
        JSInterop.VerifyInvoke("print");
    }

    [Fact]
    public async Task Another_households_invoice_gets_the_same_answer_as_an_invoice_that_does_not_exist_and_shows_nothing_of_theirs()
    {
        var me = await AddCustomerAsync("Meera Menon");
        var theirs = await AddCustomerAsync("Arjun Rao");
        var theirMilk = await SubscribeAsync(theirs, Milk, Nov(2));
        var theirInvoice = await InvoiceAsync(theirs, await RecordAsync(theirMilk, Nov(2), 1m, 1m));
        SignInAs(me);

        var someoneElses = RenderInvoice(theirInvoice.Id);
        var missing = RenderInvoice(int.MaxValue);

        Assert.Equal("We couldn't find that in your account.", someoneElses.Find("[data-testid=not-in-account]").TextContent.Trim());
        Assert.Equal(WithoutRenderIds(missing.Markup), WithoutRenderIds(someoneElses.Markup));
        Assert.Empty(someoneElses.FindAll("[data-testid=invoice]"));
        Assert.DoesNotContain(theirs.Name, someoneElses.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.Mobile, someoneElses.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(theirInvoice.Number, someoneElses.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_households_delivery_gets_the_same_answer_as_a_delivery_that_does_not_exist_and_shows_nothing_of_theirs()
    {
        var me = await AddCustomerAsync("Meera Menon");
        var theirs = await AddCustomerAsync("Arjun Rao");
        var theirMilk = await SubscribeAsync(theirs, Milk, Nov(2));
        var theirDelivery = await RecordAsync(theirMilk, Nov(2), 3m, 0m, NotDeliveredReason.Other, "Dog in the garden");
        var theirInvoice = await InvoiceAsync(theirs, await RecordAsync(theirMilk, Nov(3), 1m, 1m));
        SignInAs(me);

        var someoneElses = RenderDelivery(theirDelivery.Id);
        var missing = RenderDelivery(long.MaxValue);

        Assert.Equal("We couldn't find that in your account.", someoneElses.Find("[data-testid=not-in-account]").TextContent.Trim());
        Assert.Equal(WithoutRenderIds(missing.Markup), WithoutRenderIds(someoneElses.Markup));
        Assert.Empty(someoneElses.FindAll("[data-testid=delivery]"));
        Assert.DoesNotContain(theirs.Name, someoneElses.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Dog in the garden", someoneElses.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(Milk.Name, someoneElses.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(theirInvoice.Number, someoneElses.Markup, StringComparison.Ordinal);
    }
}
