using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Subscriptions;

/// <summary>
/// The subscriptions service on the real database, with the clock at 19:00 IST on Tuesday 24 Nov 2026 unless a test moves it:
/// tomorrow (25 Nov) is still open until 21:00 tonight.
/// </summary>
public sealed class SubscriptionServiceTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 24);
    private static readonly DateOnly Tomorrow = new(2026, 11, 25);

    /// <summary>21:00 IST on 24 Nov: tomorrow's cut-off.</summary>
    private static readonly DateTimeOffset AtCutoff = new(2026, 11, 24, 15, 30, 0, TimeSpan.Zero);

    private Caller staff = null!;

    private static DateOnly Nov(int day) => new(2026, 11, day);

    private static DateOnly Dec(int day) => new(2026, 12, day);

    public async Task InitializeAsync()
    {
        // Tests that move the clock leave it moved; every test starts from the same evening.
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        await using var db = fixture.CreateContext();
        staff = Caller.For(await TestData.AddUserAsync(db, Roles.Staff), Roles.Staff);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<T> WithServiceAsync<T>(Func<SubscriptionService, Task<T>> action)
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<SubscriptionService>());
    }

    private Task<Result<Unit>> Do(Func<SubscriptionService, Task<Result<Unit>>> action) => WithServiceAsync(action);

    private async Task<(Customer Customer, Product Product)> CustomerAndProductAsync(ProductUnit unit = ProductUnit.Litre)
    {
        await using var db = fixture.CreateContext();
        return (await TestData.AddCustomerAsync(db), await TestData.AddProductAsync(db, unit: unit));
    }

    /// <summary>A subscription that began on 1 Nov, so it has closed days behind it and open days ahead.</summary>
    private async Task<Subscription> RunningSubscriptionAsync(SubscriptionSchedule? schedule = null, DateOnly? start = null, ProductUnit unit = ProductUnit.Litre)
    {
        await using var db = fixture.CreateContext();
        var customer = await TestData.AddCustomerAsync(db);
        var product = await TestData.AddProductAsync(db, unit: unit);
        return await TestData.AddSubscriptionAsync(db, customer, product, start ?? Nov(1), schedule);
    }

    private async Task<Subscription> LoadAsync(int id)
    {
        await using var db = fixture.CreateContext();
        return await db.Subscriptions.AsNoTracking().AsSplitQuery()
            .Include(s => s.Schedules).Include(s => s.Pauses).Include(s => s.Overrides)
            .SingleAsync(s => s.Id == id);
    }

    private static decimal[] Due(Subscription subscription, params DateOnly[] dates) => dates.Select(d => DueQuantity.On(subscription, d)).ToArray();

    private async Task<List<string>> AuditActionsAsync(int subscriptionId)
    {
        await using var db = fixture.CreateContext();
        var id = subscriptionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditEntries.Where(a => a.EntityType == SubscriptionService.EntityType && a.EntityId == id)
            .OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
    }

    private static SubscriptionInput Input(Customer customer, Product product, ScheduleInput? schedule = null, DateOnly? start = null, DateOnly? end = null) => new()
    {
        CustomerId = customer.Id,
        ProductId = product.Id,
        StartDate = start ?? Tomorrow,
        EndDate = end,
        Schedule = schedule ?? new ScheduleInput { Kind = ScheduleKind.Daily, Quantity = 1m },
    };

    private static ScheduleInput Weekly(decimal monday, decimal tuesday, decimal wednesday, decimal thursday, decimal friday, decimal saturday, decimal sunday) => new()
    {
        Kind = ScheduleKind.Weekly,
        Monday = monday, Tuesday = tuesday, Wednesday = wednesday, Thursday = thursday, Friday = friday, Saturday = saturday, Sunday = sunday,
    };

    // ---- Creating ----

    [Fact]
    public async Task A_daily_subscription_is_created_from_its_start_date_with_an_audit_entry()
    {
        var (customer, product) = await CustomerAndProductAsync();

        var result = await WithServiceAsync(s => s.CreateAsync(staff, Input(customer, product, new ScheduleInput { Kind = ScheduleKind.Daily, Quantity = 1.5m })));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var saved = await LoadAsync(result.Value);
        Assert.Equal((customer.Id, product.Id, Tomorrow, (DateOnly?)null, SubscriptionStatus.Active),
            (saved.CustomerId, saved.ProductId, saved.StartDate, saved.EndDate, saved.Status));
        var schedule = Assert.Single(saved.Schedules);
        Assert.Equal((ScheduleKind.Daily, Tomorrow, 1.5m, (int?)null), (schedule.Kind, schedule.EffectiveFrom, schedule.Quantity!.Value, schedule.IntervalDays));
        Assert.Equal([0m, 1.5m, 1.5m, 1.5m], Due(saved, Today, Tomorrow, Nov(30), Dec(31)));
        Assert.Equal([AuditActions.SubscriptionCreated], await AuditActionsAsync(saved.Id));
    }

    [Fact]
    public async Task An_alternate_day_subscription_counts_its_days_from_the_start_date()
    {
        var (customer, product) = await CustomerAndProductAsync();

        var result = await WithServiceAsync(s => s.CreateAsync(staff, Input(customer, product,
            new ScheduleInput { Kind = ScheduleKind.EveryNDays, IntervalDays = 2, Quantity = 1m }, start: Nov(26))));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var saved = await LoadAsync(result.Value);
        Assert.Equal((ScheduleKind.EveryNDays, 2), (saved.Schedules[0].Kind, saved.Schedules[0].IntervalDays!.Value));
        Assert.Equal([0m, 1m, 0m, 1m, 0m, 1m, 1m], Due(saved, Tomorrow, Nov(26), Nov(27), Nov(28), Nov(29), Nov(30), Dec(2)));
    }

    [Fact]
    public async Task An_every_third_day_subscription_is_due_every_third_day_across_the_month_end()
    {
        var (customer, product) = await CustomerAndProductAsync();

        var result = await WithServiceAsync(s => s.CreateAsync(staff, Input(customer, product,
            new ScheduleInput { Kind = ScheduleKind.EveryNDays, IntervalDays = 3, Quantity = 2m }, start: Nov(28))));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var saved = await LoadAsync(result.Value);
        Assert.Equal([2m, 0m, 0m, 2m, 0m, 0m, 2m], Due(saved, Nov(28), Nov(29), Nov(30), Dec(1), Dec(2), Dec(3), Dec(4)));
    }

    [Fact]
    public async Task A_weekday_subscription_gives_each_weekday_its_quantity_and_none_on_the_days_left_at_zero()
    {
        var (customer, product) = await CustomerAndProductAsync();

        // 1 L Mon–Fri, 2 L at the weekend, nothing on Wednesday. 30 Nov 2026 is a Monday.
        var result = await WithServiceAsync(s => s.CreateAsync(staff, Input(customer, product, Weekly(1, 1, 0, 1, 1, 2, 2), start: Nov(30))));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var saved = await LoadAsync(result.Value);
        Assert.Equal([1m, 1m, 0m, 1m, 1m, 2m, 2m, 1m], Due(saved, Nov(30), Dec(1), Dec(2), Dec(3), Dec(4), Dec(5), Dec(6), Dec(7)));
        Assert.Null(saved.Schedules[0].Quantity);
        var view = Assert.Single(await WithServiceAsync(s => s.ForCustomerAsync(staff, customer.Id)));
        Assert.Equal("1 L Mon, Tue, Thu, Fri; 2 L Sat, Sun", view.ScheduleText);
    }

    public static TheoryData<string> BadInputs => new()
    {
        "zero quantity", "negative quantity", "half a pack", "weekly all zero", "weekly half a pack on Tuesday", "weekly negative Sunday",
        "every 1 day", "end before start", "start in the past", "start today", "tomorrow after the cut-off", "no product",
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_refused_with_the_message_on_its_field_and_nothing_is_saved(string @case)
    {
        var packs = @case.Contains("pack", StringComparison.Ordinal);
        var (customer, product) = await CustomerAndProductAsync(packs ? ProductUnit.Pack : ProductUnit.Litre);
        var input = Input(customer, product);
        (string Field, string Message) expected;
        switch (@case)
        {
            case "zero quantity":
                input.Schedule.Quantity = 0;
                expected = ("Schedule.Quantity", "The quantity must be more than 0.");
                break;
            case "negative quantity":
                input.Schedule = new ScheduleInput { Kind = ScheduleKind.EveryNDays, IntervalDays = 2, Quantity = -1 };
                expected = ("Schedule.Quantity", "The quantity must be more than 0.");
                break;
            case "half a pack":
                input.Schedule.Quantity = 1.5m;
                expected = ("Schedule.Quantity", "This product is counted in whole pieces or packs.");
                break;
            case "weekly all zero":
                input.Schedule = Weekly(0, 0, 0, 0, 0, 0, 0);
                expected = ("Schedule.Monday", "Give at least one weekday a quantity.");
                break;
            case "weekly half a pack on Tuesday":
                input.Schedule = Weekly(1, 1.5m, 1, 1, 1, 1, 1);
                expected = ("Schedule.Tuesday", "This product is counted in whole pieces or packs.");
                break;
            case "weekly negative Sunday":
                input.Schedule = Weekly(1, 1, 1, 1, 1, 1, -1);
                expected = ("Schedule.Sunday", "A quantity cannot be negative.");
                break;
            case "every 1 day":
                input.Schedule = new ScheduleInput { Kind = ScheduleKind.EveryNDays, IntervalDays = 1, Quantity = 1 };
                expected = ("Schedule.IntervalDays", "Every 2 to 30 days (2 = alternate days).");
                break;
            case "end before start":
                input.StartDate = Nov(30);
                input.EndDate = Nov(29);
                expected = ("EndDate", "The end date cannot be before the start date.");
                break;
            case "start in the past":
                input.StartDate = Nov(20);
                expected = ("StartDate", "20 Nov 2026 has already begun; changes can be made from 25 Nov 2026.");
                break;
            case "start today":
                input.StartDate = Today;
                expected = ("StartDate", "24 Nov 2026 has already begun; changes can be made from 25 Nov 2026.");
                break;
            case "tomorrow after the cut-off":
                fixture.Time.AdjustTime(AtCutoff);
                expected = ("StartDate", "Changes for 25 Nov 2026 closed at 21:00 on 24 Nov 2026. The earliest date you can change now is 26 Nov 2026.");
                break;
            case "no product":
                input.ProductId = 0;
                expected = ("ProductId", "Choose a product.");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(@case), @case, null);
        }

        var result = await WithServiceAsync(s => s.CreateAsync(staff, input));

        Assert.False(result.Succeeded);
        Assert.Equal(expected.Message, result.ErrorFor(expected.Field));
        await using var db = fixture.CreateContext();
        Assert.False(await db.Subscriptions.AnyAsync(s => s.CustomerId == customer.Id));
        Assert.False(await db.AuditEntries.AnyAsync(a => a.CustomerId == customer.Id && a.Action == AuditActions.SubscriptionCreated));
    }

    [Fact]
    public async Task A_product_no_longer_on_sale_and_an_inactive_customer_are_refused()
    {
        var (customer, product) = await CustomerAndProductAsync();
        await using (var db = fixture.CreateContext())
        {
            await db.Products.Where(p => p.Id == product.Id).ExecuteUpdateAsync(u => u.SetProperty(p => p.IsActive, false));
            await db.Customers.Where(c => c.Id == customer.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, CustomerStatus.Inactive));
        }

        var result = await WithServiceAsync(s => s.CreateAsync(staff, Input(customer, product)));

        Assert.Equal("Choose a product that is on sale.", result.ErrorFor(nameof(SubscriptionInput.ProductId)));
        Assert.Equal("This customer is inactive; reactivate them first.", result.GeneralError);
        await using var check = fixture.CreateContext();
        Assert.False(await check.Subscriptions.AnyAsync(s => s.CustomerId == customer.Id));
    }

    // ---- Changing the schedule ----

    [Fact]
    public async Task Changing_the_schedule_from_a_date_keeps_the_old_schedule_for_earlier_days()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));
        var original = (await LoadAsync(subscription.Id)).Schedules.Single();

        var result = await Do(s => s.ChangeScheduleAsync(staff, subscription.Id, Weekly(1, 1, 1, 1, 1, 2, 2), Nov(28)));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var saved = await LoadAsync(subscription.Id);
        // Before 28 Nov: 1 L every day, as it was. From 28 Nov (a Saturday): 2 L at the weekend, 1 L on weekdays.
        Assert.Equal([1m, 1m, 1m, 1m, 1m], Due(saved, Nov(1), Nov(23), Today, Tomorrow, Nov(27)));
        Assert.Equal([2m, 2m, 1m], Due(saved, Nov(28), Nov(29), Nov(30)));
        var earlier = saved.Schedules.Single(x => x.EffectiveFrom == Nov(1));
        Assert.Equal((original.Id, ScheduleKind.Daily, 1m, (decimal?)null), (earlier.Id, earlier.Kind, earlier.Quantity!.Value, earlier.Saturday));
        Assert.Equal(2, saved.Schedules.Count);
        Assert.Equal([AuditActions.ScheduleChanged], await AuditActionsAsync(subscription.Id));
        var view = Assert.Single(await WithServiceAsync(s => s.ForCustomerAsync(staff, subscription.CustomerId)));
        Assert.Equal("1 L every day", view.ScheduleText);
        Assert.Equal("1 L Mon–Fri; 2 L Sat, Sun from 28 Nov 2026", view.NextScheduleText);
    }

    [Fact]
    public async Task A_second_change_from_an_earlier_date_replaces_the_later_change_that_had_not_begun()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));
        Assert.True((await Do(s => s.ChangeScheduleAsync(staff, subscription.Id, new ScheduleInput { Kind = ScheduleKind.Daily, Quantity = 3m }, Dec(1)))).Succeeded);

        var sameDay = await Do(s => s.ChangeScheduleAsync(staff, subscription.Id, new ScheduleInput { Kind = ScheduleKind.Daily, Quantity = 4m }, Dec(1)));
        var earlier = await Do(s => s.ChangeScheduleAsync(staff, subscription.Id,
            new ScheduleInput { Kind = ScheduleKind.EveryNDays, IntervalDays = 2, Quantity = 2m }, Nov(27)));

        Assert.True(sameDay.Succeeded, string.Join("; ", sameDay.Problems));
        Assert.True(earlier.Succeeded, string.Join("; ", earlier.Problems));
        var saved = await LoadAsync(subscription.Id);
        Assert.Equal([Nov(1), Nov(27)], saved.Schedules.Select(x => x.EffectiveFrom).Order());
        // Alternate days counted from 27 Nov, the day the new schedule took effect.
        Assert.Equal([1m, 2m, 0m, 2m, 0m, 2m], Due(saved, Nov(26), Nov(27), Nov(28), Nov(29), Nov(30), Dec(1)));
    }

    [Fact]
    public async Task A_schedule_change_on_a_closed_day_or_outside_the_subscription_is_refused_and_nothing_changes()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));
        await using (var db = fixture.CreateContext())
        {
            await db.Subscriptions.Where(s => s.Id == subscription.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.EndDate, Dec(10)));
        }
        var schedule = new ScheduleInput { Kind = ScheduleKind.Daily, Quantity = 2m };

        var today = await Do(s => s.ChangeScheduleAsync(staff, subscription.Id, schedule, Today));
        var afterEnd = await Do(s => s.ChangeScheduleAsync(staff, subscription.Id, schedule, Dec(11)));
        var badQuantity = await Do(s => s.ChangeScheduleAsync(staff, subscription.Id, new ScheduleInput { Kind = ScheduleKind.Daily, Quantity = 0 }, Dec(1)));
        fixture.Time.AdjustTime(AtCutoff);
        var tomorrowAfterCutoff = await Do(s => s.ChangeScheduleAsync(staff, subscription.Id, schedule, Tomorrow));

        Assert.Equal("24 Nov 2026 has already begun; changes can be made from 25 Nov 2026.", today.ErrorFor("EffectiveFrom"));
        Assert.Equal("Choose dates within the subscription (between 1 Nov 2026 and 10 Dec 2026).", afterEnd.ErrorFor("EffectiveFrom"));
        Assert.Equal("The quantity must be more than 0.", badQuantity.ErrorFor(nameof(ScheduleInput.Quantity)));
        Assert.StartsWith("Changes for 25 Nov 2026 closed at 21:00 on 24 Nov 2026.", tomorrowAfterCutoff.ErrorFor("EffectiveFrom"));
        Assert.Single((await LoadAsync(subscription.Id)).Schedules);
        Assert.Empty(await AuditActionsAsync(subscription.Id));
    }

    [Fact]
    public async Task A_weekday_schedule_change_names_the_weekday_field_that_is_wrong()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m), unit: ProductUnit.Piece);

        var allZero = await Do(s => s.ChangeScheduleAsync(staff, subscription.Id, Weekly(0, 0, 0, 0, 0, 0, 0), Dec(1)));
        var fraction = await Do(s => s.ChangeScheduleAsync(staff, subscription.Id, Weekly(1, 1, 1, 1, 1, 2.5m, 1), Dec(1)));

        Assert.Equal("Give at least one weekday a quantity.", allZero.ErrorFor(nameof(ScheduleInput.Monday)));
        Assert.Equal("This product is counted in whole pieces or packs.", fraction.ErrorFor(nameof(ScheduleInput.Saturday)));
        Assert.Single((await LoadAsync(subscription.Id)).Schedules);
    }

    // ---- Pauses ----

    [Fact]
    public async Task A_pause_inside_the_subscription_stops_deliveries_on_its_days_only()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));

        var result = await Do(s => s.PauseAsync(staff, subscription.Id, Nov(26), Nov(28)));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var saved = await LoadAsync(subscription.Id);
        Assert.Equal([1m, 0m, 0m, 0m, 1m], Due(saved, Tomorrow, Nov(26), Nov(27), Nov(28), Nov(29)));
        Assert.Equal([AuditActions.SubscriptionPaused], await AuditActionsAsync(subscription.Id));
    }

    [Fact]
    public async Task A_pause_outside_the_subscription_is_refused_next_to_the_date_outside_it()
    {
        var future = await RunningSubscriptionAsync(TestData.Daily(1m), start: Dec(1));
        await using (var db = fixture.CreateContext())
        {
            await db.Subscriptions.Where(s => s.Id == future.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.EndDate, Dec(15)));
        }

        var beforeStart = await Do(s => s.PauseAsync(staff, future.Id, Nov(28), Dec(2)));
        var afterEnd = await Do(s => s.PauseAsync(staff, future.Id, Dec(10), Dec(20)));
        var backwards = await Do(s => s.PauseAsync(staff, future.Id, Dec(5), Dec(3)));
        var closed = await Do(s => s.PauseAsync(staff, future.Id, Today, Dec(3)));

        const string window = "Choose dates within the subscription (between 1 Dec 2026 and 15 Dec 2026).";
        Assert.Equal(window, beforeStart.ErrorFor("From"));
        Assert.Equal(window, afterEnd.ErrorFor("To"));
        Assert.Equal("The last day of the pause cannot be before the first.", backwards.ErrorFor("To"));
        Assert.Equal("24 Nov 2026 has already begun; changes can be made from 25 Nov 2026.", closed.ErrorFor("From"));
        Assert.Empty((await LoadAsync(future.Id)).Pauses);
        Assert.Empty(await AuditActionsAsync(future.Id));
    }

    [Fact]
    public async Task An_overlapping_pause_is_refused_with_the_pause_it_overlaps_and_days_are_never_paused_twice()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));
        Assert.True((await Do(s => s.PauseAsync(staff, subscription.Id, Dec(1), Dec(5)))).Succeeded);

        var overlapping = await Do(s => s.PauseAsync(staff, subscription.Id, Dec(5), Dec(8)));
        var touching = await Do(s => s.PauseAsync(staff, subscription.Id, Dec(6), Dec(8)));

        Assert.Equal("This overlaps the pause from 1 Dec 2026 to 5 Dec 2026. Change that pause instead.", overlapping.ErrorFor("From"));
        Assert.True(touching.Succeeded);
        var saved = await LoadAsync(subscription.Id);
        Assert.Equal([(Dec(1), Dec(5)), (Dec(6), Dec(8))], saved.Pauses.OrderBy(p => p.FromDate).Select(p => (p.FromDate, p.ToDate)));
        Assert.Equal([AuditActions.SubscriptionPaused, AuditActions.SubscriptionPaused], await AuditActionsAsync(subscription.Id));
    }

    [Fact]
    public async Task Two_overlapping_pauses_sent_at_the_same_moment_save_exactly_one()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));

        // Each request checks for overlaps before the other has saved; the database has the last word.
        var results = await Task.WhenAll(
            Do(s => s.PauseAsync(staff, subscription.Id, Dec(1), Dec(5))),
            Do(s => s.PauseAsync(staff, subscription.Id, Dec(3), Dec(9))));

        Assert.Single(results, r => r.Succeeded);
        var refused = Assert.Single(results, r => !r.Succeeded);
        Assert.NotNull(refused.Problems.Single().Message);
        Assert.Single((await LoadAsync(subscription.Id)).Pauses);
        Assert.Single(await AuditActionsAsync(subscription.Id));
    }

    [Fact]
    public async Task Resuming_shortens_a_running_pause_to_the_last_closed_day_and_removes_one_not_yet_begun()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));
        int running, future;
        await using (var db = fixture.CreateContext())
        {
            // A vacation that began on 20 Nov, entered back then.
            var runningPause = new SubscriptionPause { SubscriptionId = subscription.Id, FromDate = Nov(20), ToDate = Nov(30), CreatedAt = TestData.Now };
            var futurePause = new SubscriptionPause { SubscriptionId = subscription.Id, FromDate = Dec(10), ToDate = Dec(12), CreatedAt = TestData.Now };
            db.SubscriptionPauses.AddRange(runningPause, futurePause);
            await db.SaveChangesAsync();
            (running, future) = (runningPause.Id, futurePause.Id);
        }

        var resumed = await Do(s => s.ResumeAsync(staff, subscription.Id, running));
        var removed = await Do(s => s.ResumeAsync(staff, subscription.Id, future));

        Assert.True(resumed.Succeeded, string.Join("; ", resumed.Problems));
        Assert.True(removed.Succeeded, string.Join("; ", removed.Problems));
        var saved = await LoadAsync(subscription.Id);
        var pause = Assert.Single(saved.Pauses);
        Assert.Equal((running, Nov(20), Today), (pause.Id, pause.FromDate, pause.ToDate));
        // Today was already closed and stays paused; deliveries resume tomorrow; the removed vacation's days are due again.
        Assert.Equal([0m, 0m, 1m, 1m, 1m], Due(saved, Nov(20), Today, Tomorrow, Nov(30), Dec(11)));
        Assert.Equal([AuditActions.PauseChanged, AuditActions.PauseChanged], await AuditActionsAsync(subscription.Id));
    }

    [Fact]
    public async Task A_pause_that_has_ended_cannot_be_resumed()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));
        int id;
        await using (var db = fixture.CreateContext())
        {
            var pause = new SubscriptionPause { SubscriptionId = subscription.Id, FromDate = Nov(10), ToDate = Nov(12), CreatedAt = TestData.Now };
            db.SubscriptionPauses.Add(pause);
            await db.SaveChangesAsync();
            id = pause.Id;
        }

        var result = await Do(s => s.ResumeAsync(staff, subscription.Id, id));

        Assert.Equal("This pause has already ended.", result.GeneralError);
        Assert.Equal(Nov(12), (await LoadAsync(subscription.Id)).Pauses.Single().ToDate);
    }

    // ---- One-day changes ----

    [Fact]
    public async Task An_extra_quantity_and_a_skip_change_only_their_own_day_and_can_be_taken_back()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));

        var extra = await Do(s => s.SetOverrideAsync(staff, subscription.Id, Nov(29), 3m));
        var skip = await Do(s => s.SetOverrideAsync(staff, subscription.Id, Tomorrow, 0m));
        var changedAgain = await Do(s => s.SetOverrideAsync(staff, subscription.Id, Nov(29), 2m));

        Assert.True(extra.Succeeded && skip.Succeeded && changedAgain.Succeeded);
        var saved = await LoadAsync(subscription.Id);
        Assert.Equal([1m, 0m, 1m, 2m, 1m], Due(saved, Today, Tomorrow, Nov(28), Nov(29), Nov(30)));
        Assert.Equal(2, saved.Overrides.Count);

        var back = await Do(s => s.RemoveOverrideAsync(staff, subscription.Id, Nov(29)));

        Assert.True(back.Succeeded);
        Assert.Equal([0m, 1m], Due(await LoadAsync(subscription.Id), Tomorrow, Nov(29)));
        Assert.Equal(
            [AuditActions.OverrideSet, AuditActions.OverrideSet, AuditActions.OverrideSet, AuditActions.OverrideRemoved],
            await AuditActionsAsync(subscription.Id));
    }

    [Fact]
    public async Task A_one_day_change_on_a_paused_day_after_the_cut_off_or_in_the_wrong_units_is_refused()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(2m), unit: ProductUnit.Pack);
        Assert.True((await Do(s => s.PauseAsync(staff, subscription.Id, Dec(1), Dec(3)))).Succeeded);

        var paused = await Do(s => s.SetOverrideAsync(staff, subscription.Id, Dec(2), 1m));
        var half = await Do(s => s.SetOverrideAsync(staff, subscription.Id, Nov(28), 1.5m));
        var negative = await Do(s => s.SetOverrideAsync(staff, subscription.Id, Nov(28), -1m));
        var today = await Do(s => s.SetOverrideAsync(staff, subscription.Id, Today, 3m));
        fixture.Time.AdjustTime(AtCutoff);
        var tomorrow = await Do(s => s.SetOverrideAsync(staff, subscription.Id, Tomorrow, 0m));

        Assert.Equal("Deliveries are paused from 1 Dec 2026 to 3 Dec 2026. Change the pause first.", paused.ErrorFor("Date"));
        Assert.Equal("This product is counted in whole pieces or packs.", half.ErrorFor("Quantity"));
        Assert.Equal("The quantity cannot be negative; use 0 to skip the day.", negative.ErrorFor("Quantity"));
        Assert.Equal("24 Nov 2026 has already begun; changes can be made from 25 Nov 2026.", today.ErrorFor("Date"));
        Assert.Equal("Changes for 25 Nov 2026 closed at 21:00 on 24 Nov 2026. The earliest date you can change now is 26 Nov 2026.", tomorrow.ErrorFor("Date"));
        var saved = await LoadAsync(subscription.Id);
        Assert.Empty(saved.Overrides);
        Assert.Equal([2m, 2m, 0m], Due(saved, Tomorrow, Nov(28), Dec(2)));
    }

    [Fact]
    public async Task A_one_day_change_cannot_be_taken_back_once_its_day_has_closed()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));
        Assert.True((await Do(s => s.SetOverrideAsync(staff, subscription.Id, Tomorrow, 0m))).Succeeded);
        fixture.Time.AdjustTime(AtCutoff);

        var result = await Do(s => s.RemoveOverrideAsync(staff, subscription.Id, Tomorrow));

        Assert.StartsWith("Changes for 25 Nov 2026 closed", result.ErrorFor("Date"));
        Assert.Equal(0m, DueQuantity.On(await LoadAsync(subscription.Id), Tomorrow));
    }

    // ---- Cancelling ----

    [Fact]
    public async Task Cancelling_ends_the_subscription_on_the_last_closed_day_and_earlier_days_keep_their_quantities()
    {
        var subscription = await RunningSubscriptionAsync(TestData.EveryNDays(2, 1m));
        var before = await LoadAsync(subscription.Id);
        DateOnly[] past = [Nov(1), Nov(2), Nov(21), Nov(22), Nov(23), Today];
        var pastQuantities = Due(before, past);

        var result = await Do(s => s.CancelAsync(staff, subscription.Id));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var saved = await LoadAsync(subscription.Id);
        Assert.Equal((SubscriptionStatus.Cancelled, (DateOnly?)Today), (saved.Status, saved.EndDate));
        Assert.Equal(pastQuantities, Due(saved, past));
        Assert.Contains(1m, pastQuantities);
        Assert.Equal([0m, 0m, 0m, 0m], Due(saved, Tomorrow, Nov(26), Nov(27), Dec(31)));
        Assert.Equal([AuditActions.SubscriptionCancelled], await AuditActionsAsync(subscription.Id));

        var again = await Do(s => s.CancelAsync(staff, subscription.Id));
        var pause = await Do(s => s.PauseAsync(staff, subscription.Id, Dec(1), Dec(2)));
        Assert.Equal("This subscription is already cancelled.", again.GeneralError);
        Assert.Equal("This subscription is cancelled.", pause.GeneralError);
    }

    [Fact]
    public async Task Cancelling_after_the_cut_off_keeps_tomorrows_delivery()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));
        fixture.Time.AdjustTime(AtCutoff);

        Assert.True((await Do(s => s.CancelAsync(staff, subscription.Id))).Succeeded);

        var saved = await LoadAsync(subscription.Id);
        Assert.Equal(Tomorrow, saved.EndDate);
        Assert.Equal([1m, 0m], Due(saved, Tomorrow, Nov(26)));
    }

    [Fact]
    public async Task Cancelling_before_the_start_leaves_nothing_due_even_with_a_change_already_on_the_first_day()
    {
        var (customer, product) = await CustomerAndProductAsync();
        var created = await WithServiceAsync(s => s.CreateAsync(staff, Input(customer, product, start: Dec(1))));
        Assert.True((await Do(s => s.SetOverrideAsync(staff, created.Value, Dec(1), 3m))).Succeeded);

        var result = await Do(s => s.CancelAsync(staff, created.Value));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var saved = await LoadAsync(created.Value);
        Assert.Equal(SubscriptionStatus.Cancelled, saved.Status);
        Assert.Equal([0m, 0m, 0m], Due(saved, Nov(30), Dec(1), Dec(2)));
        var preview = await WithServiceAsync(s => s.PreviewAsync(staff, customer.Id, Tomorrow));
        Assert.All(preview, day => Assert.Empty(day.Lines));
    }

    // ---- Audit, access ----

    [Fact]
    public async Task Every_change_writes_an_audit_entry_naming_who_made_it_and_the_customer()
    {
        var (customer, product) = await CustomerAndProductAsync();
        var id = (await WithServiceAsync(s => s.CreateAsync(staff, Input(customer, product)))).Value;

        Assert.True((await Do(s => s.ChangeScheduleAsync(staff, id, new ScheduleInput { Kind = ScheduleKind.Daily, Quantity = 2m }, Nov(28)))).Succeeded);
        Assert.True((await Do(s => s.PauseAsync(staff, id, Dec(1), Dec(3)))).Succeeded);
        var pauseId = (await LoadAsync(id)).Pauses.Single().Id;
        Assert.True((await Do(s => s.ResumeAsync(staff, id, pauseId))).Succeeded);
        Assert.True((await Do(s => s.SetOverrideAsync(staff, id, Nov(27), 0m))).Succeeded);
        Assert.True((await Do(s => s.RemoveOverrideAsync(staff, id, Nov(27)))).Succeeded);
        Assert.True((await Do(s => s.CancelAsync(staff, id))).Succeeded);

        Assert.Equal(
            [AuditActions.SubscriptionCreated, AuditActions.ScheduleChanged, AuditActions.SubscriptionPaused, AuditActions.PauseChanged,
             AuditActions.OverrideSet, AuditActions.OverrideRemoved, AuditActions.SubscriptionCancelled],
            await AuditActionsAsync(id));
        await using var db = fixture.CreateContext();
        var entityId = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var entries = await db.AuditEntries.Where(a => a.EntityType == SubscriptionService.EntityType && a.EntityId == entityId).ToListAsync();
        Assert.All(entries, e => Assert.Equal((staff.UserId, (int?)customer.Id), (e.ActorUserId, e.CustomerId)));
        Assert.Contains(entries, e => e.Summary.Contains("paused 1 Dec 2026 – 3 Dec 2026", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_customer_changes_their_own_subscription_but_no_one_elses()
    {
        var own = await RunningSubscriptionAsync(TestData.Daily(1m));
        var other = await RunningSubscriptionAsync(TestData.Daily(1m));
        Caller customer;
        await using (var db = fixture.CreateContext())
        {
            var row = await db.Customers.Include(c => c.User).SingleAsync(c => c.Id == own.CustomerId);
            customer = Caller.For(row.User, Roles.Customer);
        }

        var pauseOwn = await Do(s => s.PauseAsync(customer, own.Id, Dec(1), Dec(2)));
        var skipOwn = await Do(s => s.SetOverrideAsync(customer, own.Id, Tomorrow, 0m));

        Assert.True(pauseOwn.Succeeded && skipOwn.Succeeded);
        Assert.Single(await WithServiceAsync(s => s.ForCustomerAsync(customer, own.CustomerId)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Do(s => s.PauseAsync(customer, other.Id, Dec(1), Dec(2))));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Do(s => s.SetOverrideAsync(customer, other.Id, Tomorrow, 0m)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Do(s => s.CancelAsync(customer, other.Id)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Do(s => s.CancelAsync(customer, int.MaxValue)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => WithServiceAsync(s => s.ForCustomerAsync(customer, other.CustomerId)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => WithServiceAsync(s => s.PreviewAsync(customer, other.CustomerId, Tomorrow)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => WithServiceAsync(s => s.CreateAsync(customer, new SubscriptionInput
        {
            CustomerId = other.CustomerId, ProductId = other.ProductId, StartDate = Dec(1),
        })));
        var untouched = await LoadAsync(other.Id);
        Assert.Empty(untouched.Pauses);
        Assert.Empty(untouched.Overrides);
        Assert.Equal(SubscriptionStatus.Active, untouched.Status);
    }

    [Fact]
    public async Task A_delivery_agent_cannot_change_any_subscription()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));
        Caller agent;
        await using (var db = fixture.CreateContext())
        {
            agent = Caller.For(await TestData.AddUserAsync(db, Roles.DeliveryAgent), Roles.DeliveryAgent);
        }

        await Assert.ThrowsAsync<AccessDeniedException>(() => Do(s => s.SetOverrideAsync(agent, subscription.Id, Tomorrow, 0m)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => WithServiceAsync(s => s.ForCustomerAsync(agent, subscription.CustomerId)));
    }

    // ---- What the office sees ----

    [Fact]
    public async Task The_customer_view_lists_upcoming_pauses_and_changes_and_marks_the_ones_that_can_no_longer_change()
    {
        var subscription = await RunningSubscriptionAsync(TestData.Daily(1m));
        await using (var db = fixture.CreateContext())
        {
            db.SubscriptionPauses.AddRange(
                new SubscriptionPause { SubscriptionId = subscription.Id, FromDate = Nov(10), ToDate = Nov(12), CreatedAt = TestData.Now },
                new SubscriptionPause { SubscriptionId = subscription.Id, FromDate = Nov(20), ToDate = Tomorrow, CreatedAt = TestData.Now });
            await db.SaveChangesAsync();
        }
        Assert.True((await Do(s => s.SetOverrideAsync(staff, subscription.Id, Nov(27), 2m))).Succeeded);
        Assert.True((await Do(s => s.SetOverrideAsync(staff, subscription.Id, Nov(26), 0m))).Succeeded);
        fixture.Time.AdjustTime(AtCutoff);

        var view = Assert.Single(await WithServiceAsync(s => s.ForCustomerAsync(staff, subscription.CustomerId)));

        // The pause running to 25 Nov closed with tomorrow's cut-off; the 10–12 Nov pause is history and not listed.
        Assert.Equal([(Nov(20), Tomorrow, false)], view.Pauses.Select(p => (p.From, p.To, p.CanChange)));
        Assert.Equal([(Nov(26), 0m, true), (Nov(27), 2m, true)], view.Overrides.Select(o => (o.Date, o.Quantity, o.CanChange)));
        Assert.Equal("1 L every day", view.ScheduleText);
    }

    [Fact]
    public async Task The_preview_shows_exactly_what_will_be_delivered_on_each_of_the_next_fourteen_days_and_why()
    {
        Customer customer;
        Product milk, curd;
        Subscription alternate, weekly;
        await using (var db = fixture.CreateContext())
        {
            customer = await TestData.AddCustomerAsync(db);
            milk = await TestData.AddProductAsync(db);
            curd = await TestData.AddProductAsync(db, 35m, ProductUnit.Pack);
            // Milk on alternate days from 25 Nov; curd on Sundays only (29 Nov and 6 Dec).
            alternate = await TestData.AddSubscriptionAsync(db, customer, milk, Tomorrow, TestData.EveryNDays(2, 1m));
            weekly = await TestData.AddSubscriptionAsync(db, customer, curd, Nov(1), new SubscriptionSchedule { Kind = ScheduleKind.Weekly, Monday = 0, Tuesday = 0, Wednesday = 0, Thursday = 0, Friday = 0, Saturday = 0, Sunday = 2 });
            await TestData.AddOrderAsync(db, customer, Nov(30), (curd, 1m));
        }
        Assert.True((await Do(s => s.PauseAsync(staff, alternate.Id, Nov(29), Dec(1)))).Succeeded);
        Assert.True((await Do(s => s.SetOverrideAsync(staff, alternate.Id, Nov(26), 2m))).Succeeded);
        Assert.True((await Do(s => s.SetOverrideAsync(staff, alternate.Id, Dec(3), 0m))).Succeeded);
        Assert.True((await Do(s => s.SetOverrideAsync(staff, weekly.Id, Dec(6), 3m))).Succeeded);

        var preview = await WithServiceAsync(s => s.PreviewAsync(staff, customer.Id, Tomorrow));

        Assert.Equal(Enumerable.Range(0, 14).Select(i => Tomorrow.AddDays(i)), preview.Select(d => d.Date));
        var lines = preview.SelectMany(d => d.Lines.Select(l => (d.Date, l.ProductName, l.Quantity, l.Reason))).ToList();
        (DateOnly, string, decimal, PreviewReason)[] expected =
        [
            (Nov(25), milk.Name, 1m, PreviewReason.Scheduled),
            (Nov(26), milk.Name, 2m, PreviewReason.Changed),
            (Nov(27), milk.Name, 1m, PreviewReason.Scheduled),
            (Nov(29), milk.Name, 0m, PreviewReason.Paused),
            (Nov(29), curd.Name, 2m, PreviewReason.Scheduled),
            (Nov(30), milk.Name, 0m, PreviewReason.Paused),
            (Nov(30), curd.Name, 1m, PreviewReason.Order),
            (Dec(1), milk.Name, 0m, PreviewReason.Paused),
            (Dec(3), milk.Name, 0m, PreviewReason.Skipped),
            (Dec(5), milk.Name, 1m, PreviewReason.Scheduled),
            (Dec(6), curd.Name, 3m, PreviewReason.Changed),
            (Dec(7), milk.Name, 1m, PreviewReason.Scheduled),
        ];
        Assert.Equal(expected.OrderBy(l => l.Item1).ThenBy(l => l.Item2), lines.OrderBy(l => l.Date).ThenBy(l => l.ProductName));
    }

    [Theory]
    [InlineData(1, 1, 1, 1, 1, 2, 2, "1 L Mon–Fri; 2 L Sat, Sun")]
    [InlineData(2, 2, 2, 2, 2, 2, 2, "2 L Mon–Sun")]
    [InlineData(1, 1, 0, 1, 1, 2, 2, "1 L Mon, Tue, Thu, Fri; 2 L Sat, Sun")]
    [InlineData(0, 0, 0, 0, 0, 0, 0.5, "0.5 L Sun")]
    [InlineData(1, 0, 1, 0, 1, 0, 1, "1 L Mon, Wed, Fri, Sun")]
    public void A_weekday_schedule_reads_as_quantities_and_runs_of_days(
        double mon, double tue, double wed, double thu, double fri, double sat, double sun, string expected)
    {
        var schedule = Weekly((decimal)mon, (decimal)tue, (decimal)wed, (decimal)thu, (decimal)fri, (decimal)sat, (decimal)sun).ToSchedule(Tomorrow);

        Assert.Equal(expected, SubscriptionService.Describe(schedule, ProductUnit.Litre));
    }
}
