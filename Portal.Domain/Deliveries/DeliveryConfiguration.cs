using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Deliveries;

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> builder)
    {
        builder.ToTable("deliveries", t =>
        {
            t.HasCheckConstraint("ck_deliveries_one_target", "num_nonnulls(subscription_id, order_line_id) = 1");
            t.HasCheckConstraint("ck_deliveries_quantities", "planned_quantity > 0 AND delivered_quantity >= 0 AND delivered_quantity <= planned_quantity");
            t.HasCheckConstraint("ck_deliveries_outcome",
                """
                (outcome = 'Delivered' AND delivered_quantity = planned_quantity AND reason IS NULL)
                OR (outcome = 'Partial' AND delivered_quantity > 0 AND delivered_quantity < planned_quantity)
                OR (outcome = 'NotDelivered' AND delivered_quantity = 0 AND reason IS NOT NULL)
                """);
            t.HasCheckConstraint("ck_deliveries_recorder", "num_nonnulls(recorded_by_user_id, recorded_via_shared_link_id) = 1");
        });
        builder.Property(d => d.PlannedQuantity).HasPrecision(10, 3);
        builder.Property(d => d.DeliveredQuantity).HasPrecision(10, 3);
        builder.Property(d => d.ReasonNote).HasMaxLength(Limits.NoteLength);

        builder.HasOne(d => d.Subscription).WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.OrderLine).WithMany().HasForeignKey(d => d.OrderLineId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.RecordedBy).WithMany().HasForeignKey(d => d.RecordedByUserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.RecordedViaSharedLink).WithMany().HasForeignKey(d => d.RecordedViaSharedLinkId).OnDelete(DeleteBehavior.Restrict);

        builder.HasIndex(d => new { d.SubscriptionId, d.DeliveryDate }).IsUnique();
        builder.HasIndex(d => d.OrderLineId).IsUnique();
        builder.HasIndex(d => d.DeliveryDate);
        builder.Property(d => d.Version).IsRowVersion();
    }
}
