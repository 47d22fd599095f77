using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Portal.Components.Pages.Products;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

/// <summary>The products page against a real database: the dialogs' forms, their messages, and what they save.</summary>
public sealed class ProductsPageTests : PortalTestContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly DatabaseFixture database;
    private PortalUser staff = null!;

    public ProductsPageTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
    }

    public async Task InitializeAsync()
    {
        await using var db = database.CreateContext();
        // A real user: prices record who added them, by foreign key.
        staff = await TestData.AddUserAsync(db, Roles.Staff);
        SignInAs(Roles.Staff, staff.Id, staff.DisplayName);
    }

    // MudBlazor's popover and dialog services can only be disposed asynchronously.
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    /// <summary>The page with the providers MainLayout renders around it, so its dialogs and pickers can open.</summary>
    private (IRenderedComponent<ProductList> Page, IRenderedComponent<MudDialogProvider> Dialogs) RenderPage()
    {
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ProductList>();
        page.WaitForElement("[data-testid=products-table]");
        return (page, dialogs);
    }

    private static IElement RowOf(IRenderedComponent<ProductList> page, string productName)
    {
        IElement? row = null;
        page.WaitForAssertion(() => row = Assert.Single(page.FindAll("tr"),
            r => r.QuerySelector("[data-testid=product-name]")?.TextContent.Trim() == productName));
        return row!;
    }

    private static IElement FieldOf(IRenderedComponent<MudDialogProvider> dialogs, string testId) =>
        dialogs.Find($"[data-testid={testId}]").Closest(".mud-input-control")
        ?? throw new InvalidOperationException($"{testId} is not inside a form field.");

    private static IRenderedComponent<MudDialogProvider> OpenNewProduct(IRenderedComponent<ProductList> page, IRenderedComponent<MudDialogProvider> dialogs)
    {
        page.Find("[data-testid=new-product]").Click();
        dialogs.WaitForElement("[data-testid=product-form]");
        return dialogs;
    }

    [Fact]
    public async Task The_product_form_shows_each_message_next_to_its_field_and_saves_nothing()
    {
        await using var db = database.CreateContext();
        var before = await db.Products.CountAsync();
        var (page, dialogs) = RenderPage();
        OpenNewProduct(page, dialogs);

        dialogs.Find("input[data-testid=field-product-price]").Change("56.505");
        dialogs.Find("[data-testid=save-product]").Click();

        dialogs.WaitForAssertion(() =>
        {
            Assert.Contains("Enter the product's name.", FieldOf(dialogs, "field-product-name").TextContent, StringComparison.Ordinal);
            Assert.Contains("at most 2 decimals", FieldOf(dialogs, "field-product-price").TextContent, StringComparison.Ordinal);
        });
        Assert.NotEmpty(dialogs.FindAll("[data-testid=product-form]"));
        Assert.Equal(before, await db.Products.CountAsync());
    }

    [Fact]
    public async Task A_valid_new_product_is_created_with_its_first_price_from_today_and_listed()
    {
        var name = $"Toned milk {TestData.Next()}";
        var (page, dialogs) = RenderPage();
        OpenNewProduct(page, dialogs);

        dialogs.Find("input[data-testid=field-product-name]").Change(name);
        dialogs.Find("input[data-testid=field-product-price]").Change("56.50");
        dialogs.Find("[data-testid=save-product]").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=product-form]")));
        await using var db = database.CreateContext();
        var product = await db.Products.Include(p => p.Prices).SingleAsync(p => p.Name == name);
        Assert.Equal(ProductUnit.Litre, product.Unit);
        var price = Assert.Single(product.Prices);
        Assert.Equal((56.50m, new DateOnly(2026, 11, 24), staff.Id), (price.UnitPrice, price.EffectiveFrom, price.CreatedByUserId));
        Assert.Contains("₹56.50", RowOf(page, name).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_already_taken_is_shown_next_to_the_name_field_by_the_service()
    {
        await using var db = database.CreateContext();
        var existing = await TestData.AddProductAsync(db);
        var (page, dialogs) = RenderPage();
        OpenNewProduct(page, dialogs);

        dialogs.Find("input[data-testid=field-product-name]").Change(existing.Name.ToUpperInvariant());
        dialogs.Find("input[data-testid=field-product-price]").Change("40");
        dialogs.Find("[data-testid=save-product]").Click();

        dialogs.WaitForAssertion(() =>
            Assert.Contains("There is already a product called", FieldOf(dialogs, "field-product-name").TextContent, StringComparison.Ordinal));
        Assert.Equal(1, await db.Products.CountAsync(p => p.Name.ToLower() == existing.Name.ToLower()));
    }

    [Fact]
    public async Task The_prices_dialog_adds_a_price_to_the_top_of_the_history()
    {
        await using var db = database.CreateContext();
        var product = await TestData.AddProductAsync(db, unitPrice: 56m);
        var (page, dialogs) = RenderPage();
        RowOf(page, product.Name).QuerySelector("[data-testid=product-prices]")!.Click();
        dialogs.WaitForElement("[data-testid=price-form]");

        dialogs.Find("input[data-testid=field-price]").Change("58.25");
        dialogs.Find("[data-testid=add-price]").Click();

        dialogs.WaitForAssertion(() => Assert.Equal(2, dialogs.FindAll("[data-testid=price-amount]").Count));
        Assert.Equal(["₹58.25", "₹56.00"], dialogs.FindAll("[data-testid=price-amount]").Select(c => c.TextContent.Trim()));
        Assert.Equal("25 Nov 2026", dialogs.FindAll("[data-testid=price-from]")[0].TextContent.Trim());
        var prices = await db.ProductPrices.AsNoTracking().Where(p => p.ProductId == product.Id).OrderBy(p => p.EffectiveFrom).ToListAsync();
        Assert.Equal([(TestData.PricesFrom, 56m), (new DateOnly(2026, 11, 25), 58.25m)], prices.Select(p => (p.EffectiveFrom, p.UnitPrice)));
    }

    [Fact]
    public async Task A_day_that_already_has_a_price_is_refused_next_to_the_date_and_a_past_day_is_warned_about()
    {
        await using var db = database.CreateContext();
        var product = await TestData.AddProductAsync(db, unitPrice: 56m, priceFrom: new DateOnly(2026, 11, 1));
        var (page, dialogs) = RenderPage();
        RowOf(page, product.Name).QuerySelector("[data-testid=product-prices]")!.Click();
        dialogs.WaitForElement("[data-testid=price-form]");

        dialogs.Find("input[data-testid=field-price-from]").Change("1 Nov 2026");
        dialogs.Find("input[data-testid=field-price]").Change("60");
        dialogs.WaitForElement("[data-testid=past-price-warning]");
        dialogs.Find("[data-testid=add-price]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("There is already a price from 1 Nov 2026",
            dialogs.Find("[data-testid=field-price-from]").Closest(".mud-input-control")!.TextContent, StringComparison.Ordinal));
        Assert.Equal(1, await db.ProductPrices.CountAsync(p => p.ProductId == product.Id));
    }
}
