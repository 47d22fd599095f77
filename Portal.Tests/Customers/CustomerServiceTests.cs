using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Routes;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Customers;

public sealed class CustomerServiceTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private Caller staff = null!;
    private int routeId;
    private static long nextMobile = 7000000000 + Random.Shared.Next(0, 900_000_000);

    public async Task InitializeAsync()
    {
        staff = await CreateUserAsync($"staff-{Guid.NewGuid():N}@portal.test", Roles.Staff);
        await using var db = fixture.CreateContext();
        var route = new DeliveryRoute { Name = $"Route {Guid.NewGuid():N}"[..20] };
        db.Routes.Add(route);
        await db.SaveChangesAsync();
        routeId = route.Id;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private CustomerService Service(IServiceScope scope) => scope.ServiceProvider.GetRequiredService<CustomerService>();

    private static string NewMobile() => Interlocked.Increment(ref nextMobile).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private CustomerInput ValidInput(string? mobile = null) => new()
    {
        Name = "Kavya Nair",
        Mobile = mobile ?? NewMobile(),
        AddressLine = "#12, 3rd Cross",
        Area = "Jayanagar",
        City = "Bengaluru",
        PinCode = "560041",
        RouteId = routeId,
    };

    private async Task<Caller> CreateUserAsync(string userName, string role, string? email = null)
    {
        using var scope = fixture.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = userName, Email = email, DisplayName = "Test " + role, CreatedAt = fixture.Time.GetUtcNow() };
        Assert.True((await users.CreateAsync(user)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return Caller.For(user, role);
    }

    [Fact]
    public async Task Creating_a_customer_creates_their_login_in_the_same_transaction()
    {
        using var scope = fixture.Services.CreateScope();
        var input = ValidInput();
        input.Email = "Kavya.Nair@Example.com";

        var result = await Service(scope).CreateAsync(staff, input);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Select(p => p.Message)));
        await using var db = fixture.CreateContext();
        var customer = await db.Customers.Include(c => c.User).SingleAsync(c => c.Id == result.Value);
        Assert.Equal(input.Mobile, customer.User.UserName);
        Assert.Equal("kavya.nair@example.com", customer.Email);
        Assert.Equal("kavya.nair@example.com", customer.User.Email);
        Assert.Null(customer.User.PasswordHash);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.True(await users.IsInRoleAsync(customer.User, Roles.Customer));
        Assert.Equal(1, customer.StopOrder);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.CustomerId == customer.Id && a.Action == AuditActions.CustomerCreated && a.ActorUserId == staff.UserId));
    }

    [Fact]
    public async Task When_the_customer_insert_fails_no_login_is_left_behind()
    {
        await using (var db = fixture.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("""
                CREATE OR REPLACE FUNCTION test_refuse_customer() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'refused for the test'; END $$ LANGUAGE plpgsql;
                CREATE TRIGGER test_refuse_customer BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION test_refuse_customer();
                """);
        }
        var mobile = NewMobile();
        try
        {
            using var scope = fixture.Services.CreateScope();
            var failure = await Assert.ThrowsAsync<DbUpdateException>(() => Service(scope).CreateAsync(staff, ValidInput(mobile)));
            Assert.Equal("P0001", Assert.IsType<PostgresException>(failure.InnerException).SqlState);
        }
        finally
        {
            await using var db = fixture.CreateContext();
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER test_refuse_customer ON customers; DROP FUNCTION test_refuse_customer();");
        }

        await using var check = fixture.CreateContext();
        Assert.False(await check.Users.AnyAsync(u => u.UserName == mobile));
        Assert.False(await check.Customers.AnyAsync(c => c.Mobile == mobile));
    }

    [Fact]
    public async Task A_mobile_number_is_normalised_before_it_is_saved()
    {
        using var scope = fixture.Services.CreateScope();
        var mobile = NewMobile();
        var input = ValidInput($"+91 {mobile[..5]} {mobile[5..]}");

        var result = await Service(scope).CreateAsync(staff, input);

        Assert.True(result.Succeeded);
        await using var db = fixture.CreateContext();
        Assert.Equal(mobile, (await db.Customers.SingleAsync(c => c.Id == result.Value)).Mobile);
    }

    [Fact]
    public async Task A_mobile_used_by_another_customer_or_user_is_refused_next_to_the_field_and_nothing_is_saved()
    {
        using var scope = fixture.Services.CreateScope();
        var service = Service(scope);
        var taken = ValidInput();
        Assert.True((await service.CreateAsync(staff, taken)).Succeeded);
        var userMobile = NewMobile();
        await CreateUserAsync(userMobile, Roles.DeliveryAgent);
        await using var db = fixture.CreateContext();
        var usersBefore = await db.Users.CountAsync();

        var again = await service.CreateAsync(staff, ValidInput(taken.Mobile));
        var agentsMobile = await service.CreateAsync(staff, ValidInput(userMobile));

        Assert.Equal("This mobile number is already used by another account.", again.ErrorFor(nameof(CustomerInput.Mobile)));
        Assert.Equal("This mobile number is already used by another account.", agentsMobile.ErrorFor(nameof(CustomerInput.Mobile)));
        Assert.Equal(usersBefore, await db.Users.CountAsync());
        Assert.Equal(1, await db.Customers.CountAsync(c => c.Mobile == taken.Mobile));
    }

    [Fact]
    public async Task An_email_used_by_another_account_is_refused()
    {
        using var scope = fixture.Services.CreateScope();
        var service = Service(scope);
        var first = ValidInput();
        first.Email = $"{Guid.NewGuid():N}@example.com";
        Assert.True((await service.CreateAsync(staff, first)).Succeeded);

        var second = ValidInput();
        second.Email = first.Email.ToUpperInvariant();
        var result = await service.CreateAsync(staff, second);

        Assert.Equal("This email is already used by another account.", result.ErrorFor(nameof(CustomerInput.Email)));
        await using var db = fixture.CreateContext();
        Assert.False(await db.Customers.AnyAsync(c => c.Mobile == second.Mobile));
    }

    [Fact]
    public async Task Bad_input_gets_a_message_for_each_field_and_saves_nothing()
    {
        using var scope = fixture.Services.CreateScope();
        var input = new CustomerInput { Name = "", Mobile = "12345", Email = "not-an-email", AddressLine = "", Area = "", City = "", PinCode = "012345", StopOrder = 3 };

        var result = await Service(scope).CreateAsync(staff, input);

        Assert.False(result.Succeeded);
        Assert.Equal("Enter the customer's name.", result.ErrorFor(nameof(CustomerInput.Name)));
        Assert.Equal("Enter a 10-digit Indian mobile number, e.g. 98765 43210.", result.ErrorFor(nameof(CustomerInput.Mobile)));
        Assert.Equal("Enter a valid email, or leave it empty.", result.ErrorFor(nameof(CustomerInput.Email)));
        Assert.Equal("A PIN code is 6 digits and does not start with 0.", result.ErrorFor(nameof(CustomerInput.PinCode)));
        Assert.Equal("Choose a route before giving a stop number.", result.ErrorFor(nameof(CustomerInput.StopOrder)));
        await using var db = fixture.CreateContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == "12345"));
    }

    [Fact]
    public async Task An_existing_customer_login_without_a_customer_is_linked_instead_of_creating_a_second_login()
    {
        var orphan = await CreateUserAsync($"orphan-{Guid.NewGuid():N}", Roles.Customer);
        using var scope = fixture.Services.CreateScope();
        await using var db = fixture.CreateContext();
        var usersBefore = await db.Users.CountAsync();
        var candidates = await Service(scope).LinkCandidatesAsync(staff);
        Assert.Contains(candidates, c => c.UserId == orphan.UserId);
        var input = ValidInput();
        input.ExistingUserId = orphan.UserId;

        var result = await Service(scope).CreateAsync(staff, input);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal(usersBefore, await db.Users.CountAsync());
        var customer = await db.Customers.Include(c => c.User).SingleAsync(c => c.Id == result.Value);
        Assert.Equal(orphan.UserId, customer.UserId);
        Assert.Equal(input.Mobile, customer.User.UserName);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.CustomerId == customer.Id && a.Action == AuditActions.AccountLinked));
        Assert.DoesNotContain(await Service(scope).LinkCandidatesAsync(staff), c => c.UserId == orphan.UserId);
    }

    [Fact]
    public async Task A_staff_login_cannot_be_linked_to_a_customer()
    {
        var other = await CreateUserAsync($"other-staff-{Guid.NewGuid():N}", Roles.Staff);
        using var scope = fixture.Services.CreateScope();
        var input = ValidInput();
        input.ExistingUserId = other.UserId;

        var result = await Service(scope).CreateAsync(staff, input);

        Assert.NotNull(result.ErrorFor(nameof(CustomerInput.ExistingUserId)));
        await using var db = fixture.CreateContext();
        Assert.False(await db.Customers.AnyAsync(c => c.UserId == other.UserId));
    }

    [Fact]
    public async Task An_activation_link_lets_the_customer_set_a_password_once_and_sign_in_with_mobile_or_email()
    {
        using var scope = fixture.Services.CreateScope();
        var service = Service(scope);
        var input = ValidInput();
        input.Email = $"{Guid.NewGuid():N}@example.com";
        var id = (await service.CreateAsync(staff, input)).Value;

        var link = await service.CreateActivationLinkAsync(staff, id);

        Assert.True(link.Succeeded);
        Assert.Equal(fixture.Time.GetUtcNow().AddDays(7), link.Value!.ExpiresAt);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + link.Value.RelativeUrl).Query);
        var activated = await service.ActivateAsync(query["user"]!, query["code"]!, "a long enough secret");
        Assert.True(activated.Succeeded, string.Join("; ", activated.Problems.Select(p => p.Message)));
        Assert.Equal(input.Mobile, activated.Value);

        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var byMobile = await users.FindByNameAsync(input.Mobile);
        var byEmail = await users.FindByEmailAsync(input.Email);
        Assert.NotNull(byMobile);
        Assert.Equal(byMobile.Id, byEmail?.Id);
        Assert.True(await users.CheckPasswordAsync(byMobile, "a long enough secret"));

        var reused = await service.ActivateAsync(query["user"]!, query["code"]!, "another password");
        Assert.Equal("This link has expired or has already been used. Ask the office for a new one.", reused.GeneralError);
        Assert.True(await users.CheckPasswordAsync(byMobile, "a long enough secret"));
    }

    [Fact]
    public async Task An_activation_link_stops_working_after_its_lifetime()
    {
        await using var services = TestServices.Build(fixture.Database, fixture.Time,
            s => s.Configure<PortalOptions>(o => o.ActivationLinkDays = 0));
        using var scope = services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<CustomerService>();
        var id = (await service.CreateAsync(staff, ValidInput())).Value;
        var link = (await service.CreateActivationLinkAsync(staff, id)).Value!;
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + link.RelativeUrl).Query);

        var result = await service.ActivateAsync(query["user"]!, query["code"]!, "a long enough secret");

        Assert.Equal("This link has expired or has already been used. Ask the office for a new one.", result.GeneralError);
        await using var db = fixture.CreateContext();
        Assert.Null((await db.Customers.Include(c => c.User).SingleAsync(c => c.Id == id)).User.PasswordHash);
    }

    [Fact]
    public async Task A_tampered_activation_code_changes_nothing()
    {
        using var scope = fixture.Services.CreateScope();
        var service = Service(scope);
        var id = (await service.CreateAsync(staff, ValidInput())).Value;
        await using var db = fixture.CreateContext();
        var userId = (await db.Customers.SingleAsync(c => c.Id == id)).UserId;

        var result = await service.ActivateAsync(userId, "bm90LWEtdG9rZW4", "a long enough secret");

        Assert.NotNull(result.GeneralError);
        Assert.Null((await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId)).PasswordHash);
    }

    [Fact]
    public async Task An_initial_password_must_be_changed_at_first_sign_in()
    {
        using var scope = fixture.Services.CreateScope();
        var service = Service(scope);
        var id = (await service.CreateAsync(staff, ValidInput())).Value;

        var tooShort = await service.SetInitialPasswordAsync(staff, id, "short");
        var result = await service.SetInitialPasswordAsync(staff, id, "first-password");

        Assert.NotNull(tooShort.ErrorFor("Password"));
        Assert.True(result.Succeeded);
        await using var db = fixture.CreateContext();
        var user = (await db.Customers.Include(c => c.User).SingleAsync(c => c.Id == id)).User;
        Assert.True(user.MustChangePassword);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.True(await users.CheckPasswordAsync(user, "first-password"));
    }

    [Fact]
    public async Task Deactivating_disables_the_login_keeps_the_customer_and_changes_the_security_stamp()
    {
        using var scope = fixture.Services.CreateScope();
        var service = Service(scope);
        var id = (await service.CreateAsync(staff, ValidInput())).Value;
        await using var db = fixture.CreateContext();
        var stampBefore = (await db.Customers.Include(c => c.User).AsNoTracking().SingleAsync(c => c.Id == id)).User.SecurityStamp;

        Assert.True((await service.DeactivateAsync(staff, id)).Succeeded);

        var customer = await db.Customers.Include(c => c.User).AsNoTracking().SingleAsync(c => c.Id == id);
        Assert.Equal(CustomerStatus.Inactive, customer.Status);
        Assert.True(customer.User.IsDisabled);
        Assert.NotEqual(stampBefore, customer.User.SecurityStamp);
        Assert.Equal(AccountState.Disabled, (await service.GetAsync(staff, id))!.Account);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.CustomerId == id && a.Action == AuditActions.CustomerDeactivated));

        Assert.True((await service.ReactivateAsync(staff, id)).Succeeded);
        Assert.False((await db.Users.AsNoTracking().SingleAsync(u => u.Id == customer.UserId)).IsDisabled);
    }

    [Fact]
    public async Task Unlocking_clears_a_lockout()
    {
        using var scope = fixture.Services.CreateScope();
        var service = Service(scope);
        var id = (await service.CreateAsync(staff, ValidInput())).Value;
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        await using (var db = fixture.CreateContext())
        {
            var userId = (await db.Customers.SingleAsync(c => c.Id == id)).UserId;
            var user = (await users.FindByIdAsync(userId))!;
            await users.SetLockoutEndDateAsync(user, fixture.Time.GetUtcNow().AddMinutes(15));
        }
        Assert.Equal(AccountState.Locked, (await service.GetAsync(staff, id))!.Account);

        Assert.True((await service.UnlockAsync(staff, id)).Succeeded);

        Assert.NotEqual(AccountState.Locked, (await service.GetAsync(staff, id))!.Account);
    }

    [Fact]
    public async Task Editing_changes_the_login_too_and_audits_before_and_after()
    {
        using var scope = fixture.Services.CreateScope();
        var service = Service(scope);
        var id = (await service.CreateAsync(staff, ValidInput())).Value;
        var input = CustomerInput.From((await service.GetAsync(staff, id))!);
        var newMobile = NewMobile();
        input.Mobile = newMobile;
        input.Area = "Basavanagudi";

        var result = await service.UpdateAsync(staff, id, input);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Select(p => p.Message)));
        await using var db = fixture.CreateContext();
        var customer = await db.Customers.Include(c => c.User).SingleAsync(c => c.Id == id);
        Assert.Equal(newMobile, customer.User.UserName);
        var entry = await db.AuditEntries.SingleAsync(a => a.CustomerId == id && a.Action == AuditActions.CustomerEdited);
        Assert.Contains("Jayanagar", entry.Before);
        Assert.Contains("Basavanagudi", entry.After);
        Assert.DoesNotContain("Bengaluru", entry.After);
    }

    [Fact]
    public async Task The_second_of_two_people_editing_a_customer_is_told_to_reload()
    {
        using var scope = fixture.Services.CreateScope();
        var service = Service(scope);
        var id = (await service.CreateAsync(staff, ValidInput())).Value;
        var first = CustomerInput.From((await service.GetAsync(staff, id))!);
        var second = CustomerInput.From((await service.GetAsync(staff, id))!);
        first.Name = "Kavya N";
        second.Name = "Kavya Nair-Rao";

        Assert.True((await service.UpdateAsync(staff, id, first)).Succeeded);
        var stale = await service.UpdateAsync(staff, id, second);

        Assert.Equal(ConcurrencyMessages.ChangedBySomeoneElse, stale.GeneralError);
        await using var db = fixture.CreateContext();
        Assert.Equal("Kavya N", (await db.Customers.SingleAsync(c => c.Id == id)).Name);
    }

    [Fact]
    public async Task The_grid_query_searches_filters_sorts_and_pages_in_the_database()
    {
        using var scope = fixture.Services.CreateScope();
        var service = Service(scope);
        var tag = Guid.NewGuid().ToString("N")[..6];
        foreach (var name in new[] { "Anil", "Bhavna", "Chitra" })
        {
            var input = ValidInput();
            input.Name = $"{name} {tag}";
            input.Area = $"Area{tag}";
            Assert.True((await service.CreateAsync(staff, input)).Succeeded);
        }

        var byName = await service.SearchAsync(staff, new CustomerQuery(Search: tag, SortBy: CustomerSort.Name, Descending: true, PageSize: 2));
        var byArea = await service.SearchAsync(staff, new CustomerQuery(Search: $"area{tag}", Page: 1, PageSize: 2));
        var withoutPassword = await service.SearchAsync(staff, new CustomerQuery(Search: tag, WithoutPassword: true));
        var otherRoute = await service.SearchAsync(staff, new CustomerQuery(Search: tag, WithoutRoute: true));

        Assert.Equal(3, byName.Total);
        Assert.Equal([$"Chitra {tag}", $"Bhavna {tag}"], byName.Rows.Select(r => r.Name));
        Assert.Equal(3, byArea.Total);
        Assert.Single(byArea.Rows);
        Assert.Equal(3, withoutPassword.Total);
        Assert.Equal(0, otherRoute.Total);
    }

    [Fact]
    public async Task Customers_and_agents_cannot_use_the_office_customer_service()
    {
        var customer = await CreateUserAsync($"c-{Guid.NewGuid():N}", Roles.Customer);
        var agent = await CreateUserAsync($"a-{Guid.NewGuid():N}", Roles.DeliveryAgent);
        using var scope = fixture.Services.CreateScope();
        var service = Service(scope);

        foreach (var caller in new[] { customer, agent })
        {
            await Assert.ThrowsAsync<AccessDeniedException>(() => service.CreateAsync(caller, ValidInput()));
            await Assert.ThrowsAsync<AccessDeniedException>(() => service.SearchAsync(caller, new CustomerQuery()));
            await Assert.ThrowsAsync<AccessDeniedException>(() => service.GetAsync(caller, 1));
            await Assert.ThrowsAsync<AccessDeniedException>(() => service.CreateActivationLinkAsync(caller, 1));
            await Assert.ThrowsAsync<AccessDeniedException>(() => service.DeactivateAsync(caller, 1));
        }
    }
}
