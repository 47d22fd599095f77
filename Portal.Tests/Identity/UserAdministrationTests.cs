using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Identity;

public sealed class UserAdministrationTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private const string GoodPassword = "first-day-2026";

    private Caller admin = null!;

    public async Task InitializeAsync() => admin = await AdminAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private UserAdministration Service(IServiceScope scope) => scope.ServiceProvider.GetRequiredService<UserAdministration>();

    private async Task<Caller> AdminAsync()
    {
        await using var db = fixture.CreateContext();
        return Caller.For(await TestData.AddUserAsync(db, Roles.Admin), Roles.Admin);
    }

    private async Task<PortalUser> UserAsync(string role)
    {
        await using var db = fixture.CreateContext();
        return await TestData.AddUserAsync(db, role);
    }

    private static NewUserInput NewUser(params string[] roles)
    {
        var n = TestData.Next();
        return new NewUserInput
        {
            DisplayName = $"Lakshmi Rao {n}",
            Email = $"Lakshmi.Rao.{n}@Dairy.Example",
            Mobile = "+91 98450 12345",
            Roles = roles.ToHashSet(StringComparer.Ordinal),
            Password = GoodPassword,
        };
    }

    private async Task<List<string>> RolesOfAsync(string userId)
    {
        await using var db = fixture.CreateContext();
        return await db.UserRoles.Where(ur => ur.UserId == userId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name!)
            .OrderBy(n => n)
            .ToListAsync();
    }

    private async Task<List<AuditEntry>> AuditOfAsync(string userId)
    {
        await using var db = fixture.CreateContext();
        return await db.AuditEntries.Where(a => a.EntityType == UserAdministration.EntityType && a.EntityId == userId).OrderBy(a => a.Id).ToListAsync();
    }

    private static string Messages<T>(Result<T> result) => string.Join("; ", result.Problems.Select(p => $"{p.Field}: {p.Message}"));

    [Theory]
    [InlineData(Roles.Admin)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Staff)]
    [InlineData(Roles.DeliveryAgent)]
    public async Task An_admin_creates_an_account_that_signs_in_with_its_email_and_must_change_its_password(string role)
    {
        using var scope = fixture.Services.CreateScope();
        var input = NewUser(role);

        var result = await Service(scope).CreateAsync(admin, input);

        Assert.True(result.Succeeded, Messages(result));
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByNameAsync(input.Email.ToLowerInvariant());
        Assert.NotNull(user);
        Assert.Equal(result.Value, user.Id);
        Assert.Equal(input.Email.ToLowerInvariant(), user.Email);
        Assert.Equal("9845012345", user.PhoneNumber);
        Assert.Equal(input.DisplayName, user.DisplayName);
        Assert.True(user.MustChangePassword);
        Assert.False(user.IsDisabled);
        Assert.True(await users.CheckPasswordAsync(user, GoodPassword));
        Assert.Equal([role], await RolesOfAsync(user.Id));
        var entry = Assert.Single(await AuditOfAsync(user.Id));
        Assert.Equal(AuditActions.UserCreated, entry.Action);
        Assert.Equal(admin.UserId, entry.ActorUserId);
        Assert.Null(entry.CustomerId);
    }

    [Fact]
    public async Task An_account_can_be_given_several_roles_at_once()
    {
        using var scope = fixture.Services.CreateScope();

        var result = await Service(scope).CreateAsync(admin, NewUser(Roles.Staff, Roles.DeliveryAgent));

        Assert.True(result.Succeeded, Messages(result));
        Assert.Equal([Roles.DeliveryAgent, Roles.Staff], await RolesOfAsync(result.Value!));
    }

    [Fact]
    public async Task Creating_a_customer_login_here_is_refused_and_nothing_is_created()
    {
        using var scope = fixture.Services.CreateScope();
        var input = NewUser(Roles.Customer);

        var result = await Service(scope).CreateAsync(admin, input);

        Assert.False(result.Succeeded);
        Assert.Equal(AssignableRoles.CustomerRoleMessage, result.ErrorFor(nameof(NewUserInput.Roles)));
        await using var db = fixture.CreateContext();
        Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == input.Email.ToUpperInvariant()));
    }

    [Fact]
    public async Task An_email_already_used_by_another_account_is_refused_next_to_the_email_field()
    {
        using var scope = fixture.Services.CreateScope();
        var first = NewUser(Roles.Staff);
        Assert.True((await Service(scope).CreateAsync(admin, first)).Succeeded);
        var second = NewUser(Roles.Manager);
        second.Email = "  " + first.Email.ToUpperInvariant() + " ";

        var result = await Service(scope).CreateAsync(admin, second);

        Assert.False(result.Succeeded);
        Assert.Equal("This email is already used by another account.", result.ErrorFor(nameof(NewUserInput.Email)));
        await using var db = fixture.CreateContext();
        Assert.False(await db.Users.AnyAsync(u => u.DisplayName == second.DisplayName));
    }

    [Fact]
    public async Task A_customers_email_cannot_be_used_for_an_office_account()
    {
        var email = $"household{TestData.Next()}@example.com";
        await using (var db = fixture.CreateContext())
        {
            await TestData.AddCustomerAsync(db, email: email);
        }
        using var scope = fixture.Services.CreateScope();
        var input = NewUser(Roles.Staff);
        input.Email = email;

        var result = await Service(scope).CreateAsync(admin, input);

        Assert.Equal("This email is already used by another account.", result.ErrorFor(nameof(NewUserInput.Email)));
    }

    [Fact]
    public async Task A_seven_character_password_is_refused_next_to_the_password_field()
    {
        using var scope = fixture.Services.CreateScope();
        var input = NewUser(Roles.Staff);
        input.Password = "abc1234";

        var result = await Service(scope).CreateAsync(admin, input);

        Assert.False(result.Succeeded);
        Assert.NotNull(result.ErrorFor(nameof(NewUserInput.Password)));
        Assert.Contains("8", result.ErrorFor(nameof(NewUserInput.Password)), StringComparison.Ordinal);
        await using var db = fixture.CreateContext();
        Assert.False(await db.Users.AnyAsync(u => u.DisplayName == input.DisplayName));
    }

    [Fact]
    public async Task Missing_name_bad_email_bad_mobile_and_no_role_are_each_refused_next_to_their_field()
    {
        using var scope = fixture.Services.CreateScope();
        var input = new NewUserInput { DisplayName = " ", Email = "not-an-email", Mobile = "12345", Password = GoodPassword };

        var result = await Service(scope).CreateAsync(admin, input);

        Assert.NotNull(result.ErrorFor(nameof(NewUserInput.DisplayName)));
        Assert.NotNull(result.ErrorFor(nameof(NewUserInput.Email)));
        Assert.NotNull(result.ErrorFor(nameof(NewUserInput.Mobile)));
        Assert.Equal("Choose at least one role.", result.ErrorFor(nameof(NewUserInput.Roles)));
    }

    [Fact]
    public async Task Changing_roles_writes_one_audit_entry_with_the_roles_before_and_after()
    {
        var user = await UserAsync(Roles.Staff);
        using var scope = fixture.Services.CreateScope();

        var result = await Service(scope).ChangeRolesAsync(admin, user.Id, new RolesInput { Roles = [Roles.Manager, Roles.DeliveryAgent] });

        Assert.True(result.Succeeded, Messages(result));
        Assert.Equal([Roles.DeliveryAgent, Roles.Manager], await RolesOfAsync(user.Id));
        var entry = Assert.Single(await AuditOfAsync(user.Id));
        Assert.Equal(AuditActions.RolesChanged, entry.Action);
        Assert.Equal(admin.UserId, entry.ActorUserId);
        Assert.Null(entry.CustomerId);
        Assert.Equal([Roles.Staff], JsonDocument.Parse(entry.Before!).RootElement.GetProperty("Roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal([Roles.Manager, Roles.DeliveryAgent], JsonDocument.Parse(entry.After!).RootElement.GetProperty("Roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("Staff → Manager, Delivery agent", entry.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_roles_signs_the_person_out_of_open_pages()
    {
        var user = await UserAsync(Roles.Staff);
        using var scope = fixture.Services.CreateScope();

        Assert.True((await Service(scope).ChangeRolesAsync(admin, user.Id, new RolesInput { Roles = [Roles.Manager] })).Succeeded);

        await using var db = fixture.CreateContext();
        Assert.NotEqual(user.SecurityStamp, await db.Users.Where(u => u.Id == user.Id).Select(u => u.SecurityStamp).SingleAsync());
    }

    [Fact]
    public async Task Saving_the_same_roles_changes_nothing_and_writes_no_audit_entry()
    {
        var user = await UserAsync(Roles.Staff);
        using var scope = fixture.Services.CreateScope();

        var result = await Service(scope).ChangeRolesAsync(admin, user.Id, new RolesInput { Roles = [Roles.Staff] });

        Assert.True(result.Succeeded);
        Assert.Empty(await AuditOfAsync(user.Id));
    }

    [Fact]
    public async Task An_admin_cannot_remove_their_own_Admin_role_and_nothing_changes()
    {
        using var scope = fixture.Services.CreateScope();

        var result = await Service(scope).ChangeRolesAsync(admin, admin.UserId, new RolesInput { Roles = [Roles.Manager] });

        Assert.Equal("You cannot remove your own Admin role. Ask another admin to do it.", result.ErrorFor(nameof(RolesInput.Roles)));
        Assert.Equal([Roles.Admin], await RolesOfAsync(admin.UserId));
        Assert.Empty(await AuditOfAsync(admin.UserId));
    }

    [Fact]
    public async Task An_admin_may_add_a_role_to_themselves_while_keeping_Admin()
    {
        var self = await AdminAsync();
        using var scope = fixture.Services.CreateScope();

        var result = await Service(scope).ChangeRolesAsync(self, self.UserId, new RolesInput { Roles = [Roles.Admin, Roles.DeliveryAgent] });

        Assert.True(result.Succeeded, Messages(result));
        Assert.Equal([Roles.Admin, Roles.DeliveryAgent], await RolesOfAsync(self.UserId));
    }

    [Fact]
    public async Task The_Customer_role_cannot_be_given_here()
    {
        var user = await UserAsync(Roles.Staff);
        using var scope = fixture.Services.CreateScope();

        var result = await Service(scope).ChangeRolesAsync(admin, user.Id, new RolesInput { Roles = [Roles.Staff, Roles.Customer] });

        Assert.Equal(AssignableRoles.CustomerRoleMessage, result.ErrorFor(nameof(RolesInput.Roles)));
        Assert.Equal([Roles.Staff], await RolesOfAsync(user.Id));
    }

    [Fact]
    public async Task A_customers_login_keeps_its_Customer_role_and_the_audit_entry_names_the_customer()
    {
        Customer customer;
        await using (var db = fixture.CreateContext())
        {
            customer = await TestData.AddCustomerAsync(db);
        }
        using var scope = fixture.Services.CreateScope();

        var given = await Service(scope).ChangeRolesAsync(admin, customer.UserId, new RolesInput { Roles = [Roles.DeliveryAgent] });
        var taken = await Service(scope).ChangeRolesAsync(admin, customer.UserId, new RolesInput { Roles = [] });

        Assert.True(given.Succeeded, Messages(given));
        Assert.True(taken.Succeeded, Messages(taken));
        Assert.Equal([Roles.Customer], await RolesOfAsync(customer.UserId));
        var entries = await AuditOfAsync(customer.UserId);
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(customer.Id, e.CustomerId));
    }

    [Fact]
    public async Task An_office_account_cannot_be_left_without_any_role()
    {
        var user = await UserAsync(Roles.Staff);
        using var scope = fixture.Services.CreateScope();

        var result = await Service(scope).ChangeRolesAsync(admin, user.Id, new RolesInput { Roles = [] });

        Assert.NotNull(result.ErrorFor(nameof(RolesInput.Roles)));
        Assert.Equal([Roles.Staff], await RolesOfAsync(user.Id));
    }

    [Fact]
    public async Task Roles_changed_by_another_admin_since_the_form_opened_are_not_overwritten()
    {
        var user = await UserAsync(Roles.Staff);
        using var scope = fixture.Services.CreateScope();
        var other = await AdminAsync();
        Assert.True((await Service(scope).ChangeRolesAsync(other, user.Id, new RolesInput { Roles = [Roles.Manager] })).Succeeded);

        var result = await Service(scope).ChangeRolesAsync(admin, user.Id,
            new RolesInput { Roles = [Roles.Staff, Roles.DeliveryAgent], Before = [Roles.Staff] });

        Assert.Equal(ConcurrencyMessages.ChangedBySomeoneElse, result.GeneralError);
        Assert.Equal([Roles.Manager], await RolesOfAsync(user.Id));
    }

    [Fact]
    public async Task An_admin_cannot_disable_themselves()
    {
        using var scope = fixture.Services.CreateScope();
        await using var before = fixture.CreateContext();
        var stamp = await before.Users.Where(u => u.Id == admin.UserId).Select(u => u.SecurityStamp).SingleAsync();

        var result = await Service(scope).DisableAsync(admin, admin.UserId);

        Assert.Equal("You cannot disable your own account. Ask another admin to do it.", result.GeneralError);
        await using var db = fixture.CreateContext();
        var user = await db.Users.SingleAsync(u => u.Id == admin.UserId);
        Assert.False(user.IsDisabled);
        Assert.Equal(stamp, user.SecurityStamp);
        Assert.Empty(await AuditOfAsync(admin.UserId));
    }

    [Fact]
    public async Task Disabling_marks_the_account_disabled_and_changes_its_security_stamp()
    {
        var user = await UserAsync(Roles.Staff);
        using var scope = fixture.Services.CreateScope();

        var result = await Service(scope).DisableAsync(admin, user.Id);

        Assert.True(result.Succeeded, Messages(result));
        await using var db = fixture.CreateContext();
        var saved = await db.Users.SingleAsync(u => u.Id == user.Id);
        Assert.True(saved.IsDisabled);
        Assert.NotEqual(user.SecurityStamp, saved.SecurityStamp);
        var entry = Assert.Single(await AuditOfAsync(user.Id));
        Assert.Equal(AuditActions.UserDisabled, entry.Action);
        Assert.Null(entry.CustomerId);
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_until_it_is_enabled_again()
    {
        var user = await UserAsync(Roles.DeliveryAgent);
        using var scope = fixture.Services.CreateScope();
        Assert.True((await Service(scope).DisableAsync(admin, user.Id)).Succeeded);
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.False(await signIn.CanSignInAsync((await users.FindByIdAsync(user.Id))!));

        var result = await Service(scope).EnableAsync(admin, user.Id);

        Assert.True(result.Succeeded, Messages(result));
        using var fresh = fixture.Services.CreateScope();
        var reloaded = await fresh.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(user.Id);
        Assert.False(reloaded!.IsDisabled);
        Assert.True(await fresh.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>().CanSignInAsync(reloaded));
        Assert.Equal([AuditActions.UserDisabled, AuditActions.UserEnabled], (await AuditOfAsync(user.Id)).Select(a => a.Action));
    }

    [Fact]
    public async Task A_deactivated_customers_login_is_not_enabled_from_the_users_page()
    {
        Customer customer;
        await using (var db = fixture.CreateContext())
        {
            customer = await TestData.AddCustomerAsync(db);
            customer.Status = CustomerStatus.Inactive;
            await db.Users.Where(u => u.Id == customer.UserId).ExecuteUpdateAsync(set => set.SetProperty(u => u.IsDisabled, true));
            await db.SaveChangesAsync();
        }
        using var scope = fixture.Services.CreateScope();

        var result = await Service(scope).EnableAsync(admin, customer.UserId);

        Assert.False(result.Succeeded);
        Assert.Contains("Reactivate the customer", result.GeneralError, StringComparison.Ordinal);
        await using var check = fixture.CreateContext();
        Assert.True(await check.Users.Where(u => u.Id == customer.UserId).Select(u => u.IsDisabled).SingleAsync());
    }

    [Fact]
    public async Task Unlocking_clears_the_lockout_and_the_failed_attempts()
    {
        var user = await UserAsync(Roles.Staff);
        await using (var db = fixture.CreateContext())
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set
                .SetProperty(u => u.LockoutEnd, fixture.Time.GetUtcNow().AddMinutes(12))
                .SetProperty(u => u.AccessFailedCount, 4));
        }
        using var scope = fixture.Services.CreateScope();

        var result = await Service(scope).UnlockAsync(admin, user.Id);

        Assert.True(result.Succeeded, Messages(result));
        await using var check = fixture.CreateContext();
        var saved = await check.Users.SingleAsync(u => u.Id == user.Id);
        Assert.Null(saved.LockoutEnd);
        Assert.Equal(0, saved.AccessFailedCount);
        var entry = Assert.Single(await AuditOfAsync(user.Id));
        Assert.Equal(AuditActions.AccountUnlocked, entry.Action);
    }

    [Fact]
    public async Task Unlocking_a_customers_login_names_the_customer_in_the_audit_entry()
    {
        Customer customer;
        await using (var db = fixture.CreateContext())
        {
            customer = await TestData.AddCustomerAsync(db);
            await db.Users.Where(u => u.Id == customer.UserId)
                .ExecuteUpdateAsync(set => set.SetProperty(u => u.LockoutEnd, fixture.Time.GetUtcNow().AddMinutes(5)));
        }
        using var scope = fixture.Services.CreateScope();

        Assert.True((await Service(scope).UnlockAsync(admin, customer.UserId)).Succeeded);

        Assert.Equal(customer.Id, Assert.Single(await AuditOfAsync(customer.UserId)).CustomerId);
    }

    [Fact]
    public async Task The_list_shows_office_accounts_with_their_roles_and_state_and_leaves_out_customer_logins()
    {
        var tag = $"Zq{TestData.Next()}";
        PortalUser agent, staff;
        Customer customer;
        await using (var db = fixture.CreateContext())
        {
            agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent, password: GoodPassword);
            staff = await TestData.AddUserAsync(db, Roles.Staff);
            customer = await TestData.AddCustomerAsync(db, name: $"{tag} Household");
            agent.DisplayName = $"{tag} Agent";
            agent.LastSignInAt = fixture.Time.GetUtcNow().AddDays(-1);
            agent.LockoutEnd = fixture.Time.GetUtcNow().AddMinutes(10);
            staff.DisplayName = $"{tag} Staff";
            staff.IsDisabled = true;
            await db.Users.Where(u => u.Id == customer.UserId).ExecuteUpdateAsync(set => set.SetProperty(u => u.DisplayName, $"{tag} Household"));
            await db.SaveChangesAsync();
        }
        using var scope = fixture.Services.CreateScope();

        var office = await Service(scope).ListAsync(admin, new UserQuery(Search: tag));
        var everyone = await Service(scope).ListAsync(admin, new UserQuery(Search: tag, IncludeCustomers: true));
        var agents = await Service(scope).ListAsync(admin, new UserQuery(Search: tag, Role: Roles.DeliveryAgent));

        Assert.Equal([$"{tag} Agent", $"{tag} Staff"], office.Rows.Select(r => r.DisplayName));
        Assert.Equal(2, office.Total);
        Assert.Equal(3, everyone.Total);
        Assert.Equal(agent.Id, Assert.Single(agents.Rows).Id);
        var agentRow = office.Rows[0];
        Assert.Equal([Roles.DeliveryAgent], agentRow.Roles);
        Assert.True(agentRow.HasPassword);
        Assert.Equal(fixture.Time.GetUtcNow().AddMinutes(10), agentRow.LockedOutUntil);
        Assert.Equal(fixture.Time.GetUtcNow().AddDays(-1), agentRow.LastSignInAt);
        var staffRow = office.Rows[1];
        Assert.True(staffRow.IsDisabled);
        Assert.False(staffRow.HasPassword);
        Assert.Null(staffRow.LockedOutUntil);
        var customerRow = everyone.Rows.Single(r => r.Id == customer.UserId);
        Assert.Equal(customer.Id, customerRow.CustomerId);
        Assert.Equal([Roles.Customer], customerRow.Roles);
    }

    [Fact]
    public async Task The_list_pages_and_sorts_on_the_server()
    {
        var tag = $"Pg{TestData.Next()}";
        await using (var db = fixture.CreateContext())
        {
            foreach (var letter in "EDCBA")
            {
                var user = await TestData.AddUserAsync(db, Roles.Staff);
                user.DisplayName = $"{tag} {letter}";
            }
            await db.SaveChangesAsync();
        }
        using var scope = fixture.Services.CreateScope();

        var second = await Service(scope).ListAsync(admin, new UserQuery(Page: 1, PageSize: 2, Search: tag));
        var descending = await Service(scope).ListAsync(admin, new UserQuery(PageSize: 2, Search: tag, Descending: true));

        Assert.Equal(5, second.Total);
        Assert.Equal([$"{tag} C", $"{tag} D"], second.Rows.Select(r => r.DisplayName));
        Assert.Equal([$"{tag} E", $"{tag} D"], descending.Rows.Select(r => r.DisplayName));
    }

    public static TheoryData<string> NotAdmins => [Roles.Manager, Roles.Staff, Roles.DeliveryAgent, Roles.Customer];

    [Theory]
    [MemberData(nameof(NotAdmins))]
    public async Task Anyone_but_an_admin_is_denied_every_method(string role)
    {
        var caller = Caller.For(await UserAsync(role), role);
        var target = await UserAsync(Roles.Staff);
        using var scope = fixture.Services.CreateScope();
        var service = Service(scope);

        await Assert.ThrowsAsync<AccessDeniedException>(() => service.ListAsync(caller, new UserQuery()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.CreateAsync(caller, NewUser(Roles.Staff)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.ChangeRolesAsync(caller, target.Id, new RolesInput { Roles = [Roles.Admin] }));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.DisableAsync(caller, target.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.EnableAsync(caller, target.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.UnlockAsync(caller, target.Id));
        Assert.Equal([Roles.Staff], await RolesOfAsync(target.Id));
        Assert.Empty(await AuditOfAsync(target.Id));
    }
}

/// <summary>The portal never ends up without an enabled admin. Each test has its own database, so "the last admin" is well defined.</summary>
public sealed class UserAdministrationLastAdminTests : IAsyncLifetime
{
    private string database = "";
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        services = TestServices.Build(database);
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await TestDatabase.DropAsync(database);
    }

    private PortalDbContext Context() => services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    /// <summary>The only enabled admin, and an admin whose account was disabled but whose page is still open.</summary>
    private async Task<(PortalUser LastAdmin, Caller DisabledAdmin)> AdminsAsync()
    {
        await using var db = Context();
        var last = await TestData.AddUserAsync(db, Roles.Admin);
        var disabled = await TestData.AddUserAsync(db, Roles.Admin);
        disabled.IsDisabled = true;
        await db.SaveChangesAsync();
        return (last, Caller.For(disabled, Roles.Admin));
    }

    [Fact]
    public async Task The_last_enabled_admin_cannot_be_disabled()
    {
        var (last, caller) = await AdminsAsync();
        using var scope = services.CreateScope();

        var result = await scope.ServiceProvider.GetRequiredService<UserAdministration>().DisableAsync(caller, last.Id);

        Assert.Contains("last enabled admin", result.GeneralError, StringComparison.Ordinal);
        await using var db = Context();
        Assert.False(await db.Users.Where(u => u.Id == last.Id).Select(u => u.IsDisabled).SingleAsync());
    }

    [Fact]
    public async Task The_last_enabled_admin_cannot_lose_the_Admin_role()
    {
        var (last, caller) = await AdminsAsync();
        using var scope = services.CreateScope();

        var result = await scope.ServiceProvider.GetRequiredService<UserAdministration>()
            .ChangeRolesAsync(caller, last.Id, new RolesInput { Roles = [Roles.Manager] });

        Assert.Contains("last enabled admin", result.ErrorFor(nameof(RolesInput.Roles)), StringComparison.Ordinal);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.True(await users.IsInRoleAsync((await users.FindByIdAsync(last.Id))!, Roles.Admin));
    }

    [Fact]
    public async Task With_a_second_enabled_admin_an_admin_can_be_demoted()
    {
        var (last, caller) = await AdminsAsync();
        await using (var db = Context())
        {
            await TestData.AddUserAsync(db, Roles.Admin);
        }
        using var scope = services.CreateScope();

        var result = await scope.ServiceProvider.GetRequiredService<UserAdministration>()
            .ChangeRolesAsync(caller, last.Id, new RolesInput { Roles = [Roles.Manager] });

        Assert.True(result.Succeeded, result.GeneralError);
    }
}
