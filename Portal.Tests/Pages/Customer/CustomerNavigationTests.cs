using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Layout;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages.CustomerSelfService;

/// <summary>How a customer gets around: the side menu's customer section and the bottom bar on phones.</summary>
public sealed class CustomerNavigationTests : PortalTestContext
{
    private IRenderedComponent<CustomerBottomNav> RenderBar(string at)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(at);
        return Render<CustomerBottomNav>();
    }

    [Fact]
    public void A_customer_gets_a_bottom_bar_with_five_labelled_places()
    {
        SignInAs(Roles.Customer, "customer-user");

        var bar = RenderBar("/me");

        var links = bar.Find("[data-testid=bottom-nav]").QuerySelectorAll("a");
        Assert.Equal(["Home", "Milk", "Orders", "Calendar", "Invoices"], links.Select(a => a.TextContent.Trim()));
        Assert.Equal(["me", "me/subscriptions", "me/orders", "me/deliveries", "me/invoices"], links.Select(a => a.GetAttribute("href")!.TrimStart('/')));
    }

    [Theory]
    [InlineData("/me", "home")]
    [InlineData("/me/subscriptions", "milk")]
    [InlineData("/me/orders", "orders")]
    [InlineData("/me/deliveries?month=2026-10", "calendar")]
    [InlineData("/me/deliveries/42", "calendar")]
    [InlineData("/me/invoices/7?view=print", "invoices")]
    public void Only_the_place_the_customer_is_at_is_highlighted(string at, string active)
    {
        SignInAs(Roles.Customer, "customer-user");

        var bar = RenderBar(at);

        var highlighted = bar.FindAll(".me-bottom-nav-item--active");
        Assert.Equal($"bottom-nav-{active}", Assert.Single(highlighted).GetAttribute("data-testid"));
    }

    [Theory]
    [InlineData(Roles.Admin)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Staff)]
    [InlineData(Roles.DeliveryAgent)]
    public void Office_and_agent_logins_get_no_bottom_bar(string role)
    {
        SignInAs(role, $"user-{role}");

        var bar = RenderBar("/");

        Assert.Empty(bar.FindAll("[data-testid=bottom-nav]"));
    }

    [Fact]
    public void A_signed_out_visitor_gets_no_bottom_bar()
    {
        var bar = RenderBar("/");

        Assert.Empty(bar.FindAll("[data-testid=bottom-nav]"));
    }

    [Fact]
    public void The_side_menu_takes_a_customer_to_each_of_their_pages()
    {
        SignInAs(Roles.Customer, "customer-user");

        var menu = Render<NavMenu>();

        var links = menu.FindAll("a.mud-nav-link").Select(a => (a.TextContent.Trim(), a.GetAttribute("href")!.TrimStart('/'))).ToList();
        Assert.Equal(
            [
                ("Home", "me"), ("My milk", "me/subscriptions"), ("My orders", "me/orders"), ("My deliveries", "me/deliveries"),
                ("My invoices", "me/invoices"), ("My profile", "me/profile"), ("Change password", "Account/ChangePassword"),
            ],
            links);
    }
}
