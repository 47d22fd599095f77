using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Identity;
using Portal.Infrastructure;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Identity;

/// <summary>The portal's Identity settings: long-enough passwords without forced character classes, lockout, disabled accounts.</summary>
public sealed class IdentityRulesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Password = "dairy-morning";

    private static PortalUser NewUser(bool disabled = false)
    {
        var n = TestData.Next();
        return new PortalUser
        {
            UserName = $"identity{n}@portal.test",
            Email = $"identity{n}@portal.test",
            DisplayName = $"Identity {n}",
            IsDisabled = disabled,
            CreatedAt = TestData.Now,
        };
    }

    private async Task<PortalUser> CreateAsync(UserManager<PortalUser> users, bool disabled = false)
    {
        var user = NewUser(disabled);
        var result = await users.CreateAsync(user, Password);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        return user;
    }

    [Theory]
    [InlineData("abcdefg")]
    [InlineData("1234567")]
    [InlineData("")]
    public async Task A_password_shorter_than_eight_characters_is_refused(string password)
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = NewUser();

        var result = await users.CreateAsync(user, password);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Code == nameof(IdentityErrorDescriber.PasswordTooShort));
        Assert.Null(await users.FindByNameAsync(user.UserName!));
    }

    [Theory]
    [InlineData("abcdefgh")]
    [InlineData("aaaaaaaa")]
    [InlineData("12345678")]
    [InlineData("दूध और दही")]
    public async Task Any_password_of_eight_characters_is_accepted_without_forced_character_classes(string password)
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = NewUser();

        var result = await users.CreateAsync(user, password);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        Assert.True(await users.CheckPasswordAsync(user, password));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes()
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>();
        var user = await CreateAsync(users);
        Assert.True(user.LockoutEnabled);

        for (var attempt = 1; attempt < IdentitySetup.MaxFailedAttempts; attempt++)
        {
            var failed = await signIn.PasswordSignInAsync(user, "wrong-password", isPersistent: false, lockoutOnFailure: true);
            Assert.False(failed.Succeeded);
            Assert.False(failed.IsLockedOut, $"Locked out after only {attempt} wrong passwords.");
        }
        var before = DateTimeOffset.UtcNow;
        var fifth = await signIn.PasswordSignInAsync(user, "wrong-password", isPersistent: false, lockoutOnFailure: true);
        var after = DateTimeOffset.UtcNow;

        Assert.True(fifth.IsLockedOut);
        Assert.True(await users.IsLockedOutAsync(user));
        Assert.True((await signIn.PasswordSignInAsync(user, Password, isPersistent: false, lockoutOnFailure: true)).IsLockedOut,
            "The right password must not get past a lockout.");
        // UserManager stamps the lockout from DateTimeOffset.UtcNow, not from the registered TimeProvider
        // (only SignInManager and the security-stamp validator use TimeProvider), so it is 15 minutes from the real clock.
        var lockoutEnd = await users.GetLockoutEndDateAsync(user);
        Assert.NotNull(lockoutEnd);
        Assert.InRange(lockoutEnd.Value, before + IdentitySetup.LockoutDuration - TimeSpan.FromSeconds(1), after + IdentitySetup.LockoutDuration + TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMinutes(15), IdentitySetup.LockoutDuration);
    }

    [Fact]
    public async Task A_right_password_resets_the_count_of_wrong_ones()
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await CreateAsync(users);
        for (var attempt = 1; attempt < IdentitySetup.MaxFailedAttempts; attempt++)
        {
            await users.AccessFailedAsync(user);
        }

        await users.ResetAccessFailedCountAsync(user);
        await users.AccessFailedAsync(user);

        Assert.False(await users.IsLockedOutAsync(user));
        Assert.Equal(1, await users.GetAccessFailedCountAsync(user));
    }

    [Fact]
    public async Task The_sign_in_manager_is_the_portals_own()
    {
        await using var scope = fixture.Services.CreateAsyncScope();

        Assert.IsType<PortalSignInManager>(scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>());
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_an_enabled_one_can()
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>();
        var disabled = await CreateAsync(users, disabled: true);
        var enabled = await CreateAsync(users);

        Assert.False(await signIn.CanSignInAsync(disabled));
        Assert.True(await signIn.CanSignInAsync(enabled));
    }

    [Fact]
    public async Task A_disabled_user_with_the_right_password_is_not_allowed_in()
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>();
        var disabled = await CreateAsync(users, disabled: true);

        var result = await signIn.PasswordSignInAsync(disabled, Password, isPersistent: false, lockoutOnFailure: true);

        Assert.False(result.Succeeded);
        Assert.True(result.IsNotAllowed);
        Assert.Null((await users.FindByIdAsync(disabled.Id))!.LastSignInAt);
    }
}
