using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Domain.Orders;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.ToTable("orders", t =>
            t.HasCheckConstraint("ck_orders_cancelled", "(status = 'Cancelled') = (cancelled_at IS NOT NULL)"));
        builder.HasOne(o => o.Customer).WithMany().HasForeignKey(o => o.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(o => o.CreatedBy).WithMany().HasForeignKey(o => o.CreatedByUserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(o => new { o.DeliveryDate, o.Status });
        builder.HasIndex(o => o.CustomerId);
        builder.Property(o => o.Version).IsRowVersion();
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> builder)
    {
        builder.ToTable("order_lines", t =>
        {
            t.HasCheckConstraint("ck_order_lines_quantity", "quantity > 0");
            t.HasCheckConstraint("ck_order_lines_unit_price", "unit_price >= 0");
        });
        builder.Property(l => l.Quantity).HasPrecision(10, 3);
        builder.Property(l => l.UnitPrice).HasPrecision(12, 2);
        builder.HasOne(l => l.Order).WithMany(o => o.Lines).HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(l => l.Product).WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}
