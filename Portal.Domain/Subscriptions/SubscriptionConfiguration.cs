using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Domain.Subscriptions;

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<Subscription> builder)
    {
        builder.ToTable("subscriptions", t =>
            t.HasCheckConstraint("ck_subscriptions_dates", "end_date IS NULL OR end_date >= start_date"));
        builder.HasOne(s => s.Customer).WithMany().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(s => s.Product).WithMany().HasForeignKey(s => s.ProductId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => s.CustomerId);
        builder.Property(s => s.Version).IsRowVersion();
    }
}

internal sealed class SubscriptionScheduleConfiguration : IEntityTypeConfiguration<SubscriptionSchedule>
{
    public void Configure(EntityTypeBuilder<SubscriptionSchedule> builder)
    {
        builder.ToTable("subscription_schedules", t =>
        {
            t.HasCheckConstraint("ck_subscription_schedules_shape",
                """
                (kind = 'Daily' AND quantity > 0 AND interval_days IS NULL)
                OR (kind = 'EveryNDays' AND quantity > 0 AND interval_days >= 2)
                OR (kind = 'Weekly' AND quantity IS NULL AND interval_days IS NULL
                    AND monday >= 0 AND tuesday >= 0 AND wednesday >= 0 AND thursday >= 0
                    AND friday >= 0 AND saturday >= 0 AND sunday >= 0)
                """);
        });
        foreach (var quantity in new[] { "Quantity", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" })
        {
            builder.Property<decimal?>(quantity).HasPrecision(10, 3);
        }
        builder.HasOne(s => s.Subscription).WithMany(s => s.Schedules).HasForeignKey(s => s.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.SubscriptionId, s.EffectiveFrom }).IsUnique();
    }
}

internal sealed class SubscriptionPauseConfiguration : IEntityTypeConfiguration<SubscriptionPause>
{
    public void Configure(EntityTypeBuilder<SubscriptionPause> builder)
    {
        builder.ToTable("subscription_pauses", t =>
            t.HasCheckConstraint("ck_subscription_pauses_dates", "to_date >= from_date"));
        builder.HasOne(p => p.Subscription).WithMany(s => s.Pauses).HasForeignKey(p => p.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(p => new { p.SubscriptionId, p.FromDate });
    }
}

internal sealed class SubscriptionOverrideConfiguration : IEntityTypeConfiguration<SubscriptionOverride>
{
    public void Configure(EntityTypeBuilder<SubscriptionOverride> builder)
    {
        builder.ToTable("subscription_overrides", t =>
            t.HasCheckConstraint("ck_subscription_overrides_quantity", "quantity >= 0"));
        builder.Property(o => o.Quantity).HasPrecision(10, 3);
        builder.HasOne(o => o.Subscription).WithMany(s => s.Overrides).HasForeignKey(o => o.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(o => new { o.SubscriptionId, o.Date }).IsUnique();
    }
}
