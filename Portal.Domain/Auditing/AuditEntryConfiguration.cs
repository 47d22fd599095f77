using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Common;
using Portal.Domain.Identity;

namespace Portal.Domain.Auditing;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_entries");
        builder.Property(a => a.ActorName).HasMaxLength(PortalUser.DisplayNameMaxLength);
        builder.Property(a => a.Action).HasMaxLength(Limits.AuditActionLength);
        builder.Property(a => a.EntityType).HasMaxLength(Limits.AuditEntityLength);
        builder.Property(a => a.EntityId).HasMaxLength(Limits.AuditEntityLength);
        builder.Property(a => a.Before).HasColumnType("jsonb");
        builder.Property(a => a.After).HasColumnType("jsonb");
        builder.HasOne(a => a.ActorUser).WithMany().HasForeignKey(a => a.ActorUserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(a => a.ActorSharedLink).WithMany().HasForeignKey(a => a.ActorSharedLinkId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(a => a.Customer).WithMany().HasForeignKey(a => a.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => new { a.CustomerId, a.At });
        builder.HasIndex(a => new { a.EntityType, a.EntityId });
    }
}
