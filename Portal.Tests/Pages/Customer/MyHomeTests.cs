using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Pages.Customer;
using Portal.Domain.Identity;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages.CustomerSelfService;

/// <summary>The customer's home (/me): tomorrow with one-tap changes, the month so far, the latest invoice and the balance.</summary>
public sealed class MyHomeTests(DatabaseFixture database) : CustomerPageTest(database)
{
    private IRenderedComponent<MyHome> RenderHome()
    {
        var page = Render<MyHome>();
        WaitLoaded(page, "[data-testid=customer-greeting]");
        return page;
    }

    /// <summary>What each of tomorrow's lines says: product, tag or usual quantity, and the quantity when there is no stepper.</summary>
    private static List<string> TomorrowLines(IRenderedComponent<MyHome> page) =>
        page.FindAll("[data-testid=tomorrow-line]").Select(l => Parts(l, ".me-line-head [data-testid=tomorrow-product], .me-line-head .me-tag, .me-line-head .me-line-usual, .me-line-head [data-testid=tomorrow-quantity]")).ToList();

    private async Task<List<SubscriptionOverride>> OverridesAsync(Subscription subscription)
    {
        await using var db = Database.CreateContext();
        return await db.SubscriptionOverrides.AsNoTracking().Where(o => o.SubscriptionId == subscription.Id).OrderBy(o => o.Date).ToListAsync();
    }

    [Fact]
    public async Task Home_shows_tomorrow_the_month_so_far_the_latest_invoice_and_the_balance_from_the_customers_own_records()
    {
        var me = await AddCustomerAsync("Meera Menon");
        var milk = await SubscribeAsync(me, Milk, Nov(1));
        var curd = await SubscribeAsync(me, Curd, Nov(1));
        await OverrideAsync(milk, Tomorrow, 2m);
        await OverrideAsync(curd, Tomorrow, 0m);
        await OrderAsync(me, Tomorrow, (Curd, 3m));
        var first = await RecordAsync(milk, Nov(2), 1m, 1m);
        await RecordAsync(milk, Nov(3), 1m, 1m);
        await RecordAsync(milk, Nov(4), 2m, 1m);
        await RecordAsync(milk, Nov(5), 1m, 0m);
        var invoice = await InvoiceAsync(me, first);
        await PayAsync(me, Nov(10), 20m);
        var theirs = await AddCustomerAsync("Arjun Rao");
        var theirMilk = await SubscribeAsync(theirs, Milk, Nov(1));
        await RecordAsync(theirMilk, Nov(2), 5m, 5m);
        SignInAs(me);

        var page = RenderHome();

        Assert.Equal($"Hello, {me.Name}", page.Find("[data-testid=customer-greeting]").TextContent.Trim());
        Assert.Equal("Tomorrow, Wed 25 Nov", page.Find("#tomorrow-heading").TextContent.Trim());
        Assert.Equal("Change until 9:00 pm today", Squash(page.Find("[data-testid=tomorrow-cutoff]").TextContent));
        var lines = TomorrowLines(page);
        Assert.Equal(3, lines.Count);
        Assert.Contains($"{Curd.Name} Skipped 1 pack", lines);
        Assert.Contains($"{Curd.Name} One-time order 3 packs", lines);
        Assert.Contains($"{Milk.Name} usually 1 L", lines);
        var milkLine = page.Find($"[data-testid=tomorrow-line][data-subscription-id='{milk.Id}']");
        Assert.Equal("2 L", milkLine.QuerySelector("[data-testid=tomorrow-quantity]")!.TextContent.Trim());

        // Nov 2, 3 in full and Nov 4 in part (1 L of 2 at ₹56) came; Nov 5 did not.
        Assert.Equal("3", page.Find("[data-testid=month-delivered]").TextContent.Trim());
        Assert.Equal("1", page.Find("[data-testid=month-not-delivered]").TextContent.Trim());
        Assert.Equal("₹168.00", page.Find("[data-testid=month-amount]").TextContent.Trim());
        var latest = page.Find("[data-testid=latest-invoice]");
        Assert.Equal($"/me/invoices/{invoice.Id}", latest.GetAttribute("href"));
        Assert.Equal($"{invoice.Number} November 2026 ₹56.00", Parts(latest, "span"));
        Assert.Equal("₹36.00 due", page.Find("[data-testid=balance-text]").TextContent.Trim());
        Assert.Equal("Last payment ₹20.00 on 10 Nov 2026", page.Find("[data-testid=last-payment]").TextContent.Trim());
        Assert.DoesNotContain(theirs.Name, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skip_writes_a_zero_for_tomorrow_and_the_line_shows_skipped_and_undo_puts_it_back()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(1), TestData.Daily(1.5m));
        SignInAs(me);
        var page = RenderHome();

        page.Find($"[data-testid=skip-{milk.Id}]").Click();

        page.WaitForAssertion(() => Assert.Equal(nameof(PreviewReason.Skipped), page.Find("[data-testid=tomorrow-line]").GetAttribute("data-reason")));
        var skipped = Assert.Single(await OverridesAsync(milk));
        Assert.Equal((Tomorrow, 0m), (skipped.Date, skipped.Quantity));
        Assert.Equal($"{Milk.Name} Skipped 1.5 L", Assert.Single(TomorrowLines(page)));
        Assert.Empty(page.FindAll($"[data-testid=skip-{milk.Id}]"));

        page.Find($"[data-testid=undo-skip-{milk.Id}]").Click();

        page.WaitForAssertion(() => Assert.Equal(nameof(PreviewReason.Scheduled), page.Find("[data-testid=tomorrow-line]").GetAttribute("data-reason")));
        Assert.Empty(await OverridesAsync(milk));
        Assert.Equal("1.5 L", page.Find("[data-testid=tomorrow-quantity]").TextContent.Trim());
    }

    [Fact]
    public async Task The_stepper_changes_tomorrow_by_half_a_litre_and_stepping_back_to_the_usual_removes_the_change()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(1));
        SignInAs(me);
        var page = RenderHome();

        page.Find($"[data-testid=more-{milk.Id}]").Click();

        page.WaitForAssertion(() => Assert.Equal("1.5 L", page.Find("[data-testid=tomorrow-quantity]").TextContent.Trim()));
        Assert.Equal("usually 1 L", page.Find("[data-testid=tomorrow-usual]").TextContent.Trim());
        var changed = Assert.Single(await OverridesAsync(milk));
        Assert.Equal((Tomorrow, 1.5m), (changed.Date, changed.Quantity));

        page.Find($"[data-testid=less-{milk.Id}]").Click();

        page.WaitForAssertion(() => Assert.Equal("1 L", page.Find("[data-testid=tomorrow-quantity]").TextContent.Trim()));
        Assert.Empty(await OverridesAsync(milk));
        Assert.Empty(page.FindAll("[data-testid=tomorrow-usual]"));
    }

    [Fact]
    public async Task Packs_step_by_whole_packs_and_one_pack_cannot_be_stepped_below_one()
    {
        var me = await AddCustomerAsync();
        var curd = await SubscribeAsync(me, Curd, Nov(1));
        SignInAs(me);
        var page = RenderHome();

        Assert.True(page.Find($"[data-testid=less-{curd.Id}]").HasAttribute("disabled"));
        page.Find($"[data-testid=more-{curd.Id}]").Click();

        page.WaitForAssertion(() => Assert.Equal("2 packs", page.Find("[data-testid=tomorrow-quantity]").TextContent.Trim()));
        Assert.Equal(2m, Assert.Single(await OverridesAsync(curd)).Quantity);
    }

    [Fact]
    public async Task After_the_cut_off_tomorrow_shows_why_it_is_closed_and_offers_no_buttons()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(1));
        var curd = await SubscribeAsync(me, Curd, Nov(1));
        await OverrideAsync(curd, Tomorrow, 0m);
        PassTheCutoff();
        SignInAs(me);

        var page = RenderHome();

        Assert.Equal("Changes for 25 Nov 2026 closed at 21:00 on 24 Nov 2026. The earliest date you can change now is 26 Nov 2026.",
            page.Find("[data-testid=tomorrow-closed]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=tomorrow-cutoff]"));
        Assert.Equal(2, page.FindAll("[data-testid=tomorrow-line]").Count);
        Assert.Empty(page.FindAll("[data-testid=tomorrow-line] button"));
        Assert.Empty(page.FindAll($"[data-testid=skip-{milk.Id}]"));
        Assert.Empty(page.FindAll($"[data-testid=undo-skip-{curd.Id}]"));
    }

    [Fact]
    public async Task When_the_cut_off_passes_while_the_page_is_open_a_skip_is_refused_with_the_reason_and_nothing_changes()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(1));
        SignInAs(me);
        var page = RenderHome();
        PassTheCutoff();

        page.Find($"[data-testid=skip-{milk.Id}]").Click();

        page.WaitForAssertion(() => Assert.Equal(
            "Changes for 25 Nov 2026 closed at 21:00 on 24 Nov 2026. The earliest date you can change now is 26 Nov 2026.",
            page.Find("[data-testid=tomorrow-problem]").TextContent.Trim()));
        Assert.Empty(await OverridesAsync(milk));
        Assert.NotEmpty(page.FindAll("[data-testid=tomorrow-closed]"));
        Assert.Empty(page.FindAll($"[data-testid=skip-{milk.Id}]"));
    }

    [Fact]
    public async Task A_household_with_nothing_tomorrow_and_no_bills_sees_that_said_plainly()
    {
        var me = await AddCustomerAsync();
        SignInAs(me);

        var page = RenderHome();

        Assert.Equal("Nothing is coming tomorrow.", Squash(page.Find("[data-testid=tomorrow-empty] p").TextContent));
        Assert.Equal("0", page.Find("[data-testid=month-delivered]").TextContent.Trim());
        Assert.Equal("₹0.00", page.Find("[data-testid=month-amount]").TextContent.Trim());
        Assert.Contains("No invoice yet", page.Find("[data-testid=latest-invoice]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Nothing due", page.Find("[data-testid=balance-text]").TextContent.Trim());
        Assert.Equal("No payment recorded yet", page.Find("[data-testid=last-payment]").TextContent.Trim());
    }

    [Fact]
    public void A_login_without_a_customer_sees_a_notice_and_no_one_elses_data()
    {
        SignInAs(Roles.Customer, userId: "no-such-user", displayName: "Nobody");

        var page = Render<MyHome>();

        page.WaitForAssertion(() => Assert.Contains("not linked to a customer account", page.Find("[data-testid=no-customer]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=customer-greeting]"));
    }
}
