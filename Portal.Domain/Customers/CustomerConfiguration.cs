using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Customers;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.ToTable("customers", t =>
        {
            t.HasCheckConstraint("ck_customers_mobile", "mobile ~ '^[6-9][0-9]{9}$'");
            t.HasCheckConstraint("ck_customers_pin_code", "address_pin_code ~ '^[1-9][0-9]{5}$'");
            t.HasCheckConstraint("ck_customers_email_lower", "email IS NULL OR email = lower(email)");
            t.HasCheckConstraint("ck_customers_stop_order", "stop_order IS NULL OR stop_order > 0");
        });

        builder.Property(c => c.Name).HasMaxLength(Limits.NameLength);
        builder.Property(c => c.Mobile).HasMaxLength(Limits.MobileLength);
        builder.Property(c => c.Email).HasMaxLength(Limits.EmailLength);
        builder.HasIndex(c => c.Mobile).IsUnique();
        // The customers grid searches inside names, mobiles, areas and PIN codes: trigram indexes keep that fast at 50,000 rows.
        builder.Property(c => c.SearchText)
            .HasMaxLength(Limits.NameLength + Limits.AreaLength + 1)
            .HasComputedColumnSql("lower(name || ' ' || address_area)", stored: true);
        builder.HasIndex(c => c.SearchText, "ix_customers_search_text_trgm").HasDatabaseName("ix_customers_search_text_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.HasIndex(c => c.Mobile, "ix_customers_mobile_trgm").HasDatabaseName("ix_customers_mobile_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.HasIndex(c => new { c.Name, c.Id }, "ix_customers_name_id").HasDatabaseName("ix_customers_name_id");
        builder.HasIndex(c => c.CreatedAt);
        builder.HasIndex(c => c.Email).IsUnique();

        builder.OwnsOne(c => c.Address, address =>
        {
            address.Property(a => a.Line).HasMaxLength(Limits.AddressLineLength);
            address.Property(a => a.Area).HasMaxLength(Limits.AreaLength);
            address.Property(a => a.City).HasMaxLength(Limits.CityLength);
            address.Property(a => a.PinCode).HasMaxLength(Limits.PinCodeLength);
            // The grid sorts by area and by PIN code; these let PostgreSQL walk a page in order instead of sorting every row.
            address.HasIndex(a => a.Area, "ix_customers_area").HasDatabaseName("ix_customers_area");
            address.HasIndex(a => a.PinCode, "ix_customers_pin_code").HasDatabaseName("ix_customers_pin_code");
            address.HasIndex(a => a.PinCode, "ix_customers_pin_code_trgm").HasDatabaseName("ix_customers_pin_code_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        });
        builder.Navigation(c => c.Address).IsRequired();

        builder.HasOne(c => c.User)
            .WithOne(u => u.Customer)
            .HasForeignKey<Customer>(c => c.UserId)
            .IsRequired()
            .OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => c.UserId).IsUnique();

        builder.HasOne(c => c.Route)
            .WithMany(r => r.Customers)
            .HasForeignKey(c => c.RouteId)
            .OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => new { c.RouteId, c.StopOrder });

        builder.Property(c => c.Version).IsRowVersion();
    }
}
