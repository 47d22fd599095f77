using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data;

/// <summary>The demo data a developer signs in with: one login per role, three routes, sixty customers, priced products; seeding twice adds nothing.</summary>
public sealed class DemoDataTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    // Every test seeds: seeding is idempotent, so each test sees the same data whichever runs first.
    private Task SeedAsync() => DemoData.SeedAsync(fixture.Services, fixture.Time);

    [Fact]
    public async Task Seeding_creates_one_login_per_role_that_signs_in_with_the_demo_password()
    {
        await SeedAsync();
        await using var scope = fixture.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

        Assert.Equal(Roles.All.Order(), DemoData.Logins.Select(l => l.Role).Order());
        foreach (var login in DemoData.Logins)
        {
            var user = await users.FindByNameAsync(login.SignInWith);
            Assert.True(user is not null, $"No demo login {login.SignInWith}.");
            Assert.Equal(login.Name, user.DisplayName);
            Assert.True(await users.IsInRoleAsync(user, login.Role), $"{login.SignInWith} is not in role {login.Role}.");
            Assert.True(await users.CheckPasswordAsync(user, DemoData.Password), $"The demo password does not sign in {login.SignInWith}.");
            Assert.False(user.IsDisabled);
        }
    }

    [Fact]
    public async Task Seeding_creates_three_routes_each_worked_by_a_delivery_agent()
    {
        await SeedAsync();
        await using var db = fixture.CreateContext();

        var routes = await db.Routes
            .Select(r => new
            {
                r.Name,
                r.IsActive,
                Agents = r.Agents.Count(a => db.UserRoles.Any(ur => ur.UserId == a.UserId && db.Roles.Any(role => role.Id == ur.RoleId && role.Name == Roles.DeliveryAgent))),
                Customers = r.Customers.Count,
            })
            .ToListAsync();

        Assert.Equal(3, routes.Count);
        Assert.All(routes, r =>
        {
            Assert.True(r.IsActive, $"{r.Name} is not active.");
            Assert.True(r.Agents >= 1, $"{r.Name} has no delivery agent.");
            Assert.True(r.Customers >= 1, $"{r.Name} has no customers.");
        });
    }

    [Fact]
    public async Task Seeding_creates_sixty_customers_each_with_a_customer_login()
    {
        await SeedAsync();
        await using var db = fixture.CreateContext();
        var customerRoleId = await db.Roles.Where(r => r.Name == Roles.Customer).Select(r => r.Id).SingleAsync();

        var customers = await db.Customers
            .Select(c => new { c.Mobile, c.User.UserName, IsCustomer = db.UserRoles.Any(ur => ur.UserId == c.UserId && ur.RoleId == customerRoleId) })
            .ToListAsync();

        Assert.Equal(60, customers.Count);
        Assert.All(customers, c =>
        {
            Assert.True(c.IsCustomer, $"The login of customer {c.Mobile} is not in role Customer.");
            Assert.Equal(c.Mobile, c.UserName);
            Assert.Equal(c.Mobile, MobileNumber.Normalise(c.Mobile));
        });
        Assert.Contains(customers, c => c.Mobile == DemoData.Logins.Single(l => l.Role == Roles.Customer).SignInWith);
    }

    [Fact]
    public async Task Seeding_creates_active_products_each_with_a_price_for_today()
    {
        await SeedAsync();
        var today = fixture.Services.GetRequiredService<PortalClock>().Today;
        await using var db = fixture.CreateContext();

        var products = await db.Products
            .Select(p => new { p.Name, p.IsActive, PricedToday = p.Prices.Any(price => price.EffectiveFrom <= today && price.UnitPrice > 0) })
            .ToListAsync();

        Assert.NotEmpty(products);
        Assert.All(products, p =>
        {
            Assert.True(p.IsActive, $"{p.Name} is not active.");
            Assert.True(p.PricedToday, $"{p.Name} has no price for {today}.");
        });
    }

    [Fact]
    public async Task Seeding_a_second_time_adds_nothing()
    {
        await SeedAsync();
        var first = await CountAsync();

        await SeedAsync();

        Assert.Equal(first, await CountAsync());
        Assert.Equal(60, first.Customers);
    }

    private sealed record Counts(int Users, int UserRoles, int Customers, int Routes, int RouteAgents, int Products, int Prices);

    private async Task<Counts> CountAsync()
    {
        await using var db = fixture.CreateContext();
        return new Counts(
            await db.Users.CountAsync(),
            await db.UserRoles.CountAsync(),
            await db.Customers.CountAsync(),
            await db.Routes.CountAsync(),
            await db.RouteAgents.CountAsync(),
            await db.Products.CountAsync(),
            await db.ProductPrices.CountAsync());
    }
}
