using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Products;

public sealed class ProductCatalogTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    /// <summary>Today in the fixture's clock: 24 Nov 2026 (IST).</summary>
    private static readonly DateOnly Today = new(2026, 11, 24);

    private Caller staff = null!;
    private Caller manager = null!;

    public async Task InitializeAsync()
    {
        await using var db = fixture.CreateContext();
        staff = Caller.For(await TestData.AddUserAsync(db, Roles.Staff), Roles.Staff);
        manager = Caller.For(await TestData.AddUserAsync(db, Roles.Manager), Roles.Manager);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private ProductCatalog Catalog(IServiceScope scope) => scope.ServiceProvider.GetRequiredService<ProductCatalog>();

    private static string UniqueName(string stem = "Toned milk") => $"{stem} {TestData.Next()}";

    private static ProductInput NewProduct(string? name = null, decimal? price = 56m, DateOnly? from = null, ProductUnit unit = ProductUnit.Litre) => new()
    {
        Name = name ?? UniqueName(),
        Unit = unit,
        UnitPrice = price,
        EffectiveFrom = from ?? Today,
    };

    private async Task<int> CreateAsync(ProductCatalog catalog, ProductInput input)
    {
        var result = await catalog.CreateAsync(staff, input);
        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Select(p => p.Message)));
        return result.Value;
    }

    private async Task<List<ProductPrice>> PricesAsync(int productId)
    {
        await using var db = fixture.CreateContext();
        return await db.ProductPrices.AsNoTracking().Where(p => p.ProductId == productId).OrderBy(p => p.EffectiveFrom).ToListAsync();
    }

    private async Task<List<AuditEntry>> AuditAsync(int productId)
    {
        await using var db = fixture.CreateContext();
        var id = productId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == ProductCatalog.EntityType && a.EntityId == id)
            .OrderBy(a => a.Id)
            .ToListAsync();
    }

    private static Dictionary<string, string?> Json(string? json) =>
        JsonSerializer.Deserialize<Dictionary<string, string?>>(json ?? "{}")!;

    [Fact]
    public async Task Creating_a_product_saves_it_with_its_first_price_and_an_audit_entry()
    {
        using var scope = fixture.Services.CreateScope();
        var input = NewProduct(name: "  " + UniqueName("Paneer 200 g") + " ", price: 95.50m, unit: ProductUnit.Pack);

        var id = await CreateAsync(Catalog(scope), input);

        await using var db = fixture.CreateContext();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Id == id);
        Assert.Equal(input.Name.Trim(), product.Name);
        Assert.Equal(ProductUnit.Pack, product.Unit);
        Assert.True(product.IsActive);
        var price = Assert.Single(await PricesAsync(id));
        Assert.Equal((Today, 95.50m, staff.UserId), (price.EffectiveFrom, price.UnitPrice, price.CreatedByUserId));
        var entry = Assert.Single(await AuditAsync(id));
        Assert.Equal(AuditActions.ProductCreated, entry.Action);
        Assert.Equal(staff.UserId, entry.ActorUserId);
        Assert.Null(entry.Before);
        var after = Json(entry.After);
        Assert.Equal(product.Name, after["Name"]);
        Assert.Equal("pack", after["Unit"]);
        Assert.Equal("95.50", after["Price"]);
        Assert.Equal("2026-11-24", after["Price from"]);
    }

    [Fact]
    public async Task Adding_a_price_never_rewrites_an_earlier_one()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var id = await CreateAsync(catalog, NewProduct(price: 56m, from: new DateOnly(2026, 11, 1)));
        var before = Assert.Single(await PricesAsync(id));

        var added = await catalog.AddPriceAsync(manager, id, new PriceInput { UnitPrice = 58m, EffectiveFrom = new DateOnly(2026, 12, 1) });

        Assert.True(added.Succeeded);
        var prices = await PricesAsync(id);
        Assert.Equal(2, prices.Count);
        Assert.Equivalent(before, prices[0], strict: true);
        Assert.Equal((new DateOnly(2026, 12, 1), 58m, manager.UserId), (prices[1].EffectiveFrom, prices[1].UnitPrice, prices[1].CreatedByUserId));
        Assert.Equal(56m, await catalog.PriceOnAsync(id, new DateOnly(2026, 11, 30)));
        Assert.Equal(58m, await catalog.PriceOnAsync(id, new DateOnly(2026, 12, 1)));
    }

    [Fact]
    public async Task Adding_a_price_is_audited_with_the_price_it_replaces()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var id = await CreateAsync(catalog, NewProduct(price: 56m, from: new DateOnly(2026, 11, 1)));

        await catalog.AddPriceAsync(staff, id, new PriceInput { UnitPrice = 58.25m, EffectiveFrom = new DateOnly(2026, 12, 1) });

        var entry = (await AuditAsync(id)).Single(a => a.Action == AuditActions.PriceAdded);
        Assert.Equal(staff.UserId, entry.ActorUserId);
        Assert.Equal(new Dictionary<string, string?> { ["Price"] = "56.00", ["Price from"] = "2026-11-01" }, Json(entry.Before));
        Assert.Equal(new Dictionary<string, string?> { ["Price"] = "58.25", ["Price from"] = "2026-12-01", ["Back-dated"] = "no" }, Json(entry.After));
        Assert.Contains("₹58.25", entry.Summary, StringComparison.Ordinal);
        Assert.Contains("was ₹56.00", entry.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_back_dated_price_is_allowed_and_its_audit_entry_says_so()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var id = await CreateAsync(catalog, NewProduct(price: 56m, from: new DateOnly(2026, 10, 1)));

        var added = await catalog.AddPriceAsync(staff, id, new PriceInput { UnitPrice = 57m, EffectiveFrom = new DateOnly(2026, 11, 15) });

        Assert.True(added.Succeeded);
        Assert.Equal(57m, await catalog.PriceOnAsync(id, new DateOnly(2026, 11, 15)));
        Assert.Equal(56m, await catalog.PriceOnAsync(id, new DateOnly(2026, 11, 14)));
        var entry = (await AuditAsync(id)).Single(a => a.Action == AuditActions.PriceAdded);
        Assert.Equal("yes", Json(entry.After)["Back-dated"]);
        Assert.Contains("back-dated", entry.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_price_for_a_day_that_already_has_one_is_refused_next_to_the_date_and_changes_nothing()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var id = await CreateAsync(catalog, NewProduct(price: 56m, from: new DateOnly(2026, 11, 1)));
        Assert.True((await catalog.AddPriceAsync(staff, id, new PriceInput { UnitPrice = 58m, EffectiveFrom = new DateOnly(2026, 12, 1) })).Succeeded);
        var pricesBefore = await PricesAsync(id);
        var auditBefore = await AuditAsync(id);

        var first = await catalog.AddPriceAsync(staff, id, new PriceInput { UnitPrice = 99m, EffectiveFrom = new DateOnly(2026, 11, 1) });
        var second = await catalog.AddPriceAsync(staff, id, new PriceInput { UnitPrice = 99m, EffectiveFrom = new DateOnly(2026, 12, 1) });

        Assert.False(first.Succeeded);
        Assert.Contains("already a price from 1 Nov 2026 (₹56.00)", first.ErrorFor(nameof(PriceInput.EffectiveFrom)), StringComparison.Ordinal);
        Assert.Contains("already a price from 1 Dec 2026 (₹58.00)", second.ErrorFor(nameof(PriceInput.EffectiveFrom)), StringComparison.Ordinal);
        Assert.Equivalent(pricesBefore, await PricesAsync(id), strict: true);
        Assert.Equal(auditBefore.Count, (await AuditAsync(id)).Count);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("-0.01")]
    [InlineData("56.505")]
    [InlineData("0.001")]
    [InlineData("100000.01")]
    public async Task A_price_of_zero_or_less_or_with_more_than_two_decimals_is_refused_and_nothing_is_saved(string amount)
    {
        var price = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var id = await CreateAsync(catalog, NewProduct(price: 56m, from: new DateOnly(2026, 11, 1)));
        var name = UniqueName();

        var added = await catalog.AddPriceAsync(staff, id, new PriceInput { UnitPrice = price, EffectiveFrom = new DateOnly(2026, 12, 1) });
        var created = await catalog.CreateAsync(staff, NewProduct(name: name, price: price));

        Assert.NotNull(added.ErrorFor(nameof(PriceInput.UnitPrice)));
        Assert.NotNull(created.ErrorFor(nameof(ProductInput.UnitPrice)));
        Assert.Single(await PricesAsync(id));
        await using var db = fixture.CreateContext();
        Assert.False(await db.Products.AnyAsync(p => p.Name == name));
    }

    [Fact]
    public async Task A_price_with_two_decimals_is_kept_to_the_paisa()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var id = await CreateAsync(catalog, NewProduct(price: 0.01m));

        Assert.True((await catalog.AddPriceAsync(staff, id, new PriceInput { UnitPrice = 56.99m, EffectiveFrom = Today.AddDays(1) })).Succeeded);

        Assert.Equal([0.01m, 56.99m], (await PricesAsync(id)).Select(p => p.UnitPrice));
    }

    [Fact]
    public async Task A_product_without_a_name_price_or_date_gets_a_message_for_each_and_nothing_is_saved()
    {
        using var scope = fixture.Services.CreateScope();
        await using var db = fixture.CreateContext();
        var count = await db.Products.CountAsync();

        var result = await Catalog(scope).CreateAsync(staff, new ProductInput { Name = "   ", UnitPrice = null, EffectiveFrom = null, IsNew = false });

        Assert.Equal("Enter the product's name.", result.ErrorFor(nameof(ProductInput.Name)));
        Assert.Equal("Enter the price in rupees.", result.ErrorFor(nameof(ProductInput.UnitPrice)));
        Assert.Equal("Choose the day this price applies from.", result.ErrorFor(nameof(ProductInput.EffectiveFrom)));
        Assert.Equal(count, await db.Products.CountAsync());
    }

    [Fact]
    public async Task A_price_equal_to_the_one_already_in_effect_is_refused_as_changing_nothing()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var id = await CreateAsync(catalog, NewProduct(price: 56m, from: new DateOnly(2026, 11, 1)));

        var result = await catalog.AddPriceAsync(staff, id, new PriceInput { UnitPrice = 56.00m, EffectiveFrom = new DateOnly(2026, 12, 1) });

        Assert.Contains("nothing would change", result.ErrorFor(nameof(PriceInput.UnitPrice)), StringComparison.Ordinal);
        Assert.Single(await PricesAsync(id));
    }

    [Fact]
    public async Task A_duplicate_product_name_is_refused_next_to_the_name_whatever_its_case_or_spacing()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var name = UniqueName("Buffalo milk");
        var existing = await CreateAsync(catalog, NewProduct(name: name));
        var other = await CreateAsync(catalog, NewProduct());

        var created = await catalog.CreateAsync(staff, NewProduct(name: "  " + name.ToUpperInvariant() + " "));
        var details = await catalog.GetAsync(staff, other);
        var renamed = ProductInput.From(details!);
        renamed.Name = name.ToLowerInvariant();
        var edited = await catalog.UpdateAsync(staff, other, renamed);

        Assert.Equal($"There is already a product called {name.ToUpperInvariant()}. Choose another name.", created.ErrorFor(nameof(ProductInput.Name)));
        Assert.NotNull(edited.ErrorFor(nameof(ProductInput.Name)));
        await using var db = fixture.CreateContext();
        Assert.Equal(1, await db.Products.CountAsync(p => p.Name.ToLower() == name.ToLower()));
        Assert.NotEqual(name.ToLowerInvariant(), (await db.Products.SingleAsync(p => p.Id == other)).Name);
        Assert.Single(await AuditAsync(existing));
    }

    [Fact]
    public async Task Editing_changes_name_unit_and_active_flag_and_audits_only_what_changed()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var id = await CreateAsync(catalog, NewProduct(unit: ProductUnit.Litre));
        var input = ProductInput.From((await catalog.GetAsync(staff, id))!);
        var newName = UniqueName("Curd 500 g");
        input.Name = newName;
        input.Unit = ProductUnit.Pack;
        input.IsActive = false;

        var result = await catalog.UpdateAsync(manager, id, input);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Select(p => p.Message)));
        var details = await catalog.GetAsync(staff, id);
        Assert.Equal((newName, ProductUnit.Pack, false), (details!.Name, details.Unit, details.IsActive));
        Assert.Single(details.Prices);
        var entry = (await AuditAsync(id)).Single(a => a.Action == AuditActions.ProductEdited);
        Assert.Equal(manager.UserId, entry.ActorUserId);
        Assert.Equal(["Active", "Name", "Unit"], Json(entry.Before).Keys.Order());
        Assert.Equal("litre", Json(entry.Before)["Unit"]);
        Assert.Equal("pack", Json(entry.After)["Unit"]);
        Assert.Equal("no", Json(entry.After)["Active"]);
        Assert.Equal(newName, Json(entry.After)["Name"]);

        var unchanged = ProductInput.From(details);
        Assert.True((await catalog.UpdateAsync(manager, id, unchanged)).Succeeded);
        Assert.Single(await AuditAsync(id), a => a.Action == AuditActions.ProductEdited);
    }

    [Fact]
    public async Task The_second_of_two_people_editing_a_product_is_told_to_reload()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var id = await CreateAsync(catalog, NewProduct());
        var details = await catalog.GetAsync(staff, id);
        var mine = ProductInput.From(details!);
        var theirs = ProductInput.From(details!);
        mine.Name = UniqueName("Full cream milk");
        theirs.Name = UniqueName("Skimmed milk");

        var first = await catalog.UpdateAsync(staff, id, mine);
        var second = await catalog.UpdateAsync(manager, id, theirs);

        Assert.True(first.Succeeded);
        Assert.False(second.Succeeded);
        Assert.Equal(ConcurrencyMessages.ChangedBySomeoneElse, second.GeneralError);
        var saved = await catalog.GetAsync(staff, id);
        Assert.Equal(mine.Name, saved!.Name);
        Assert.DoesNotContain(await AuditAsync(id), a => a.ActorUserId == manager.UserId);
    }

    [Fact]
    public async Task The_unit_of_a_product_already_on_a_subscription_cannot_change()
    {
        await using var db = fixture.CreateContext();
        var product = await TestData.AddProductAsync(db, unit: ProductUnit.Litre);
        var customer = await TestData.AddCustomerAsync(db);
        await TestData.AddSubscriptionAsync(db, customer, product, Today, TestData.Daily(0.5m));
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var details = await catalog.GetAsync(staff, product.Id);
        var input = ProductInput.From(details!);
        input.Unit = ProductUnit.Piece;

        var result = await catalog.UpdateAsync(staff, product.Id, input);

        Assert.True(details!.IsInUse);
        Assert.Contains("cannot change", result.ErrorFor(nameof(ProductInput.Unit)), StringComparison.Ordinal);
        Assert.Equal(ProductUnit.Litre, (await catalog.GetAsync(staff, product.Id))!.Unit);
    }

    [Fact]
    public async Task The_list_shows_todays_price_and_the_next_change_and_the_history_is_newest_first()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var name = UniqueName("Ghee");
        var id = await CreateAsync(catalog, NewProduct(name: name, price: 600m, from: new DateOnly(2026, 6, 1), unit: ProductUnit.Kg));
        await catalog.AddPriceAsync(staff, id, new PriceInput { UnitPrice = 640m, EffectiveFrom = Today });
        await catalog.AddPriceAsync(staff, id, new PriceInput { UnitPrice = 660m, EffectiveFrom = new DateOnly(2027, 1, 1) });
        await catalog.AddPriceAsync(staff, id, new PriceInput { UnitPrice = 620m, EffectiveFrom = new DateOnly(2026, 9, 1) });

        var row = (await catalog.ListAsync(staff)).Single(p => p.Id == id);
        var details = await catalog.GetAsync(staff, id);

        Assert.Equal((640m, Today), (row.CurrentPrice, row.CurrentPriceFrom));
        Assert.Equal((660m, new DateOnly(2027, 1, 1)), (row.NextPrice, row.NextPriceFrom));
        Assert.Equal(
            [
                (new DateOnly(2027, 1, 1), 660m, PriceState.Scheduled),
                (Today, 640m, PriceState.Current),
                (new DateOnly(2026, 9, 1), 620m, PriceState.Earlier),
                (new DateOnly(2026, 6, 1), 600m, PriceState.Earlier),
            ],
            details!.Prices.Select(p => (p.EffectiveFrom, p.UnitPrice, p.State)));
        Assert.All(details.Prices, p => Assert.NotNull(p.CreatedBy));
    }

    [Fact]
    public async Task A_product_whose_first_price_is_still_to_come_has_no_price_today()
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var id = await CreateAsync(catalog, NewProduct(price: 70m, from: Today.AddDays(7)));

        var row = (await catalog.ListAsync(staff)).Single(p => p.Id == id);

        Assert.Null(row.CurrentPrice);
        Assert.Equal((70m, Today.AddDays(7)), (row.NextPrice, row.NextPriceFrom));
    }

    [Theory]
    [InlineData(Roles.Customer)]
    [InlineData(Roles.DeliveryAgent)]
    public async Task Customers_and_delivery_agents_cannot_read_or_change_products(string role)
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        var id = await CreateAsync(catalog, NewProduct());
        await using var db = fixture.CreateContext();
        var outsider = Caller.For(await TestData.AddUserAsync(db, role), role);
        var input = ProductInput.From((await catalog.GetAsync(staff, id))!);
        input.Name = UniqueName();
        var name = UniqueName();

        await Assert.ThrowsAsync<AccessDeniedException>(() => catalog.ListAsync(outsider));
        await Assert.ThrowsAsync<AccessDeniedException>(() => catalog.GetAsync(outsider, id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => catalog.CreateAsync(outsider, NewProduct(name: name)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => catalog.UpdateAsync(outsider, id, input));
        await Assert.ThrowsAsync<AccessDeniedException>(() => catalog.AddPriceAsync(outsider, id, new PriceInput { UnitPrice = 1m, EffectiveFrom = Today.AddDays(3) }));

        Assert.False(await db.Products.AnyAsync(p => p.Name == name || p.Name == input.Name));
        Assert.Single(await PricesAsync(id));
    }

    [Theory]
    [InlineData(Roles.Staff)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Admin)]
    public async Task Every_office_role_may_create_and_price_products(string role)
    {
        using var scope = fixture.Services.CreateScope();
        var catalog = Catalog(scope);
        await using var db = fixture.CreateContext();
        var office = Caller.For(await TestData.AddUserAsync(db, role), role);

        var created = await catalog.CreateAsync(office, NewProduct());
        var priced = await catalog.AddPriceAsync(office, created.Value, new PriceInput { UnitPrice = 60m, EffectiveFrom = Today.AddDays(1) });

        Assert.True(created.Succeeded && priced.Succeeded);
    }
}
