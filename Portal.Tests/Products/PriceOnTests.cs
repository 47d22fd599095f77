using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Common;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Products;

/// <summary>"The price of product P on day D": the entry with the latest start on or before D, asked one product at a time or for all at once.</summary>
public sealed class PriceOnTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private Caller staff = null!;

    public async Task InitializeAsync()
    {
        await using var db = fixture.CreateContext();
        staff = Caller.For(await TestData.AddUserAsync(db, Roles.Staff), Roles.Staff);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static DateOnly Day(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A product whose history is built through the catalogue, as staff build it: the first price, then each change.</summary>
    private async Task<int> ProductWithPricesAsync(ProductCatalog catalog, params (string From, decimal Price)[] prices)
    {
        var created = await catalog.CreateAsync(staff, new ProductInput
        {
            Name = $"Milk {TestData.Next()}",
            Unit = ProductUnit.Litre,
            UnitPrice = prices[0].Price,
            EffectiveFrom = Day(prices[0].From),
        });
        Assert.True(created.Succeeded, string.Join("; ", created.Problems.Select(p => p.Message)));
        foreach (var (from, price) in prices.Skip(1))
        {
            var added = await catalog.AddPriceAsync(staff, created.Value, new PriceInput { UnitPrice = price, EffectiveFrom = Day(from) });
            Assert.True(added.Succeeded, string.Join("; ", added.Problems.Select(p => p.Message)));
        }
        return created.Value;
    }

    [Theory]
    [InlineData("2026-11-30", null)]          // the day before the first price: no price yet
    [InlineData("2026-12-01", 56.00)]         // exactly on the first price's day
    [InlineData("2026-12-31", 56.00)]         // the day before a change: still the old price
    [InlineData("2027-01-01", 58.50)]         // exactly on the change
    [InlineData("2027-03-14", 58.50)]
    [InlineData("2027-03-15", 60.00)]
    [InlineData("2099-12-31", 60.00)]         // far future: the latest price
    public async Task The_price_on_a_day_is_the_latest_entry_starting_on_or_before_it(string day, double? expected)
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = scope.ServiceProvider.GetRequiredService<ProductCatalog>();
        // Added out of order on purpose: the answer depends on the dates, not on which entry came last.
        var product = await ProductWithPricesAsync(catalog, ("2026-12-01", 56.00m), ("2027-03-15", 60.00m), ("2027-01-01", 58.50m));

        var price = await catalog.PriceOnAsync(product, Day(day));

        Assert.Equal(expected is null ? null : (decimal)expected.Value, price);
    }

    [Fact]
    public async Task A_product_that_does_not_exist_has_no_price()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = scope.ServiceProvider.GetRequiredService<ProductCatalog>();

        Assert.Null(await catalog.PriceOnAsync(int.MaxValue, Day("2026-12-01")));
    }

    [Fact]
    public async Task The_set_based_query_agrees_with_the_per_product_query_on_every_day()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = scope.ServiceProvider.GetRequiredService<ProductCatalog>();
        int[] products =
        [
            await ProductWithPricesAsync(catalog, ("2026-11-01", 56m), ("2026-12-01", 58m), ("2027-01-15", 60.25m)),
            await ProductWithPricesAsync(catalog, ("2026-12-10", 35m)),
            await ProductWithPricesAsync(catalog, ("2026-11-20", 640m), ("2026-11-21", 650m), ("2026-12-31", 655.50m), ("2027-02-01", 660m)),
        ];
        // An inactive product still has prices: deliveries made while it was on sale are billed at them.
        await using (var db = fixture.CreateContext())
        {
            var inactive = await db.Products.FindAsync(products[2]);
            inactive!.IsActive = false;
            await db.SaveChangesAsync();
        }

        var checkedDays = 0;
        for (var day = Day("2026-10-30"); day <= Day("2027-02-05"); day = day.AddDays(1))
        {
            var all = await catalog.PricesOnAsync(day);
            foreach (var product in products)
            {
                var one = await catalog.PriceOnAsync(product, day);
                Assert.Equal(one, all.TryGetValue(product, out var price) ? price : null);
            }
            checkedDays++;
        }

        Assert.Equal(99, checkedDays);
        var midJanuary = await catalog.PricesOnAsync(Day("2027-01-20"));
        Assert.Equal(60.25m, midJanuary[products[0]]);
        Assert.Equal(35m, midJanuary[products[1]]);
        Assert.Equal(655.50m, midJanuary[products[2]]);
        Assert.False((await catalog.PricesOnAsync(Day("2026-12-09"))).ContainsKey(products[1]));
    }
}
