using Microsoft.EntityFrameworkCore;
using Portal.Domain.Customers;
using Portal.Domain.Data;

namespace Portal.Domain.Routes;

public sealed record AssignedRoute(int RouteId, string Name, int Stops);

/// <summary>What a delivery agent may work: only the routes assigned to them.</summary>
public sealed class AgentRoutes(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<IReadOnlyList<AssignedRoute>> ForAgentAsync(string agentUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.RouteAgents.AsNoTracking()
            .Where(a => a.UserId == agentUserId && a.Route.IsActive)
            .OrderBy(a => a.Route.Name)
            .Select(a => new AssignedRoute(a.RouteId, a.Route.Name, a.Route.Customers.Count(c => c.Status == CustomerStatus.Active)))
            .ToListAsync(cancellationToken);
    }
}
