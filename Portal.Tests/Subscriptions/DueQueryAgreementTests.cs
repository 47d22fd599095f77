using Microsoft.EntityFrameworkCore;
using Portal.Domain.Products;
using Portal.Domain.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Subscriptions;

/// <summary>The SQL form must give exactly the answers of the per-date function, for any schedule.</summary>
public sealed class DueQueryAgreementTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly DateOnly YearStart = new(2027, 12, 1);
    private static readonly DateOnly YearEnd = new(2028, 12, 31);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task The_set_based_query_agrees_with_the_per_date_function_over_random_schedules_for_a_year(int seed)
    {
        var random = new Random(seed);
        await using var db = fixture.CreateContext();
        var route = await TestData.AddRouteAsync(db);
        var product = await TestData.AddProductAsync(db);
        var subscriptions = new List<Subscription>();
        for (var i = 0; i < 25; i++)
        {
            var customer = await TestData.AddCustomerAsync(db, route);
            subscriptions.Add(RandomSubscription(random, customer.Id, product));
        }
        db.Subscriptions.AddRange(subscriptions);
        await db.SaveChangesAsync();
        var ids = subscriptions.Select(s => s.Id).ToArray();

        var fromSql = await DueQuery.Between(db, YearStart, YearEnd, subscriptionIds: ids).ToListAsync();

        var expected = new Dictionary<(int, DateOnly), decimal>();
        foreach (var subscription in subscriptions)
        {
            for (var day = YearStart; day <= YearEnd; day = day.AddDays(1))
            {
                var quantity = DueQuantity.On(subscription, day);
                if (quantity > 0)
                {
                    expected[(subscription.Id, day)] = quantity;
                }
            }
        }
        var actual = fromSql.ToDictionary(d => (d.SubscriptionId, d.Day), d => d.Quantity);
        Assert.True(expected.Count > 1000, "the random schedules should make plenty of deliveries");
        var missing = expected.Keys.Except(actual.Keys).Take(5).ToList();
        var extra = actual.Keys.Except(expected.Keys).Take(5).ToList();
        Assert.True(missing.Count == 0, $"SQL misses {string.Join(", ", missing)}");
        Assert.True(extra.Count == 0, $"SQL adds {string.Join(", ", extra)}");
        foreach (var (key, quantity) in expected)
        {
            Assert.Equal(quantity, actual[key]);
        }

        var byRoute = await DueQuery.Between(db, YearStart, YearStart.AddDays(6), routeId: route.Id).CountAsync();
        Assert.Equal(expected.Keys.Count(k => k.Item2 <= YearStart.AddDays(6)), byRoute);
    }

    private static Subscription RandomSubscription(Random random, int customerId, Product product)
    {
        var start = YearStart.AddDays(random.Next(-40, 200));
        var subscription = new Subscription
        {
            CustomerId = customerId,
            ProductId = product.Id,
            StartDate = start,
            EndDate = random.Next(4) == 0 ? start.AddDays(random.Next(0, 300)) : null,
            CreatedAt = TestData.Now,
        };
        var effective = start;
        for (var s = 0; s < random.Next(1, 4); s++)
        {
            subscription.Schedules.Add(RandomSchedule(random, effective));
            effective = effective.AddDays(random.Next(1, 120));
        }
        var pauseFrom = start.AddDays(random.Next(0, 30));
        for (var p = 0; p < random.Next(0, 4); p++)
        {
            var pauseTo = pauseFrom.AddDays(random.Next(0, 14));
            subscription.Pauses.Add(new SubscriptionPause { FromDate = pauseFrom, ToDate = pauseTo, CreatedAt = TestData.Now });
            pauseFrom = pauseTo.AddDays(random.Next(1, 60));
        }
        foreach (var day in Enumerable.Range(0, random.Next(0, 8)).Select(_ => start.AddDays(random.Next(-5, 300))).Distinct())
        {
            subscription.Overrides.Add(new SubscriptionOverride { Date = day, Quantity = random.Next(0, 4) * 0.5m, CreatedAt = TestData.Now });
        }
        return subscription;
    }

    private static SubscriptionSchedule RandomSchedule(Random random, DateOnly from)
    {
        decimal Q() => random.Next(1, 7) * 0.5m;
        decimal W() => random.Next(0, 4) * 0.5m;
        return random.Next(3) switch
        {
            0 => new SubscriptionSchedule { Kind = ScheduleKind.Daily, Quantity = Q(), EffectiveFrom = from },
            1 => new SubscriptionSchedule { Kind = ScheduleKind.EveryNDays, IntervalDays = random.Next(2, 6), Quantity = Q(), EffectiveFrom = from },
            _ => new SubscriptionSchedule
            {
                Kind = ScheduleKind.Weekly, EffectiveFrom = from,
                Monday = W(), Tuesday = W(), Wednesday = W(), Thursday = W(), Friday = W(), Saturday = W(), Sunday = W(),
            },
        };
    }
}
