using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Domain.SharedLinks;

internal sealed class SharedLinkConfiguration : IEntityTypeConfiguration<SharedLink>
{
    public void Configure(EntityTypeBuilder<SharedLink> builder)
    {
        builder.ToTable("shared_links", t => t.HasCheckConstraint("ck_shared_links_token_hash", "octet_length(token_hash) = 32"));
        builder.HasIndex(l => l.TokenHash).IsUnique();
        builder.HasOne(l => l.Route).WithMany().HasForeignKey(l => l.RouteId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(l => l.CreatedBy).WithMany().HasForeignKey(l => l.CreatedByUserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(l => new { l.RouteId, l.SheetDate });
    }
}
