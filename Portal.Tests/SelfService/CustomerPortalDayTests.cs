using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Customers;
using Portal.Domain.Products;
using Portal.Domain.SelfService;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;
using static Portal.Tests.SelfService.SelfServiceData;

namespace Portal.Tests.SelfService;

/// <summary>
/// What a customer sees for one delivery day: every subscription with its quantity and why (scheduled, changed, skipped, paused),
/// every order line, and whether the day can still be changed — with the clock at 19:00 IST on Tuesday 24 Nov 2026.
/// </summary>
public sealed class CustomerPortalDayTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    /// <summary>21:00:01 IST on 24 Nov: a second after the cut-off for 25 Nov.</summary>
    private static readonly DateTimeOffset JustAfterCutoff = new(2026, 11, 24, 15, 30, 1, TimeSpan.Zero);

    private IServiceScope scope = null!;

    private CustomerPortal Portal => scope.ServiceProvider.GetRequiredService<CustomerPortal>();

    public Task InitializeAsync()
    {
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        scope = fixture.Services.CreateScope();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        scope.Dispose();
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        return Task.CompletedTask;
    }

    /// <summary>
    /// For 25 Nov: milk as scheduled (1), curd changed to 3 (usually 1), buttermilk skipped (usually 2), ghee paused (usually 1),
    /// an alternate-day subscription off that day, and an order with two lines; plus a cancelled order and a neighbour's milk, which are not theirs to see.
    /// </summary>
    private async Task<Plan> PlanForTomorrowAsync()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var neighbour = await TestData.AddCustomerAsync(db);
        var milk = await TestData.AddProductAsync(db, 56m);
        var curd = await TestData.AddProductAsync(db, 40m, ProductUnit.Kg);
        var buttermilk = await TestData.AddProductAsync(db, 20m);
        var ghee = await TestData.AddProductAsync(db, 300m, ProductUnit.Pack);
        var paneer = await TestData.AddProductAsync(db, 95.50m, ProductUnit.Pack);
        var alternate = await TestData.AddProductAsync(db, 30m);

        var scheduled = await TestData.AddSubscriptionAsync(db, customer, milk, Nov(1), TestData.Daily(1m));
        var changed = await TestData.AddSubscriptionAsync(db, customer, curd, Nov(1), TestData.Daily(1m));
        await AddOverrideAsync(db, changed, Tomorrow, 3m);
        var skipped = await TestData.AddSubscriptionAsync(db, customer, buttermilk, Nov(1), TestData.Daily(2m));
        await AddOverrideAsync(db, skipped, Tomorrow, 0m);
        var paused = await TestData.AddSubscriptionAsync(db, customer, ghee, Nov(1), TestData.Daily(1m));
        await AddPauseAsync(db, paused, Today, Nov(27));
        await TestData.AddSubscriptionAsync(db, customer, alternate, Today, TestData.EveryNDays(2, 1m));
        var order = await TestData.AddOrderAsync(db, customer, Tomorrow, (paneer, 2m), (milk, 0.5m));
        var cancelled = await TestData.AddOrderAsync(db, customer, Tomorrow, (paneer, 5m));
        await CancelOrderAsync(db, cancelled);
        await TestData.AddSubscriptionAsync(db, neighbour, milk, Nov(1), TestData.Daily(4m));
        await TestData.AddOrderAsync(db, neighbour, Tomorrow, (paneer, 7m));

        return new Plan(customer, [
            new DayPlanLine(milk.Name, ProductUnit.Litre, 1m, 1m, PreviewReason.Scheduled, scheduled.Id, null),
            new DayPlanLine(curd.Name, ProductUnit.Kg, 3m, 1m, PreviewReason.Changed, changed.Id, null),
            new DayPlanLine(buttermilk.Name, ProductUnit.Litre, 0m, 2m, PreviewReason.Skipped, skipped.Id, null),
            new DayPlanLine(ghee.Name, ProductUnit.Pack, 0m, 1m, PreviewReason.Paused, paused.Id, null),
            new DayPlanLine(paneer.Name, ProductUnit.Pack, 2m, 2m, PreviewReason.Order, null, order.Id),
            new DayPlanLine(milk.Name, ProductUnit.Litre, 0.5m, 0.5m, PreviewReason.Order, null, order.Id),
        ]);
    }

    private sealed record Plan(Customer Customer, IReadOnlyList<DayPlanLine> Expected);

    private static IEnumerable<DayPlanLine> Sorted(IEnumerable<DayPlanLine> lines) =>
        lines.OrderBy(l => l.SubscriptionId ?? int.MaxValue).ThenBy(l => l.OrderId).ThenBy(l => l.ProductName, StringComparer.Ordinal);

    [Fact]
    public async Task The_day_lists_every_subscription_with_its_reason_and_usual_quantity_and_every_order_line()
    {
        var plan = await PlanForTomorrowAsync();

        var day = await Portal.DayAsync(CallerFor(plan.Customer), Tomorrow);

        Assert.Equal(Tomorrow, day.Date);
        Assert.Equal(Sorted(plan.Expected), Sorted(day.Lines));
    }

    [Fact]
    public async Task The_day_agrees_with_the_subscription_preview_line_for_line()
    {
        var plan = await PlanForTomorrowAsync();
        var caller = CallerFor(plan.Customer);

        var days = new List<(DateOnly Date, IReadOnlyList<DayPlanLine> Lines)>();
        for (var date = Nov(20); date <= Nov(30); date = date.AddDays(1))
        {
            days.Add((date, (await Portal.DayAsync(caller, date)).Lines));
        }
        var preview = await scope.ServiceProvider.GetRequiredService<SubscriptionService>().PreviewAsync(caller, plan.Customer.Id, Nov(20), 11);

        Assert.Equal(
            preview.SelectMany(d => d.Lines.Select(l => (d.Date, l.ProductName, l.Quantity, l.Reason, l.SubscriptionId, l.OrderId)))
                .Order(),
            days.SelectMany(d => d.Lines.Select(l => (d.Date, l.ProductName, l.Quantity, l.Reason, l.SubscriptionId, l.OrderId)))
                .Order());
        Assert.Contains(days, d => d.Lines.Any(l => l.Reason == PreviewReason.Paused));
    }

    [Fact]
    public async Task Tomorrow_is_open_until_the_cut_off_and_closed_a_second_after_it_with_the_reason()
    {
        var plan = await PlanForTomorrowAsync();
        var caller = CallerFor(plan.Customer);
        var cutoff = new DateTimeOffset(2026, 11, 24, 21, 0, 0, TimeSpan.FromHours(5.5));

        var before = await Portal.DayAsync(caller, Tomorrow);
        fixture.Time.AdjustTime(JustAfterCutoff);
        var after = await Portal.DayAsync(caller, Tomorrow);

        Assert.Equal((true, cutoff, (string?)null), (before.IsOpen, before.Cutoff, before.ClosedMessage));
        Assert.Equal((false, cutoff), (after.IsOpen, after.Cutoff));
        Assert.Equal(
            "Changes for 25 Nov 2026 closed at 21:00 on 24 Nov 2026. The earliest date you can change now is 26 Nov 2026.",
            after.ClosedMessage);
        Assert.Equal(Sorted(before.Lines), Sorted(after.Lines));
    }

    [Fact]
    public async Task Today_is_closed_because_it_has_begun_and_the_day_after_tomorrow_is_open()
    {
        var plan = await PlanForTomorrowAsync();
        var caller = CallerFor(plan.Customer);

        var today = await Portal.DayAsync(caller, Today);
        var later = await Portal.DayAsync(caller, Nov(26));

        Assert.False(today.IsOpen);
        Assert.Equal("24 Nov 2026 has already begun; changes can be made from 25 Nov 2026.", today.ClosedMessage);
        Assert.True(later.IsOpen);
        Assert.Null(later.ClosedMessage);
    }

    [Fact]
    public async Task The_customer_id_is_the_signed_in_customers_own()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        await TestData.AddCustomerAsync(db);

        Assert.Equal(customer.Id, await Portal.CustomerIdAsync(CallerFor(customer)));
    }

    [Fact]
    public async Task On_sale_are_the_active_products_with_a_price_today_at_todays_price()
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var raised = await TestData.AddProductAsync(db, 56m);
        await AddPriceAsync(db, raised, Today, 58.50m);
        await AddPriceAsync(db, raised, Tomorrow, 60m);
        var pack = await TestData.AddProductAsync(db, 95.50m, ProductUnit.Pack);
        var withdrawn = await TestData.AddProductAsync(db, 40m);
        withdrawn.IsActive = false;
        await db.SaveChangesAsync();
        var notYetPriced = await TestData.AddProductAsync(db, 30m, priceFrom: Tomorrow);
        var mine = new[] { raised.Id, pack.Id, withdrawn.Id, notYetPriced.Id };

        var onSale = await Portal.OnSaleAsync(CallerFor(customer));

        Assert.Equal(
            new[] { new OnSaleProduct(raised.Id, raised.Name, ProductUnit.Litre, 58.50m), new OnSaleProduct(pack.Id, pack.Name, ProductUnit.Pack, 95.50m) }
                .OrderBy(p => p.Id),
            onSale.Where(p => mine.Contains(p.Id)).OrderBy(p => p.Id));
    }
}
