using Microsoft.EntityFrameworkCore;
using Portal.Domain.Customers;
using Portal.Domain.Data;

namespace Portal.Domain.Dashboard;

public sealed record OfficeOverviewFigures(
    int ActiveCustomers,
    int CustomersWithoutPassword,
    int CustomersWithoutRoute,
    int Routes,
    int ActiveProducts,
    IReadOnlyList<RouteFigure> RouteFigures);

public sealed record RouteFigure(int RouteId, string Name, int Stops, IReadOnlyList<string> Agents);

/// <summary>The figures on the office's front page, each one query.</summary>
public sealed class OfficeOverview(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<OfficeOverviewFigures> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var active = db.Customers.AsNoTracking().Where(c => c.Status == CustomerStatus.Active);
        var activeCustomers = await active.CountAsync(cancellationToken);
        var withoutPassword = await active.CountAsync(c => c.User.PasswordHash == null, cancellationToken);
        var withoutRoute = await active.CountAsync(c => c.RouteId == null, cancellationToken);
        var products = await db.Products.AsNoTracking().CountAsync(p => p.IsActive, cancellationToken);
        var routes = await db.Routes.AsNoTracking()
            .OrderBy(r => r.Name)
            .Select(r => new RouteFigure(
                r.Id,
                r.Name,
                r.Customers.Count(c => c.Status == CustomerStatus.Active),
                r.Agents.OrderBy(a => a.User.DisplayName).Select(a => a.User.DisplayName).ToList()))
            .ToListAsync(cancellationToken);
        return new OfficeOverviewFigures(activeCustomers, withoutPassword, withoutRoute, routes.Count, products, routes);
    }
}
