using Bunit;
using Portal.Components.Layout;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

public sealed class NavMenuTests : PortalTestContext
{
    private static readonly string[] OfficeLinks = ["Overview", "Customers", "Orders", "Routes", "Products", "Billing", "Invoices", "Audit log", "Users and roles"];

    private IReadOnlyList<string> LinksFor(string role)
    {
        SignInAs(role, userId: $"user-{role}");
        var menu = Render<NavMenu>();
        return menu.FindAll("a.mud-nav-link").Select(link => link.TextContent.Trim()).ToList();
    }

    [Theory]
    [InlineData(Roles.Admin)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Staff)]
    public void Office_roles_see_the_office_overview_and_no_agent_or_customer_links(string role)
    {
        var links = LinksFor(role);

        Assert.Contains("Overview", links);
        Assert.Contains("Customers", links);
        Assert.DoesNotContain("My routes", links);
        Assert.DoesNotContain("Home", links);
    }

    [Theory]
    [InlineData(Roles.Admin, true, true)]
    [InlineData(Roles.Manager, true, false)]
    [InlineData(Roles.Staff, false, false)]
    public void Only_managers_see_the_audit_log_and_only_admins_see_users_and_roles(string role, bool auditLog, bool users)
    {
        var links = LinksFor(role);

        Assert.Equal(auditLog, links.Contains("Audit log"));
        Assert.Equal(auditLog, links.Contains("Billing") && links.Contains("Invoices"));
        Assert.Equal(users, links.Contains("Users and roles"));
    }

    [Fact]
    public void A_delivery_agent_sees_my_routes_only()
    {
        var links = LinksFor(Roles.DeliveryAgent);

        Assert.Contains("My routes", links);
        Assert.Empty(links.Intersect(OfficeLinks));
        Assert.DoesNotContain("Home", links);
    }

    [Fact]
    public void A_customer_sees_their_home_only()
    {
        var links = LinksFor(Roles.Customer);

        Assert.Contains("Home", links);
        Assert.Empty(links.Intersect(OfficeLinks));
        Assert.DoesNotContain("My routes", links);
    }

    [Theory]
    [InlineData(Roles.Admin)]
    [InlineData(Roles.DeliveryAgent)]
    [InlineData(Roles.Customer)]
    public void Every_signed_in_role_can_change_their_password(string role)
    {
        Assert.Contains("Change password", LinksFor(role));
    }

    [Fact]
    public void A_signed_out_visitor_sees_no_links()
    {
        var menu = Render<NavMenu>();

        Assert.Empty(menu.FindAll("a.mud-nav-link"));
    }
}
