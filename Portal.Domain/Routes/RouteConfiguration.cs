using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Routes;

internal sealed class DeliveryRouteConfiguration : IEntityTypeConfiguration<DeliveryRoute>
{
    public void Configure(EntityTypeBuilder<DeliveryRoute> builder)
    {
        builder.ToTable("routes");
        builder.Property(r => r.Name).HasMaxLength(Limits.RouteNameLength);
        builder.HasIndex(r => r.Name).IsUnique();
        builder.Property(r => r.Version).IsRowVersion();
    }
}

internal sealed class RouteAgentConfiguration : IEntityTypeConfiguration<RouteAgent>
{
    public void Configure(EntityTypeBuilder<RouteAgent> builder)
    {
        builder.ToTable("route_agents");
        builder.HasKey(a => new { a.RouteId, a.UserId });
        builder.HasOne(a => a.Route).WithMany(r => r.Agents).HasForeignKey(a => a.RouteId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(a => a.User).WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => a.UserId);
    }
}
