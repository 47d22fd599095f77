using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data;

public sealed class SmokeTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Template_database_has_every_role()
    {
        await using var db = fixture.CreateContext();
        var roles = await db.Roles.Select(r => r.Name).OrderBy(n => n).ToListAsync();
        Assert.Equal(["Admin", "Customer", "DeliveryAgent", "Manager", "Staff"], roles);
    }
}
