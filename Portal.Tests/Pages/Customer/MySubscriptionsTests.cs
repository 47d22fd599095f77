using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using MudBlazor.Extensions;
using Portal.Components.Pages.Customer;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages.CustomerSelfService;

/// <summary>The customer's subscriptions (/me/subscriptions): schedules, pauses and one-day changes, and the cut-off rule.</summary>
public sealed class MySubscriptionsTests(DatabaseFixture database) : CustomerPageTest(database)
{
    private (IRenderedComponent<MySubscriptions> Page, IRenderedComponent<MudDialogProvider> Dialogs) RenderPage()
    {
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<MySubscriptions>();
        page.WaitForAssertion(() =>
        {
            Assert.Empty(page.FindAll("[data-testid=loading], .mud-progress-linear"));
            Assert.NotEmpty(page.FindAll("[data-testid=subscription-card], [data-testid=no-subscriptions]"));
        });
        return (page, dialogs);
    }

    private async Task<Subscription> SavedAsync(Subscription subscription)
    {
        await using var db = Database.CreateContext();
        return await db.Subscriptions.AsNoTracking().AsSplitQuery().Include(s => s.Pauses).Include(s => s.Overrides)
            .SingleAsync(s => s.Id == subscription.Id);
    }

    [Fact]
    public async Task Each_subscription_shows_its_schedule_dates_status_upcoming_pauses_and_changes_and_the_next_fourteen_days()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(1), TestData.Weekly(1m, 2m));
        await PauseAsync(milk, Dec(1), Dec(3));
        await OverrideAsync(milk, Nov(27), 3m);
        var theirs = await AddCustomerAsync("Arjun Rao");
        await SubscribeAsync(theirs, Curd, Nov(1));
        SignInAs(me);

        var (page, _) = RenderPage();

        var card = Assert.Single(page.FindAll("[data-testid=subscription-card]"));
        Assert.Equal(Milk.Name, card.QuerySelector("[data-testid=subscription-product]")!.TextContent.Trim());
        Assert.Equal("1 L Mon–Fri; 2 L Sat, Sun", card.QuerySelector("[data-testid=schedule-text]")!.TextContent.Trim());
        Assert.Equal("Since 1 Nov 2026 · no end date", card.QuerySelector("[data-testid=subscription-dates]")!.TextContent.Trim());
        Assert.Equal("Active", card.QuerySelector("[data-testid=subscription-status]")!.TextContent.Trim());
        Assert.Equal("Paused Tue 1 Dec 2026 – Thu 3 Dec 2026", card.QuerySelector("[data-testid=pause-text]")!.TextContent.Trim());
        Assert.Equal("Fri 27 Nov 2026: 3 L instead of 1 L", card.QuerySelector("[data-testid=override-text]")!.TextContent.Trim());
        Assert.Equal("Changes for a day close at 9:00 pm the evening before (IST).", Squash(page.Find("[data-testid=cutoff-rule]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=tomorrow-closed]"));

        var preview = page.FindAll("[data-testid=preview-day]");
        Assert.Equal(14, preview.Count);
        Assert.Equal("2026-11-25", preview[0].GetAttribute("data-date"));
        Assert.Equal("Changed", preview[2].QuerySelector("[data-testid=preview-chip]")!.TextContent.Trim());
        Assert.Equal("Paused", preview[6].QuerySelector("[data-testid=preview-chip]")!.TextContent.Trim());
        Assert.DoesNotContain(Curd.Name, page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.Name, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Undo_puts_a_changed_day_back_to_the_schedule_and_remove_deletes_an_upcoming_pause()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(1));
        var pause = await PauseAsync(milk, Dec(1), Dec(3));
        await OverrideAsync(milk, Nov(27), 3m);
        SignInAs(me);
        var (page, _) = RenderPage();
        var change = (await SavedAsync(milk)).Overrides.Single();

        page.Find($"[data-testid=undo-change-{change.Id}]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=override-row]")));
        Assert.Empty((await SavedAsync(milk)).Overrides);

        page.Find($"[data-testid=remove-pause-{pause.Id}]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=pause-row]")));
        Assert.Empty((await SavedAsync(milk)).Pauses);
    }

    [Fact]
    public async Task Resume_ends_a_running_pause_the_day_before_the_first_open_day()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(1));
        var pause = await PauseAsync(milk, Nov(20), Nov(30));
        SignInAs(me);
        var (page, _) = RenderPage();
        Assert.Equal("Paused until Mon 30 Nov 2026", page.Find("[data-testid=pause-text]").TextContent.Trim());

        page.Find($"[data-testid=resume-pause-{pause.Id}]").Click();

        // Today has begun and stays paused; the pause can no longer change, so it has no button.
        page.WaitForAssertion(() => Assert.Equal("Paused until Tue 24 Nov 2026", page.Find("[data-testid=pause-text]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=pause-row] button"));
        var saved = Assert.Single((await SavedAsync(milk)).Pauses);
        Assert.Equal((Nov(20), Nov(24)), (saved.FromDate, saved.ToDate));
    }

    [Fact]
    public async Task Pausing_from_the_page_saves_the_range_and_the_picker_starts_at_the_first_open_day()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(1));
        SignInAs(me);
        var (page, dialogs) = RenderPage();

        page.Find($"[data-testid=pause-{milk.Id}]").Click();
        dialogs.WaitForElement("[data-testid=pause-form]");
        var from = dialogs.FindComponents<MudDatePicker>()[0].Instance;
        Assert.Equal(Tomorrow.ToDateTime(TimeOnly.MinValue), from.GetState(x => x.MinDate));
        Assert.Equal(Tomorrow.ToDateTime(TimeOnly.MinValue), from.Date);
        dialogs.Find("input[data-testid=field-pause-to]").Change("28 Nov 2026");
        dialogs.Find("[data-testid=save-pause]").Click();

        page.WaitForAssertion(() => Assert.Equal("Paused Wed 25 Nov 2026 – Sat 28 Nov 2026", page.Find("[data-testid=pause-text]").TextContent.Trim()));
        var saved = Assert.Single((await SavedAsync(milk)).Pauses);
        Assert.Equal((Tomorrow, Nov(28)), (saved.FromDate, saved.ToDate));
    }

    [Fact]
    public async Task Changing_a_date_from_the_page_saves_that_days_quantity()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(1));
        SignInAs(me);
        var (page, dialogs) = RenderPage();

        page.Find($"[data-testid=change-date-{milk.Id}]").Click();
        dialogs.WaitForElement("[data-testid=override-form]");
        dialogs.Find("input[data-testid=field-override-date]").Change("29 Nov 2026");
        dialogs.Find("input[data-testid=field-override-quantity]").Change("2.5");
        dialogs.Find("[data-testid=save-override]").Click();

        page.WaitForAssertion(() => Assert.Equal("Sun 29 Nov 2026: 2.5 L instead of 1 L", page.Find("[data-testid=override-text]").TextContent.Trim()));
        var saved = Assert.Single((await SavedAsync(milk)).Overrides);
        Assert.Equal((Nov(29), 2.5m), (saved.Date, saved.Quantity));
    }

    [Fact]
    public async Task After_the_cut_off_the_page_says_tomorrow_is_closed_and_tomorrows_change_can_no_longer_be_undone()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(1));
        await OverrideAsync(milk, Tomorrow, 0m);
        PassTheCutoff();
        SignInAs(me);

        var (page, dialogs) = RenderPage();

        Assert.Equal("Changes for 25 Nov 2026 closed at 21:00 on 24 Nov 2026. The earliest date you can change now is 26 Nov 2026.",
            page.Find("[data-testid=tomorrow-closed]").TextContent.Trim());
        var row = page.Find("[data-testid=override-row]");
        Assert.Equal("Wed 25 Nov 2026: skipped (usually 1 L)", row.QuerySelector("[data-testid=override-text]")!.TextContent.Trim());
        Assert.Empty(row.QuerySelectorAll("button"));
        Assert.NotNull(row.QuerySelector("[data-testid=closed-reason]"));

        page.Find($"[data-testid=change-date-{milk.Id}]").Click();
        dialogs.WaitForElement("[data-testid=override-form]");
        Assert.Equal(Nov(26).ToDateTime(TimeOnly.MinValue), dialogs.FindComponent<MudDatePicker>().Instance.GetState(x => x.MinDate));
    }

    [Fact]
    public async Task A_household_without_subscriptions_is_told_how_to_start_one()
    {
        var me = await AddCustomerAsync();
        SignInAs(me);

        var (page, _) = RenderPage();

        Assert.Contains("You have no regular delivery yet.", page.Find("[data-testid=no-subscriptions]").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll("[data-testid=cutoff-rule]"));
    }
}
