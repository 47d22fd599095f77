using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Customers;

public sealed record MyProfile(int CustomerId, string Name, string Mobile, string? Email, Address Address, string? RouteName, CustomerStatus Status);

/// <summary>A customer's view of themselves. Always keyed by the signed-in user, never by an id from the page.</summary>
public sealed class CustomerSelf(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<MyProfile?> GetProfileAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Customers.AsNoTracking()
            .Where(c => c.UserId == userId)
            .Select(c => new MyProfile(c.Id, c.Name, c.Mobile, c.Email, c.Address, c.Route == null ? null : c.Route.Name, c.Status))
            .SingleOrDefaultAsync(cancellationToken);
    }
}
