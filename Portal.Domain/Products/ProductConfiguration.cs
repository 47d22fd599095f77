using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;

namespace Portal.Domain.Products;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> builder)
    {
        builder.ToTable("products");
        builder.Property(p => p.Name).HasMaxLength(Limits.ProductNameLength);
        builder.HasIndex(p => p.Name).IsUnique();
        builder.Property(p => p.Version).IsRowVersion();
    }
}

internal sealed class ProductPriceConfiguration : IEntityTypeConfiguration<ProductPrice>
{
    public void Configure(EntityTypeBuilder<ProductPrice> builder)
    {
        builder.ToTable("product_prices", t => t.HasCheckConstraint("ck_product_prices_unit_price", "unit_price > 0"));
        builder.Property(p => p.UnitPrice).HasPrecision(12, 2);
        builder.HasOne(p => p.Product).WithMany(p => p.Prices).HasForeignKey(p => p.ProductId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.ProductId, p.EffectiveFrom }).IsUnique();
        builder.HasOne<Identity.PortalUser>().WithMany().HasForeignKey(p => p.CreatedByUserId).OnDelete(DeleteBehavior.Restrict);
    }
}
