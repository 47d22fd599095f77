using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// Every page, asked for over HTTP by each role and by someone signed out, against the real portal. Who may open what is
/// written out by hand below, not read from the pages' attributes: the table is the specification the attributes must meet.
/// </summary>
[Collection(SecurityServerCollection.Name)]
public sealed class RolePageMatrixTests(SecurityServer portal)
{
    private const string Admin = Roles.Admin;
    private const string Manager = Roles.Manager;
    private const string Staff = Roles.Staff;
    private const string Agent = Roles.DeliveryAgent;
    private const string Customer = Roles.Customer;
    private const string Anonymous = SecurityServer.Anonymous;

    private static readonly string[] People = [Admin, Manager, Staff, Agent, Customer, Anonymous];
    private static readonly string[] Everyone = [Admin, Manager, Staff, Agent, Customer];
    private static readonly string[] Office = [Admin, Manager, Staff];
    private static readonly string[] Managers = [Admin, Manager];
    private static readonly string[] Agents = [Agent];
    private static readonly string[] Customers = [Customer];

    private static readonly string SheetDate = SecurityServer.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static readonly string SheetTitleDate = SecurityServer.Today.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>
    /// A page: its route template as the page declares it, who may open it (null: anyone, signed in or not), the address
    /// asked for, and what an allowed person sees: the page's title, and text it must show.
    /// </summary>
    private sealed record Rule(
        string Route, string[]? Allowed, Func<SecurityRecords, string> Url, Func<SecurityRecords, string> Title, Func<SecurityRecords, string>? Shows = null);

    private static Rule For(string[] allowed, string route, string title) => new(route, allowed, _ => route, _ => title);

    private static Rule Open(string route, string title) => new(route, null, _ => route, _ => title);

    private static readonly Rule[] Table =
    [
        // "/" opens nothing itself: it sends each person on to the home of their role (HomeOf below).
        For(Everyone, "/", "Portal"),
        For(Everyone, "/Account/ChangePassword", "Change password · Portal"),

        For(Office, "/office", "Overview · Portal"),
        For(Office, "/customers", "Customers · Portal"),
        For(Office, "/customers/new", "New customer · Portal"),
        new("/customers/{Id:int}", Office, r => $"/customers/{r.CustomerId}", r => $"{r.CustomerName} · Portal"),
        new("/customers/{Id:int}/edit", Office, r => $"/customers/{r.CustomerId}/edit", _ => "Edit customer · Portal"),
        For(Office, "/orders", "Orders · Portal"),
        For(Office, "/deliveries", "Deliveries · Portal"),
        // The agent's own route; another agent's route is refused by the page itself (a test below).
        new("/deliveries/{RouteId:int}/{Date}", [Admin, Manager, Staff, Agent], r => $"/deliveries/{r.RouteId}/{SheetDate}",
            r => $"{r.RouteName}, {SheetTitleDate} · Portal"),
        For(Office, "/routes", "Routes · Portal"),
        new("/routes/{Id:int}", Office, r => $"/routes/{r.RouteId}", r => $"{r.RouteName} · Portal"),
        For(Office, "/products", "Products · Portal"),

        For(Managers, "/billing", "Billing · Portal"),
        For(Managers, "/billing/runs", "Billing runs · Portal"),
        For(Managers, "/invoices", "Invoices · Portal"),
        new("/invoices/{Id:int}", Managers, r => $"/invoices/{r.InvoiceId}", r => $"{r.InvoiceNumber} · Portal", r => r.CustomerName),
        For(Managers, "/audit", "Audit log · Portal"),

        For([Admin], "/admin/users", "Users and roles · Portal"),

        For(Agents, "/agent", "My routes · Portal"),

        For(Customers, "/me", "Home · Portal"),
        For(Customers, "/me/subscriptions", "My milk · Portal"),
        For(Customers, "/me/orders", "Orders · Portal"),
        new("/me/deliveries", Customers, _ => "/me/deliveries?month=2026-11", _ => "Deliveries · Portal"),
        new("/me/deliveries/{Id:long}", Customers, r => $"/me/deliveries/{r.DeliveryId}", _ => "Delivery · Portal", r => r.DeliveryProduct),
        For(Customers, "/me/invoices", "Invoices · Portal"),
        new("/me/invoices/{Id:int}", Customers, r => $"/me/invoices/{r.InvoiceId}", r => $"{r.InvoiceNumber} · Portal"),
        For(Customers, "/me/profile", "Profile · Portal"),

        Open("/Account/Login", "Sign in · Portal"),
        Open("/Account/Lockout", "Account locked · Portal"),
        Open("/Account/AccessDenied", "No access · Portal"),
        Open("/Account/Activate", "Set your password · Portal"),
        Open("/Error", "Something went wrong · Portal"),
        Open("/not-found", "Not found · Portal"),
        new("/s/{Token}", null, r => $"/s/{r.SharedLinkToken}", r => $"{r.RouteName}, {SheetTitleDate} · Portal"),
    ];

    /// <summary>Where "/" sends each role.</summary>
    private static string HomeOf(string role) => role switch
    {
        Admin or Manager or Staff => "/office",
        Agent => "/agent",
        Customer => "/me",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static TheoryData<string, string> Cells()
    {
        var cells = new TheoryData<string, string>();
        foreach (var rule in Table)
        {
            foreach (var who in People)
            {
                cells.Add(rule.Route, who);
            }
        }
        return cells;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Each_person_opens_exactly_the_pages_the_table_gives_them(string route, string who)
    {
        Assert.True(RoutablePages.ByTemplate.ContainsKey(route), $"The table lists {route}, but no page answers it yet.");
        var rule = Table.Single(r => r.Route == route);
        var url = rule.Url(portal.Records);
        var client = await portal.ClientAsync(who);

        var answer = await client.GetAsync(url);

        var returnUrl = Uri.EscapeDataString(url);
        string expected;
        if (rule.Allowed is null || rule.Allowed.Contains(who))
        {
            expected = route == "/" ? $"302 {HomeOf(who)}" : $"200 {rule.Title(portal.Records)}";
        }
        else if (who == Anonymous)
        {
            expected = $"302 /Account/Login?ReturnUrl={returnUrl}";
        }
        else
        {
            expected = $"302 /Account/AccessDenied?ReturnUrl={returnUrl}";
        }
        var actual = answer.Status == HttpStatusCode.OK ? $"200 {answer.Title}" : $"{(int)answer.Status} {answer.RedirectTo}";
        Assert.Equal(expected, actual);
        if (expected.StartsWith("200", StringComparison.Ordinal) && rule.Shows?.Invoke(portal.Records) is { } shown)
        {
            Assert.Contains(shown, answer.VisibleText);
        }
    }

    [Fact]
    public void Every_page_is_in_the_table_and_every_route_in_the_table_has_a_page()
    {
        var pages = RoutablePages.ByTemplate.Keys.ToHashSet(StringComparer.Ordinal);
        var table = Table.Select(r => r.Route).ToHashSet(StringComparer.Ordinal);

        var missingFromTable = pages.Except(table).Order(StringComparer.Ordinal).ToList();
        var withoutPage = table.Except(pages).Order(StringComparer.Ordinal).ToList();

        Assert.True(missingFromTable.Count == 0, "Pages the table does not say anything about: " + string.Join(", ", missingFromTable));
        Assert.True(withoutPage.Count == 0, "Routes in the table that no page answers yet: " + string.Join(", ", withoutPage));
        Assert.Equal(Table.Length, table.Count);
    }

    [Fact]
    public async Task An_agent_who_opens_another_agents_route_sheet_is_refused_by_the_page_and_sees_none_of_it()
    {
        var url = $"/deliveries/{portal.Records.OtherAgentsRouteId}/{SheetDate}";
        await using var db = portal.Database();
        var route = await db.Routes.Where(r => r.Id == portal.Records.OtherAgentsRouteId)
            .Select(r => new { r.Name, Customers = r.Customers.Select(c => c.Name).ToList() })
            .SingleAsync();
        Assert.NotEmpty(route.Customers);

        var staffSees = await (await portal.ClientAsync(Staff)).GetAsync(url);
        var agentSees = await (await portal.ClientAsync(Agent)).GetAsync(url);

        Assert.Equal($"200 {route.Name}, {SheetTitleDate} · Portal", $"{(int)staffSees.Status} {staffSees.Title}");
        Assert.Equal(HttpStatusCode.OK, agentSees.Status);
        Assert.Equal("Delivery sheet · Portal", agentSees.Title);
        Assert.Contains("data-testid=\"access-denied\"", agentSees.Body, StringComparison.Ordinal);
        Assert.Contains("This sheet is not open to you", agentSees.VisibleText, StringComparison.Ordinal);
        Assert.DoesNotContain(route.Name, agentSees.Body, StringComparison.Ordinal);
        foreach (var customer in route.Customers)
        {
            Assert.DoesNotContain(customer, agentSees.VisibleText, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("invoices")]
    [InlineData("deliveries")]
    public async Task A_customer_gets_the_same_answer_for_another_households_record_as_for_one_that_does_not_exist(string kind)
    {
        var records = portal.Records;
        var (someoneElses, missing, own) = kind == "invoices"
            ? ($"/me/invoices/{records.OtherCustomersInvoiceId}", "/me/invoices/999999999", $"/me/invoices/{records.InvoiceId}")
            : ($"/me/deliveries/{records.OtherCustomersDeliveryId}", "/me/deliveries/999999999", $"/me/deliveries/{records.DeliveryId}");
        var customer = await portal.ClientAsync(Customer);

        var toSomeoneElses = await customer.GetAsync(someoneElses);
        var toMissing = await customer.GetAsync(missing);
        var toOwn = await customer.GetAsync(own);

        Assert.Equal(HttpStatusCode.OK, toOwn.Status);
        Assert.DoesNotContain("data-testid=\"not-in-account\"", toOwn.Body, StringComparison.Ordinal);
        Assert.Equal(toMissing.Status, toSomeoneElses.Status);
        Assert.Contains("data-testid=\"not-in-account\"", toSomeoneElses.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"not-in-account\"", toMissing.Body, StringComparison.Ordinal);
        Assert.Equal(toMissing.Title, toSomeoneElses.Title);
        Assert.Equal(toMissing.VisibleText, toSomeoneElses.VisibleText);
        Assert.DoesNotContain(records.OtherCustomerName, toSomeoneElses.VisibleText, StringComparison.Ordinal);
        Assert.DoesNotContain(records.OtherCustomersInvoiceNumber, toSomeoneElses.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_account_without_a_portal_role_opens_no_page_behind_the_sign_in()
    {
        const string password = "no-role-pass-2026";
        string login;
        await using (var db = portal.Database())
        {
            login = (await TestData.AddUserAsync(db, role: null, password: password)).UserName!;
        }
        using var client = portal.NewClient();
        await client.SignInAsync(login, password);

        foreach (var url in new[] { "/", "/Account/ChangePassword", "/office", "/me", "/agent" })
        {
            var answer = await client.GetAsync(url);
            Assert.Equal($"302 /Account/AccessDenied?ReturnUrl={Uri.EscapeDataString(url)}", $"{(int)answer.Status} {answer.RedirectTo}");
        }
    }

    [Fact]
    public async Task The_demo_logins_are_the_ones_the_matrix_signs_in_with()
    {
        Assert.Equal(Everyone, DemoData.Logins.Select(l => l.Role));
        await using var db = portal.Database();
        foreach (var login in DemoData.Logins)
        {
            var roles = await db.UserRoles
                .Where(ur => db.Users.Any(u => u.Id == ur.UserId && u.UserName == login.SignInWith))
                .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name)
                .ToListAsync();
            Assert.Equal([login.Role], roles);
        }
    }
}
