using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Billing;

internal sealed class BillingRunConfiguration : IEntityTypeConfiguration<BillingRun>
{
    public void Configure(EntityTypeBuilder<BillingRun> builder)
    {
        builder.ToTable("billing_runs", t =>
            t.HasCheckConstraint("ck_billing_runs_month", "extract(day from period_month) = 1"));
        builder.Property(r => r.TotalAmount).HasPrecision(12, 2);
        builder.HasOne(r => r.StartedBy).WithMany().HasForeignKey(r => r.StartedByUserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.PeriodMonth);
    }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> builder)
    {
        builder.ToTable("invoices", t =>
        {
            t.HasCheckConstraint("ck_invoices_sequence", "sequence > 0");
            t.HasCheckConstraint("ck_invoices_total", "total_amount >= 0");
        });
        builder.Property(i => i.Number).HasMaxLength(Limits.InvoiceNumberLength);
        builder.Property(i => i.FinancialYear).HasMaxLength(Limits.FinancialYearLength);
        builder.Property(i => i.TotalAmount).HasPrecision(12, 2);
        builder.HasIndex(i => i.Number).IsUnique();
        builder.HasIndex(i => new { i.FinancialYear, i.Sequence }).IsUnique();
        builder.HasIndex(i => new { i.CustomerId, i.PeriodMonth });
        builder.HasOne(i => i.Customer).WithMany().HasForeignKey(i => i.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(i => i.BillingRun).WithMany(r => r.Invoices).HasForeignKey(i => i.BillingRunId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BillingRecordConfiguration : IEntityTypeConfiguration<BillingRecord>
{
    public void Configure(EntityTypeBuilder<BillingRecord> builder)
    {
        builder.ToTable("billing_records", t =>
        {
            t.HasCheckConstraint("ck_billing_records_quantity", "quantity > 0");
            t.HasCheckConstraint("ck_billing_records_amount", "amount >= 0");
        });
        builder.Property(r => r.Quantity).HasPrecision(10, 3);
        builder.Property(r => r.UnitPrice).HasPrecision(12, 2);
        builder.Property(r => r.Amount).HasPrecision(12, 2);
        builder.HasOne(r => r.Invoice).WithMany(i => i.Records).HasForeignKey(r => r.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.Delivery).WithMany().HasForeignKey(r => r.DeliveryId).IsRequired().OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.DeliveryId).IsUnique();
    }
}

internal sealed class MissingDeliveryConfiguration : IEntityTypeConfiguration<MissingDelivery>
{
    public void Configure(EntityTypeBuilder<MissingDelivery> builder)
    {
        builder.ToTable("missing_deliveries", t =>
            t.HasCheckConstraint("ck_missing_deliveries_one_target", "num_nonnulls(subscription_id, order_line_id) = 1"));
        builder.Property(m => m.PlannedQuantity).HasPrecision(10, 3);
        builder.HasOne(m => m.BillingRun).WithMany(r => r.Missing).HasForeignKey(m => m.BillingRunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(m => m.Customer).WithMany().HasForeignKey(m => m.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(m => m.Route).WithMany().HasForeignKey(m => m.RouteId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(m => m.Subscription).WithMany().HasForeignKey(m => m.SubscriptionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(m => m.OrderLine).WithMany().HasForeignKey(m => m.OrderLineId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(m => m.Product).WithMany().HasForeignKey(m => m.ProductId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(m => new { m.BillingRunId, m.DeliveryDate, m.RouteId });
    }
}

internal sealed class InvoiceSequenceConfiguration : IEntityTypeConfiguration<InvoiceSequence>
{
    public void Configure(EntityTypeBuilder<InvoiceSequence> builder)
    {
        builder.ToTable("invoice_sequences", t => t.HasCheckConstraint("ck_invoice_sequences_last", "last_number >= 0"));
        builder.HasKey(s => s.FinancialYear);
        builder.Property(s => s.FinancialYear).HasMaxLength(Limits.FinancialYearLength);
    }
}
