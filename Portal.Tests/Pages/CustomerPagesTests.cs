using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Pages.Customers;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Routes;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

public sealed class CustomerPagesTests : PortalTestContext, IClassFixture<DatabaseFixture>
{
    private readonly DatabaseFixture database;

    public CustomerPagesTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
    }

    private async Task SignInStaffAsync()
    {
        await using var db = database.CreateContext();
        var staff = await TestData.AddUserAsync(db, Roles.Staff);
        SignInAs(Roles.Staff, staff.Id, staff.DisplayName);
    }

    private static void Fill<T>(IRenderedComponent<T> page, string testId, string value) where T : IComponent =>
        page.Find($"[data-testid={testId}] input, input[data-testid={testId}]").Change(value);

    [Fact]
    public async Task The_new_customer_form_shows_a_message_next_to_each_bad_field_and_saves_nothing()
    {
        await SignInStaffAsync();
        RenderPopoverProvider();
        var page = Render<CustomerNew>();
        page.WaitForElement("[data-testid=customer-form]");
        await using var db = database.CreateContext();
        var before = await db.Customers.CountAsync();

        Fill(page, "field-mobile", "12345");
        Fill(page, "field-pin", "012");
        page.Find("[data-testid=save-customer]").Click();

        page.WaitForAssertion(() =>
        {
            Assert.Contains("Enter the customer's name.", page.Markup);
            Assert.Contains("Enter a 10-digit Indian mobile number, e.g. 98765 43210.", page.Markup);
            Assert.Contains("A PIN code is 6 digits and does not start with 0.", page.Markup);
        });
        Assert.Equal(before, await db.Customers.CountAsync());
    }

    [Fact]
    public async Task A_valid_new_customer_is_created_with_a_login_and_the_page_moves_to_them()
    {
        await SignInStaffAsync();
        RenderPopoverProvider();
        var mobile = TestData.UniqueMobile();
        var page = Render<CustomerNew>();
        page.WaitForElement("[data-testid=customer-form]");

        Fill(page, "field-name", "Lakshmi Iyer");
        Fill(page, "field-mobile", mobile);
        Fill(page, "field-address", "#4, 2nd Main");
        Fill(page, "field-area", "Malleshwaram");
        Fill(page, "field-pin", "560003");
        page.Find("[data-testid=save-customer]").Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        await using var db = database.CreateContext();
        page.WaitForAssertion(() => Assert.Contains("/customers/", navigation.Uri));
        var customer = await db.Customers.Include(c => c.User).SingleAsync(c => c.Mobile == mobile);
        Assert.Equal("Lakshmi Iyer", customer.Name);
        Assert.Equal(mobile, customer.User.UserName);
        Assert.EndsWith($"/customers/{customer.Id}?created=1", navigation.Uri);
    }

    [Fact]
    public async Task A_mobile_that_is_taken_is_refused_next_to_the_mobile_field()
    {
        await SignInStaffAsync();
        RenderPopoverProvider();
        await using var db = database.CreateContext();
        var existing = await TestData.AddCustomerAsync(db);
        var page = Render<CustomerNew>();
        page.WaitForElement("[data-testid=customer-form]");

        Fill(page, "field-name", "Someone Else");
        Fill(page, "field-mobile", existing.Mobile);
        Fill(page, "field-address", "#9, 1st Cross");
        Fill(page, "field-area", "Hebbal");
        Fill(page, "field-pin", "560024");
        page.Find("[data-testid=save-customer]").Click();

        page.WaitForAssertion(() =>
        {
            var mobileField = page.Find("[data-testid=field-mobile]").Closest(".mud-input-control")!;
            Assert.Contains("This mobile number is already used by another account.", mobileField.TextContent);
        });
        Assert.Equal(1, await db.Customers.CountAsync(c => c.Mobile == existing.Mobile));
    }

    [Fact]
    public async Task The_customers_grid_lists_and_searches_customers_from_the_database()
    {
        await SignInStaffAsync();
        RenderPopoverProvider();
        await using var db = database.CreateContext();
        var route = new DeliveryRoute { Name = $"Grid route {TestData.Next()}" };
        db.Routes.Add(route);
        await db.SaveChangesAsync();
        var tag = $"Zed{TestData.Next()}";
        var first = await TestData.AddCustomerAsync(db, route, name: $"Anita {tag}");
        var second = await TestData.AddCustomerAsync(db, route, name: $"Balu {tag}");

        var page = Render<CustomersList>();
        page.WaitForAssertion(() => Assert.Contains("customers-grid", page.Markup));
        // The search box reacts as people type (debounced), so it listens to input, not change.
        var search = page.Find("[data-testid=customer-search] input, input[data-testid=customer-search]");
        search.Input(tag);
        // Leaving the box applies the search at once instead of after the typing pause.
        search.Blur();

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("[data-testid=customers-grid] tbody tr").Select(r => r.TextContent).ToList();
            Assert.Equal(2, rows.Count);
            Assert.Contains(first.Name, rows[0]);
            Assert.Contains(second.Name, rows[1]);
            Assert.Contains(route.Name, rows[0]);
        });
    }
}
