using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Identity;

public sealed class PortalClaimsTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_sign_in_cookie_carries_the_name_and_says_when_an_initial_password_must_be_changed()
    {
        await using var db = fixture.CreateContext();
        var user = await TestData.AddUserAsync(db, Roles.Staff);
        using var scope = fixture.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<PortalUser>>();
        var loaded = (await users.FindByIdAsync(user.Id))!;

        var before = await factory.CreateAsync(loaded);
        loaded.MustChangePassword = true;
        await users.UpdateAsync(loaded);
        var after = await factory.CreateAsync(loaded);

        Assert.Equal(loaded.DisplayName, before.FindFirst(PortalClaims.DisplayName)?.Value);
        Assert.True(before.IsInRole(Roles.Staff));
        Assert.False(before.HasClaim(c => c.Type == PortalClaims.MustChangePassword));
        Assert.True(after.HasClaim(c => c.Type == PortalClaims.MustChangePassword));
    }
}
