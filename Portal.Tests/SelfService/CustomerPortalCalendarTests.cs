using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Customers;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Domain.SelfService;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;
using static Portal.Tests.SelfService.SelfServiceData;

namespace Portal.Tests.SelfService;

/// <summary>The customer's month: every day, what was due and what happened, with the month's totals. Today is 24 Nov 2026.</summary>
public sealed class CustomerPortalCalendarTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private IServiceScope scope = null!;
    private PortalUser agent = null!;

    private CustomerPortal Portal => scope.ServiceProvider.GetRequiredService<CustomerPortal>();

    public async Task InitializeAsync()
    {
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        scope = fixture.Services.CreateScope();
        await using var db = fixture.CreateContext();
        agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
    }

    public Task DisposeAsync()
    {
        scope.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Milk (1 L a day from 2 Nov, ₹56.00) delivered on the 2nd, half on the 3rd, not on the 4th (away, with a note), nothing
    /// recorded on the 5th, skipped on the 6th, delivered on the 7th although the day was skipped afterwards, paused 10–12 Nov;
    /// a paneer order delivered on the 20th and another due on the 26th. A neighbour's milk on the same days is not theirs.
    /// </summary>
    private async Task<(Customer Customer, Subscription Milk, Product MilkProduct, Product Paneer, long[] Records, int DeliveredOrder, int DueOrder)> NovemberAsync()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var neighbour = await TestData.AddCustomerAsync(db);
        var milkProduct = await TestData.AddProductAsync(db, 56m);
        var paneer = await TestData.AddProductAsync(db, 95.50m, ProductUnit.Pack);
        var milk = await TestData.AddSubscriptionAsync(db, customer, milkProduct, Nov(2), TestData.Daily(1m));
        var delivered = await AddRecordAsync(db, milk, Nov(2), agent, 1m, 1m);
        var partial = await AddRecordAsync(db, milk, Nov(3), agent, 1m, 0.5m);
        var away = await AddRecordAsync(db, milk, Nov(4), agent, 1m, 0m, NotDeliveredReason.CustomerAway, "Gate locked, nobody answered");
        await AddOverrideAsync(db, milk, Nov(6), 0m);
        var deliveredThenSkipped = await AddRecordAsync(db, milk, Nov(7), agent, 1m, 1m);
        await AddOverrideAsync(db, milk, Nov(7), 0m);
        await AddPauseAsync(db, milk, Nov(10), Nov(12));
        var order = await TestData.AddOrderAsync(db, customer, Nov(20), (paneer, 2m));
        var orderDelivery = await TestData.AddDeliveryAsync(db, order.Lines[0], agent);
        var dueOrder = await TestData.AddOrderAsync(db, customer, Nov(26), (paneer, 1m));
        var neighbours = await TestData.AddSubscriptionAsync(db, neighbour, milkProduct, Nov(1), TestData.Daily(3m));
        await AddRecordAsync(db, neighbours, Nov(2), agent, 3m, 3m);
        return (customer, milk, milkProduct, paneer, [delivered.Id, partial.Id, away.Id, deliveredThenSkipped.Id, orderDelivery.Id], order.Id, dueOrder.Id);
    }

    [Fact]
    public async Task Every_day_of_the_month_shows_what_was_due_and_what_happened()
    {
        var (customer, milk, milkProduct, paneer, records, deliveredOrder, dueOrder) = await NovemberAsync();
        var m = milkProduct.Name;

        var calendar = await Portal.CalendarAsync(CallerFor(customer), Nov(17));

        Assert.Equal(Nov(1), calendar.Month);
        Assert.Equal(Enumerable.Range(1, 30).Select(Nov), calendar.Days.Select(d => d.Date));
        var day = calendar.Days.ToDictionary(d => d.Date.Day, d => d.Items);
        Assert.Empty(day[1]);
        Assert.Equal([new CalendarItem(m, ProductUnit.Litre, 1m, 1m, CalendarState.Delivered, null, null, records[0], milk.Id, null)], day[2]);
        Assert.Equal([new CalendarItem(m, ProductUnit.Litre, 1m, 0.5m, CalendarState.Partial, null, null, records[1], milk.Id, null)], day[3]);
        Assert.Equal(
            [new CalendarItem(m, ProductUnit.Litre, 1m, 0m, CalendarState.NotDelivered, NotDeliveredReason.CustomerAway, "Gate locked, nobody answered", records[2], milk.Id, null)],
            day[4]);
        Assert.Equal([new CalendarItem(m, ProductUnit.Litre, 1m, null, CalendarState.NotRecorded, null, null, null, milk.Id, null)], day[5]);
        Assert.Equal([new CalendarItem(m, ProductUnit.Litre, 0m, null, CalendarState.Skipped, null, null, null, milk.Id, null)], day[6]);
        Assert.Equal([new CalendarItem(m, ProductUnit.Litre, 1m, 1m, CalendarState.Delivered, null, null, records[3], milk.Id, null)], day[7]);
        foreach (var paused in new[] { 10, 11, 12 })
        {
            Assert.Equal([new CalendarItem(m, ProductUnit.Litre, 0m, null, CalendarState.Paused, null, null, null, milk.Id, null)], day[paused]);
        }
        Assert.Equal(
            [
                new CalendarItem(m, ProductUnit.Litre, 1m, null, CalendarState.NotRecorded, null, null, null, milk.Id, null),
                new CalendarItem(paneer.Name, ProductUnit.Pack, 2m, 2m, CalendarState.Delivered, null, null, records[4], null, deliveredOrder),
            ],
            day[20]);
        Assert.Equal([new CalendarItem(m, ProductUnit.Litre, 1m, null, CalendarState.NotRecorded, null, null, null, milk.Id, null)], day[23]);
        Assert.Equal([new CalendarItem(m, ProductUnit.Litre, 1m, null, CalendarState.Upcoming, null, null, null, milk.Id, null)], day[24]);
        Assert.Equal(
            [
                new CalendarItem(m, ProductUnit.Litre, 1m, null, CalendarState.Upcoming, null, null, null, milk.Id, null),
                new CalendarItem(paneer.Name, ProductUnit.Pack, 1m, null, CalendarState.Upcoming, null, null, null, null, dueOrder),
            ],
            day[26]);
        Assert.Equal(
            Enumerable.Range(1, 30).Select(d => d switch
            {
                1 => "",
                2 or 7 => "Delivered",
                3 => "Partial",
                4 => "NotDelivered",
                6 => "Skipped",
                10 or 11 or 12 => "Paused",
                20 => "NotRecorded,Delivered",
                26 => "Upcoming,Upcoming",
                < 24 => "NotRecorded",
                _ => "Upcoming",
            }),
            calendar.Days.Select(d => string.Join(",", d.Items.Select(i => i.State))));
    }

    [Fact]
    public async Task The_months_totals_count_records_by_outcome_and_price_what_was_delivered()
    {
        var (customer, _, _, _, _, _, _) = await NovemberAsync();

        var calendar = await Portal.CalendarAsync(CallerFor(customer), Nov(1));

        // 56.00 (2nd) + 28.00 (half on the 3rd) + 56.00 (7th) + 2 × 95.50 (the order) = 331.00; nothing for the 4th.
        Assert.Equal((3, 1, 1, 331m), (calendar.Delivered, calendar.Partial, calendar.NotDelivered, calendar.DeliveredAmount));
    }

    [Fact]
    public async Task A_month_with_nothing_in_it_still_has_every_day()
    {
        var (customer, _, _, _, _, _, _) = await NovemberAsync();

        var february = await Portal.CalendarAsync(CallerFor(customer), new DateOnly(2024, 2, 29));

        Assert.Equal(new DateOnly(2024, 2, 1), february.Month);
        Assert.Equal(Enumerable.Range(1, 29).Select(d => new DateOnly(2024, 2, d)), february.Days.Select(d => d.Date));
        Assert.All(february.Days, d => Assert.Empty(d.Items));
        Assert.Equal((0, 0, 0, 0m), (february.Delivered, february.Partial, february.NotDelivered, february.DeliveredAmount));
    }

    [Fact]
    public async Task An_absurd_month_is_refused()
    {
        var (customer, _, _, _, _, _, _) = await NovemberAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Portal.CalendarAsync(CallerFor(customer), new DateOnly(1999, 12, 1)));
    }
}
