using Npgsql;
using Portal.Domain.Products;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Schema;

/// <summary>A price is a positive amount, and a product has one price per date.</summary>
public sealed class ProductPriceConstraintTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly DateOnly December = new(2026, 12, 1);

    private static ProductPrice Price(Product product, DateOnly from, decimal unitPrice) =>
        new() { ProductId = product.Id, EffectiveFrom = from, UnitPrice = unitPrice, CreatedAt = TestData.Now };

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.01)]
    [InlineData(-56.0)]
    public async Task A_price_of_zero_or_below_is_refused(double unitPrice)
    {
        await using var db = fixture.CreateContext();
        var product = await TestData.AddProductAsync(db);
        db.ProductPrices.Add(Price(product, December, (decimal)unitPrice));

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.CheckViolation, "ck_product_prices_unit_price", () => db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_second_price_for_the_same_product_and_date_is_refused()
    {
        Product product;
        await using (var setup = fixture.CreateContext())
        {
            product = await TestData.AddProductAsync(setup, priceFrom: December);
        }

        await using var db = fixture.CreateContext();
        db.ProductPrices.Add(Price(product, December, 60m));

        await PostgresAssert.RefusesAsync(PostgresErrorCodes.UniqueViolation, "ix_product_prices_product_id_effective_from", () => db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_new_price_from_a_later_date_is_accepted()
    {
        await using var db = fixture.CreateContext();
        var product = await TestData.AddProductAsync(db, priceFrom: December);
        db.ProductPrices.Add(Price(product, December.AddDays(1), 0.01m));

        Assert.Equal(1, await db.SaveChangesAsync());
    }
}
