using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Customer;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

public sealed class MyHomeTests : PortalTestContext, IClassFixture<DatabaseFixture>
{
    private readonly DatabaseFixture database;

    public MyHomeTests(DatabaseFixture database)
    {
        this.database = database;
        UseDatabase(database);
    }

    /// <summary>Two households, each with its own login; names and mobiles unique to this test.</summary>
    private async Task<(Customer Mine, Customer Theirs)> TwoCustomersAsync()
    {
        var suffix = Random.Shared.Next(1_000_000, 9_999_999);
        var mine = await CustomerAsync($"Meera Menon {suffix}", $"701{suffix}", "12 Temple Road");
        var theirs = await CustomerAsync($"Arjun Rao {suffix}", $"702{suffix}", "7 Lake View");
        return (mine, theirs);
    }

    private async Task<Customer> CustomerAsync(string name, string mobile, string line)
    {
        await using var scope = database.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = mobile, PhoneNumber = mobile, DisplayName = name, CreatedAt = database.Time.GetUtcNow() };
        Assert.True((await users.CreateAsync(user)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Customer)).Succeeded);

        var customer = new Customer
        {
            Name = name,
            Mobile = mobile,
            Address = new Address { Line = line, Area = "Jayanagar", City = "Bengaluru", PinCode = "560041" },
            UserId = user.Id,
            CreatedAt = database.Time.GetUtcNow(),
        };
        await using var db = database.CreateContext();
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return customer;
    }

    [Fact]
    public async Task Greets_the_signed_in_customer_by_their_own_name_and_address()
    {
        var (mine, theirs) = await TwoCustomersAsync();
        SignInAs(Roles.Customer, mine.UserId, mine.Name);

        var page = Render<MyHome>();

        Assert.Equal($"Hello, {mine.Name}", page.WaitForElement("[data-testid=customer-greeting]").TextContent.Trim());
        Assert.Contains(mine.Address.Line, page.Markup, StringComparison.Ordinal);
        Assert.Contains(mine.Mobile, page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.Name, page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.Address.Line, page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.Mobile, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_other_customer_sees_only_their_own_home()
    {
        var (mine, theirs) = await TwoCustomersAsync();
        SignInAs(Roles.Customer, theirs.UserId, theirs.Name);

        var page = Render<MyHome>();

        Assert.Equal($"Hello, {theirs.Name}", page.WaitForElement("[data-testid=customer-greeting]").TextContent.Trim());
        Assert.DoesNotContain(mine.Name, page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(mine.Address.Line, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_login_without_a_customer_sees_a_notice_and_no_one_elses_data()
    {
        SignInAs(Roles.Customer, userId: "no-such-user", displayName: "Nobody");

        var page = Render<MyHome>();

        page.WaitForAssertion(() => Assert.Contains("not linked to a customer account", page.Markup, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=customer-greeting]"));
    }
}
