using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Pages.Customers;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

/// <summary>
/// The customer's subscriptions tab, its dialogs and the 14-day preview against a real database, with the clock at
/// 19:00 IST on Tuesday 24 Nov 2026: tomorrow (Wed 25 Nov) is still open.
/// </summary>
public sealed class SubscriptionPagesTests : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 24);
    private static readonly DateOnly Tomorrow = new(2026, 11, 25);

    private readonly DatabaseFixture database;
    private PortalUser staff = null!;
    private Customer customer = null!;
    private Product milk = null!;
    private Product curd = null!;

    public SubscriptionPagesTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
    }

    public async Task InitializeAsync()
    {
        database.Time.AdjustTime(TestServices.DefaultNow);
        await using var db = database.CreateContext();
        staff = await TestData.AddUserAsync(db, Roles.Staff);
        customer = await TestData.AddCustomerAsync(db);
        milk = await TestData.AddProductAsync(db, 56m, ProductUnit.Litre);
        curd = await TestData.AddProductAsync(db, 35m, ProductUnit.Pack);
        SignInAs(Roles.Staff, staff.Id, staff.DisplayName);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        database.Time.AdjustTime(TestServices.DefaultNow);
        await base.DisposeAsync();
    }

    private static DateOnly Nov(int day) => new(2026, 11, day);

    private static DateOnly Dec(int day) => new(2026, 12, day);

    private (IRenderedComponent<CustomerSubscriptionsTab> Tab, IRenderedComponent<MudDialogProvider> Dialogs) RenderTab()
    {
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var tab = Render<CustomerSubscriptionsTab>(p => p.Add(t => t.CustomerId, customer.Id));
        // The list and the preview load side by side.
        tab.WaitForAssertion(() =>
        {
            Assert.NotEmpty(tab.FindAll("[data-testid=preview-day]"));
            Assert.Empty(tab.FindAll(".mud-progress-linear"));
        });
        return (tab, dialogs);
    }

    private async Task<Subscription> AddSubscriptionAsync(Product product, DateOnly start, SubscriptionSchedule schedule)
    {
        await using var db = database.CreateContext();
        return await TestData.AddSubscriptionAsync(db, customer, product, start, schedule);
    }

    private async Task<List<Subscription>> SavedAsync()
    {
        await using var db = database.CreateContext();
        return await db.Subscriptions.AsNoTracking().AsSplitQuery()
            .Include(s => s.Schedules).Include(s => s.Pauses).Include(s => s.Overrides)
            .Where(s => s.CustomerId == customer.Id).OrderBy(s => s.Id).ToListAsync();
    }

    /// <summary>The form field (label, input and message) around the element marked <paramref name="testId"/>.</summary>
    private static IElement FieldOf(IRenderedComponent<MudDialogProvider> dialogs, string testId) =>
        dialogs.Find($"[data-testid={testId}]").Closest(".mud-input-control")
        ?? throw new InvalidOperationException($"{testId} is not inside a form field.");

    private static IRenderedComponent<MudDialogProvider> Open(IRenderedComponent<CustomerSubscriptionsTab> tab, IRenderedComponent<MudDialogProvider> dialogs,
        string button, string form, IElement? card = null)
    {
        (card ?? tab.Find("[data-testid=customer-subscriptions]")).QuerySelector($"[data-testid={button}]")!.Click();
        dialogs.WaitForElement($"[data-testid={form}]");
        return dialogs;
    }

    private static Task PickProductAsync(IRenderedComponent<MudDialogProvider> dialogs, Product product)
    {
        var select = dialogs.FindComponent<MudSelect<int?>>();
        return dialogs.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(product.Id));
    }

    /// <summary>(date, what the day's lines say: product, chip, quantity) for each of the preview's days, as the page shows them.</summary>
    private static List<(string Date, string Lines)> PreviewOf(IRenderedComponent<CustomerSubscriptionsTab> tab) =>
        tab.FindAll("[data-testid=preview-day]")
            .Select(d => (d.GetAttribute("data-date")!, string.Join(" | ", d.QuerySelectorAll("[data-testid=preview-line]")
                .Select(l => string.Join(" ", l.QuerySelectorAll("[data-testid=preview-product], [data-testid=preview-quantity], [data-testid=preview-chip]")
                    .Select(part => string.Join(" ", part.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))))))))
            .ToList();

    [Fact]
    public async Task The_tab_lists_each_subscription_from_the_database_with_its_schedule_pauses_and_one_day_changes()
    {
        var daily = await AddSubscriptionAsync(milk, Nov(1), TestData.Daily(1m));
        var ended = await AddSubscriptionAsync(curd, Nov(1), TestData.Daily(1m));
        await using (var db = database.CreateContext())
        {
            db.SubscriptionPauses.Add(new SubscriptionPause { SubscriptionId = daily.Id, FromDate = Dec(1), ToDate = Dec(3), CreatedAt = TestData.Now });
            db.SubscriptionOverrides.Add(new SubscriptionOverride { SubscriptionId = daily.Id, Date = Nov(29), Quantity = 2m, CreatedAt = TestData.Now });
            await db.Subscriptions.Where(s => s.Id == ended.Id).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Status, SubscriptionStatus.Cancelled).SetProperty(s => s.EndDate, Nov(20)));
            await db.SaveChangesAsync();
        }

        var (tab, _) = RenderTab();

        var card = Assert.Single(tab.FindAll("[data-testid=subscription-card]"));
        Assert.Equal(milk.Name, card.QuerySelector("[data-testid=subscription-product]")!.TextContent.Trim());
        Assert.Equal("1 L every day", card.QuerySelector("[data-testid=schedule-text]")!.TextContent.Trim());
        Assert.Equal("Active", card.QuerySelector("[data-testid=subscription-status]")!.TextContent.Trim());
        Assert.Equal("Since 1 Nov 2026 · no end date", card.QuerySelector("[data-testid=subscription-dates]")!.TextContent.Trim());
        Assert.Equal("Paused Tue 1 Dec 2026 – Thu 3 Dec 2026", card.QuerySelector("[data-testid=pause-row]")!.TextContent.Split("Remove")[0].Trim());
        Assert.Contains("Sun 29 Nov 2026: 2 L instead of 1 L", card.QuerySelector("[data-testid=override-row]")!.TextContent, StringComparison.Ordinal);
        var finished = Assert.Single(tab.FindAll("[data-testid=finished-subscription]"));
        Assert.Contains(curd.Name, finished.TextContent, StringComparison.Ordinal);
        Assert.Contains("Cancelled", finished.TextContent, StringComparison.Ordinal);
        Assert.Contains("last delivery 20 Nov 2026", finished.TextContent, StringComparison.Ordinal);

        var preview = PreviewOf(tab);
        Assert.Equal(14, preview.Count);
        Assert.Equal(("2026-11-25", $"{milk.Name} 1 L"), preview[0]);
        Assert.Equal(("2026-11-29", $"{milk.Name} Changed 2 L"), preview[4]);
        Assert.Equal(("2026-12-01", $"{milk.Name} Paused"), preview[6]);
        Assert.Equal(("2026-12-04", $"{milk.Name} 1 L"), preview[9]);
    }

    [Fact]
    public async Task A_day_past_its_cut_off_is_shown_but_cannot_be_changed_and_says_why()
    {
        var daily = await AddSubscriptionAsync(milk, Nov(1), TestData.Daily(1m));
        await using (var db = database.CreateContext())
        {
            db.SubscriptionOverrides.Add(new SubscriptionOverride { SubscriptionId = daily.Id, Date = Tomorrow, Quantity = 0m, CreatedAt = TestData.Now });
            db.SubscriptionOverrides.Add(new SubscriptionOverride { SubscriptionId = daily.Id, Date = Nov(27), Quantity = 3m, CreatedAt = TestData.Now });
            await db.SaveChangesAsync();
        }
        // 21:00 IST: tomorrow's changes have closed.
        database.Time.AdjustTime(new DateTimeOffset(2026, 11, 24, 15, 30, 0, TimeSpan.Zero));

        var (tab, _) = RenderTab();

        var rows = tab.FindAll("[data-testid=override-row]");
        Assert.Equal(2, rows.Count);
        Assert.True(rows[0].QuerySelector("[data-testid=remove-override]")!.HasAttribute("disabled"));
        Assert.Equal("Changes for 25 Nov 2026 closed at 21:00 on 24 Nov 2026. The earliest date you can change now is 26 Nov 2026.",
            rows[0].QuerySelector("[data-testid=closed-reason]")!.TextContent.Trim());
        Assert.False(rows[1].QuerySelector("[data-testid=remove-override]")!.HasAttribute("disabled"));
        Assert.Null(rows[1].QuerySelector("[data-testid=closed-reason]"));
        Assert.Contains("Thu 26 Nov 2026", tab.Find("[data-testid=first-open-date]").TextContent, StringComparison.Ordinal);
        var firstDay = tab.FindAll("[data-testid=preview-day]")[0];
        Assert.NotNull(firstDay.QuerySelector("[data-testid=preview-closed]"));
        Assert.Equal("Skipped", firstDay.QuerySelector("[data-testid=preview-chip]")!.TextContent.Trim());
    }

    [Fact]
    public async Task The_add_dialog_shows_each_message_next_to_its_field_and_saves_nothing()
    {
        var (tab, dialogs) = RenderTab();
        Open(tab, dialogs, "add-subscription", "subscription-form");
        dialogs.WaitForElement("[data-testid=field-quantity]");

        dialogs.Find("input[data-testid=field-quantity]").Change("0");
        dialogs.Find("input[data-testid=field-start]").Change("26 Nov 2026");
        dialogs.Find("input[data-testid=field-end]").Change("25 Nov 2026");
        dialogs.Find("[data-testid=save-subscription]").Click();

        dialogs.WaitForAssertion(() =>
        {
            Assert.Contains("Choose a product.", FieldOf(dialogs, "field-product").TextContent, StringComparison.Ordinal);
            Assert.Contains("The quantity must be more than 0.", FieldOf(dialogs, "field-quantity").TextContent, StringComparison.Ordinal);
            Assert.Contains("The end date cannot be before the start date.", FieldOf(dialogs, "field-end").TextContent, StringComparison.Ordinal);
        });
        Assert.NotEmpty(dialogs.FindAll("[data-testid=subscription-form]"));
        Assert.Empty(await SavedAsync());

        // Putting a field right clears its message at once.
        dialogs.Find("input[data-testid=field-quantity]").Change("2");
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("more than 0", FieldOf(dialogs, "field-quantity").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Weekday_quantities_are_checked_day_by_day_and_the_messages_show_under_the_weekdays()
    {
        var (tab, dialogs) = RenderTab();
        Open(tab, dialogs, "add-subscription", "subscription-form");
        await PickProductAsync(dialogs, curd);
        dialogs.Find("input[data-testid=kind-weekly]").Click();
        dialogs.WaitForElement("[data-testid=weekday-grid]");

        foreach (var day in new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" })
        {
            dialogs.Find($"input[data-testid=field-{day}]").Change("0");
        }
        dialogs.Find("[data-testid=save-subscription]").Click();
        dialogs.WaitForAssertion(() =>
            Assert.Equal("Give at least one weekday a quantity.", dialogs.Find("[data-testid=weekday-errors]").TextContent.Trim()));

        dialogs.Find("input[data-testid=field-saturday]").Change("1.5");
        dialogs.Find("input[data-testid=field-sunday]").Change("-1");
        dialogs.WaitForAssertion(() =>
        {
            var errors = dialogs.Find("[data-testid=weekday-errors]").TextContent;
            Assert.Contains("Sat: This product is counted in whole pieces or packs.", errors, StringComparison.Ordinal);
            Assert.Contains("Sun: A quantity cannot be negative.", errors, StringComparison.Ordinal);
            Assert.DoesNotContain("Give at least one weekday", errors, StringComparison.Ordinal);
        });
        Assert.Contains("mud-input-error", FieldOf(dialogs, "field-saturday").InnerHtml, StringComparison.Ordinal);
        Assert.Empty(await SavedAsync());
    }

    [Fact]
    public async Task A_valid_alternate_day_subscription_is_created_from_the_dialog_listed_and_previewed()
    {
        var (tab, dialogs) = RenderTab();
        Open(tab, dialogs, "add-subscription", "subscription-form");

        await PickProductAsync(dialogs, milk);
        dialogs.Find("input[data-testid=kind-alternate]").Click();
        dialogs.Find("input[data-testid=field-quantity]").Change("1");
        dialogs.WaitForAssertion(() => Assert.Equal($"{milk.Name}: 1 L on alternate days, from 25 Nov 2026 until cancelled.",
            dialogs.Find("[data-testid=schedule-summary]").TextContent.Trim()));
        dialogs.Find("[data-testid=save-subscription]").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=subscription-form]")));
        var saved = Assert.Single(await SavedAsync());
        Assert.Equal((milk.Id, Tomorrow, (DateOnly?)null), (saved.ProductId, saved.StartDate, saved.EndDate));
        var schedule = Assert.Single(saved.Schedules);
        Assert.Equal((ScheduleKind.EveryNDays, 2, 1m), (schedule.Kind, schedule.IntervalDays!.Value, schedule.Quantity!.Value));
        tab.WaitForAssertion(() => Assert.Equal("1 L on alternate days", tab.Find("[data-testid=schedule-text]").TextContent.Trim()));
        tab.WaitForAssertion(() => Assert.Equal(
            ["2026-11-25", "2026-11-27", "2026-11-29", "2026-12-01", "2026-12-03", "2026-12-05", "2026-12-07"],
            PreviewOf(tab).Where(d => d.Lines.Length > 0).Select(d => d.Date)));
        Assert.All(PreviewOf(tab).Where(d => d.Lines.Length > 0), d => Assert.Equal($"{milk.Name} 1 L", d.Lines));
    }

    [Fact]
    public async Task An_overlapping_pause_is_refused_next_to_its_first_day_and_a_good_one_is_saved_and_previewed()
    {
        var daily = await AddSubscriptionAsync(milk, Nov(1), TestData.Daily(1m));
        await using (var db = database.CreateContext())
        {
            db.SubscriptionPauses.Add(new SubscriptionPause { SubscriptionId = daily.Id, FromDate = Dec(1), ToDate = Dec(3), CreatedAt = TestData.Now });
            await db.SaveChangesAsync();
        }
        var (tab, dialogs) = RenderTab();
        Open(tab, dialogs, "pause", "pause-form", tab.Find("[data-testid=subscription-card]"));

        dialogs.Find("input[data-testid=field-pause-from]").Change("28 Nov 2026");
        dialogs.Find("input[data-testid=field-pause-to]").Change("2 Dec 2026");
        dialogs.Find("[data-testid=save-pause]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("This overlaps the pause from 1 Dec 2026 to 3 Dec 2026. Change that pause instead.",
            FieldOf(dialogs, "field-pause-from").TextContent, StringComparison.Ordinal));
        Assert.Single((await SavedAsync())[0].Pauses);

        dialogs.Find("input[data-testid=field-pause-to]").Change("30 Nov 2026");
        dialogs.WaitForAssertion(() => Assert.Equal(
            $"No {milk.Name} for 3 days, 28 Nov 2026 – 30 Nov 2026. Deliveries resume on 1 Dec 2026.", dialogs.Find("[data-testid=pause-summary]").TextContent.Trim()));
        dialogs.Find("[data-testid=save-pause]").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=pause-form]")));
        Assert.Equal([(Nov(28), Nov(30)), (Dec(1), Dec(3))], (await SavedAsync())[0].Pauses.OrderBy(p => p.FromDate).Select(p => (p.FromDate, p.ToDate)));
        tab.WaitForAssertion(() => Assert.Equal(2, tab.FindAll("[data-testid=pause-row]").Count));
        tab.WaitForAssertion(() => Assert.Equal(("2026-11-28", $"{milk.Name} Paused"), PreviewOf(tab)[3]));
    }

    [Fact]
    public async Task Changing_a_day_to_a_skip_is_saved_and_the_preview_shows_the_day_skipped()
    {
        await AddSubscriptionAsync(milk, Nov(1), TestData.Daily(1m));
        var (tab, dialogs) = RenderTab();
        Open(tab, dialogs, "change-day", "override-form", tab.Find("[data-testid=subscription-card]"));

        Assert.Equal("25 Nov 2026", dialogs.Find("input[data-testid=field-override-date]").GetAttribute("value"));
        dialogs.Find("input[data-testid=field-override-skip]").Change(true);
        dialogs.Find("[data-testid=save-override]").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=override-form]")));
        var change = Assert.Single((await SavedAsync())[0].Overrides);
        Assert.Equal((Tomorrow, 0m), (change.Date, change.Quantity));
        tab.WaitForAssertion(() => Assert.Equal(("2026-11-25", $"{milk.Name} Skipped"), PreviewOf(tab)[0]));
        tab.WaitForAssertion(() => Assert.Contains("Wed 25 Nov 2026: skipped (usually 1 L)", tab.Find("[data-testid=override-row]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_schedule_from_a_later_day_keeps_the_earlier_days_and_shows_what_comes_next()
    {
        await AddSubscriptionAsync(milk, Nov(1), TestData.Daily(1m));
        var (tab, dialogs) = RenderTab();
        Open(tab, dialogs, "change-schedule", "change-schedule-form", tab.Find("[data-testid=subscription-card]"));

        dialogs.Find("input[data-testid=field-effective-from]").Change("28 Nov 2026");
        dialogs.Find("input[data-testid=field-quantity]").Change("2");
        dialogs.WaitForAssertion(() => Assert.Equal(
            "From 28 Nov 2026: 2 L every day. Until 27 Nov 2026: 1 L every day, as before.", dialogs.Find("[data-testid=schedule-summary]").TextContent.Trim()));
        dialogs.Find("[data-testid=save-schedule]").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=change-schedule-form]")));
        var saved = (await SavedAsync())[0];
        Assert.Equal([(Nov(1), 1m), (Nov(28), 2m)], saved.Schedules.OrderBy(s => s.EffectiveFrom).Select(s => (s.EffectiveFrom, s.Quantity!.Value)));
        tab.WaitForAssertion(() => Assert.Equal("Then 2 L every day from 28 Nov 2026", tab.Find("[data-testid=next-schedule-text]").TextContent.Trim()));
        tab.WaitForAssertion(() =>
        {
            Assert.Equal(("2026-11-27", $"{milk.Name} 1 L"), PreviewOf(tab)[2]);
            Assert.Equal(("2026-11-28", $"{milk.Name} 2 L"), PreviewOf(tab)[3]);
        });
    }

    [Fact]
    public async Task A_schedule_change_on_a_closed_day_is_refused_next_to_the_date()
    {
        await AddSubscriptionAsync(milk, Nov(1), TestData.Daily(1m));
        var (tab, dialogs) = RenderTab();
        Open(tab, dialogs, "change-schedule", "change-schedule-form", tab.Find("[data-testid=subscription-card]"));
        // The form was opened at 19:00 for tomorrow; it is sent after 21:00.
        database.Time.AdjustTime(new DateTimeOffset(2026, 11, 24, 15, 30, 0, TimeSpan.Zero));

        dialogs.Find("[data-testid=save-schedule]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Changes for 25 Nov 2026 closed at 21:00 on 24 Nov 2026.",
            FieldOf(dialogs, "field-effective-from").TextContent, StringComparison.Ordinal));
        Assert.Single((await SavedAsync())[0].Schedules);
    }

    [Fact]
    public async Task Cancelling_asks_first_then_moves_the_subscription_to_the_ended_list()
    {
        await AddSubscriptionAsync(milk, Nov(1), TestData.Daily(1m));
        var (tab, dialogs) = RenderTab();

        tab.Find("[data-testid=cancel-subscription]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("The last delivery will be Tue 24 Nov 2026", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel subscription").Click();

        tab.WaitForAssertion(() => Assert.Empty(tab.FindAll("[data-testid=subscription-card]")));
        Assert.Contains("Cancelled", tab.Find("[data-testid=finished-subscription]").TextContent, StringComparison.Ordinal);
        var saved = (await SavedAsync())[0];
        Assert.Equal((SubscriptionStatus.Cancelled, (DateOnly?)Today), (saved.Status, saved.EndDate));
        tab.WaitForAssertion(() => Assert.All(PreviewOf(tab), d => Assert.Equal("", d.Lines)));
    }

    [Fact]
    public async Task A_subscription_cancelled_before_its_first_delivery_says_so_and_previews_nothing()
    {
        var future = await AddSubscriptionAsync(milk, Dec(1), TestData.Daily(1m));
        await using (var scope = database.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<SubscriptionService>().CancelAsync(Caller.For(staff, Roles.Staff), future.Id);
            Assert.True(result.Succeeded);
        }

        var (tab, _) = RenderTab();

        Assert.Empty(tab.FindAll("[data-testid=subscription-card]"));
        Assert.Contains("Cancelled before its first delivery, due 1 Dec 2026", tab.Find("[data-testid=finished-subscription]").TextContent, StringComparison.Ordinal);
        Assert.All(PreviewOf(tab), d => Assert.Equal("", d.Lines));
    }
}
