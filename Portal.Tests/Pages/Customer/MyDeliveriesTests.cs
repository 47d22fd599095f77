using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Customer;
using Portal.Domain.Deliveries;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages.CustomerSelfService;

/// <summary>The customer's month (/me/deliveries?month=yyyy-MM): what was due each day and what happened, with the month's totals.</summary>
public sealed class MyDeliveriesTests(DatabaseFixture database) : CustomerPageTest(database)
{
    private IRenderedComponent<MyDeliveries> RenderMonth(string? month = null)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(month is null ? "/me/deliveries" : $"/me/deliveries?month={Uri.EscapeDataString(month)}");
        var page = Render<MyDeliveries>();
        WaitLoaded(page, "[data-testid=calendar]");
        return page;
    }

    /// <summary>What the day-by-day list says for a date: each item's product and what happened.</summary>
    private static List<string> ListOf(IRenderedComponent<MyDeliveries> page, DateOnly date) =>
        page.FindAll($"[data-testid=calendar-list-day][data-date='{date:yyyy-MM-dd}'] [data-testid=calendar-item]")
            .Select(i => Parts(i, ".me-entry-what, .me-entry-happened"))
            .ToList();

    [Fact]
    public async Task The_month_shows_each_day_in_its_state_with_reasons_in_words_links_to_each_record_and_the_totals()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, Nov(2));
        await using (var db = Database.CreateContext())
        {
            await db.Subscriptions.Where(s => s.Id == milk.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.EndDate, Nov(10)));
        }
        await SubscribeAsync(me, Curd, Nov(25));
        var delivered = await RecordAsync(milk, Nov(2), 1m, 1m);
        var partial = await RecordAsync(milk, Nov(3), 2m, 1m);
        var away = await RecordAsync(milk, Nov(4), 1m, 0m, NotDeliveredReason.CustomerAway);
        await RecordAsync(milk, Nov(5), 1m, 0m, NotDeliveredReason.OutOfStock);
        await RecordAsync(milk, Nov(6), 1m, 0m, NotDeliveredReason.Other, "Gate locked");
        await OverrideAsync(milk, Nov(8), 0m);
        await PauseAsync(milk, Nov(9), Nov(10));
        var order = await OrderAsync(me, Nov(12), (Curd, 2m));
        var orderDelivery = await RecordAsync(order.Lines[0]);
        SignInAs(me);

        var page = RenderMonth("2026-11");

        Assert.Equal("November 2026", page.Find("[data-testid=calendar-month]").TextContent.Trim());
        // 1 Nov 2026 is a Sunday: six blank cells before it in a week that starts on Monday.
        Assert.Equal(6, page.FindAll(".me-cal-cell--blank").Count);
        Assert.Equal(30, page.FindAll("[data-testid^=calendar-day-]").Count);
        string StatesOn(int day) => page.Find($"[data-testid=calendar-day-2026-11-{day:D2}]").GetAttribute("data-states")!;
        Assert.Equal("Delivered", StatesOn(2));
        Assert.Equal("Partial", StatesOn(3));
        Assert.Equal("NotDelivered", StatesOn(4));
        Assert.Equal("NotRecorded", StatesOn(7));
        Assert.Equal("Skipped", StatesOn(8));
        Assert.Equal("Paused", StatesOn(9));
        Assert.Equal("", StatesOn(11));
        Assert.Equal("Delivered", StatesOn(12));
        Assert.Equal("Upcoming", StatesOn(25));

        Assert.Equal([$"{Milk.Name} 1 L delivered"], ListOf(page, Nov(2)));
        Assert.Equal([$"{Milk.Name} 1 of 2 L"], ListOf(page, Nov(3)));
        Assert.Equal([$"{Milk.Name} Not delivered: You were away"], ListOf(page, Nov(4)));
        Assert.Equal([$"{Milk.Name} Not delivered: Out of stock"], ListOf(page, Nov(5)));
        Assert.Equal([$"{Milk.Name} Not delivered: Gate locked"], ListOf(page, Nov(6)));
        Assert.Equal([$"{Milk.Name} Not recorded yet — not billed"], ListOf(page, Nov(7)));
        Assert.Equal([$"{Milk.Name} Skipped"], ListOf(page, Nov(8)));
        Assert.Equal([$"{Milk.Name} Paused"], ListOf(page, Nov(10)));
        Assert.Equal([$"{Curd.Name} (one-time order) 2 packs delivered"], ListOf(page, Nov(12)));
        Assert.Equal([$"{Curd.Name} 1 pack due"], ListOf(page, Nov(25)));

        long[] recorded = [delivered.Id, partial.Id, away.Id, orderDelivery.Id];
        foreach (var id in recorded)
        {
            Assert.Equal($"/me/deliveries/{id}", page.Find($"a[data-testid=calendar-item][data-delivery-id='{id}']").GetAttribute("href"));
        }
        Assert.Empty(page.FindAll("[data-testid=calendar-list-day][data-date='2026-11-07'] a"));

        Assert.Equal("2", page.Find("[data-testid=calendar-delivered]").TextContent.Trim());
        Assert.Equal("1", page.Find("[data-testid=calendar-partial]").TextContent.Trim());
        Assert.Equal("3", page.Find("[data-testid=calendar-not-delivered]").TextContent.Trim());
        Assert.Equal("1", page.Find("[data-testid=calendar-not-recorded]").TextContent.Trim());
        // 1 L and 1 L of milk at ₹56, and the order's 2 packs of curd at ₹35.
        Assert.Equal("₹182.00", page.Find("[data-testid=calendar-amount]").TextContent.Trim());
        Assert.Equal(7, page.FindAll("[data-testid=legend] li").Count);
    }

    [Fact]
    public async Task The_month_comes_from_the_address_and_the_buttons_step_a_month_either_way()
    {
        var me = await AddCustomerAsync();
        var milk = await SubscribeAsync(me, Milk, new DateOnly(2026, 10, 30));
        await RecordAsync(milk, new DateOnly(2026, 10, 30), 1m, 1m);
        SignInAs(me);

        var page = RenderMonth("2026-10");

        Assert.Equal("October 2026", page.Find("[data-testid=calendar-month]").TextContent.Trim());
        Assert.Equal("Delivered", page.Find("[data-testid=calendar-day-2026-10-30]").GetAttribute("data-states"));
        Assert.Equal("/me/deliveries?month=2026-09", page.Find("[data-testid=previous-month]").GetAttribute("href"));
        Assert.Equal("/me/deliveries?month=2026-11", page.Find("[data-testid=next-month]").GetAttribute("href"));
        Assert.Equal("₹56.00", page.Find("[data-testid=calendar-amount]").TextContent.Trim());

        Services.GetRequiredService<NavigationManager>().NavigateTo(page.Find("[data-testid=next-month]").GetAttribute("href")!);

        page.WaitForAssertion(() => Assert.Equal("November 2026", page.Find("[data-testid=calendar-month]").TextContent.Trim()));
        page.WaitForAssertion(() => Assert.Equal("NotRecorded", page.Find("[data-testid=calendar-day-2026-11-01]").GetAttribute("data-states")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-month")]
    [InlineData("2031-01")]
    [InlineData("1999-12")]
    public async Task Without_a_usable_month_the_page_shows_this_month(string? month)
    {
        var me = await AddCustomerAsync();
        SignInAs(me);

        var page = RenderMonth(month);

        Assert.Equal("November 2026", page.Find("[data-testid=calendar-month]").TextContent.Trim());
        Assert.Equal("Nothing was due in November 2026.", page.Find("[data-testid=calendar-empty]").TextContent.Trim());
        Assert.Equal("/me/deliveries?month=2026-12", page.Find("[data-testid=next-month]").GetAttribute("href"));
    }

    [Fact]
    public async Task Next_month_is_as_far_ahead_as_the_calendar_goes()
    {
        var me = await AddCustomerAsync();
        SignInAs(me);

        var page = RenderMonth("2026-12");

        Assert.Equal("December 2026", page.Find("[data-testid=calendar-month]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=next-month]"));
        Assert.Equal("/me/deliveries?month=2026-11", page.Find("[data-testid=this-month]").GetAttribute("href"));
    }
}
