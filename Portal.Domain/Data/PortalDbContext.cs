using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Auditing;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Orders;
using Portal.Domain.Payments;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Domain.SharedLinks;
using Portal.Domain.Subscriptions;

namespace Portal.Domain.Data;

// Migrations, from the repository root:
//   dotnet tool restore
//   dotnet ef migrations add <Name> --project Portal.Domain --output-dir Data/Migrations
// They are applied when the portal starts (PortalDatabase.MigrateAsync).
public class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : IdentityDbContext<PortalUser, IdentityRole, string>(options)
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<DeliveryRoute> Routes => Set<DeliveryRoute>();
    public DbSet<RouteAgent> RouteAgents => Set<RouteAgent>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<ProductPrice> ProductPrices => Set<ProductPrice>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<SubscriptionSchedule> SubscriptionSchedules => Set<SubscriptionSchedule>();
    public DbSet<SubscriptionPause> SubscriptionPauses => Set<SubscriptionPause>();
    public DbSet<SubscriptionOverride> SubscriptionOverrides => Set<SubscriptionOverride>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<BillingRun> BillingRuns => Set<BillingRun>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<BillingRecord> BillingRecords => Set<BillingRecord>();
    public DbSet<MissingDelivery> MissingDeliveries => Set<MissingDelivery>();
    public DbSet<InvoiceSequence> InvoiceSequences => Set<InvoiceSequence>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<SharedLink> SharedLinks => Set<SharedLink>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasPostgresExtension("btree_gist");
        builder.HasPostgresExtension("pg_trgm");
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);

        builder.Entity<IdentityRole>().ToTable("roles");
        builder.Entity<IdentityUserRole<string>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("role_claims");
        builder.Entity<PortalUser>(user =>
        {
            user.ToTable("users");
            user.Property(u => u.DisplayName).HasMaxLength(PortalUser.DisplayNameMaxLength);
            // Identity's own index on the normalised email is not unique; people sign in with their email, so it must be.
            user.HasIndex(u => u.NormalizedEmail).HasDatabaseName("EmailIndex").IsUnique();
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<CustomerStatus>().HaveConversion<string>().HaveMaxLength(Limits.EnumLength);
        configurationBuilder.Properties<ProductUnit>().HaveConversion<string>().HaveMaxLength(Limits.EnumLength);
        configurationBuilder.Properties<SubscriptionStatus>().HaveConversion<string>().HaveMaxLength(Limits.EnumLength);
        configurationBuilder.Properties<ScheduleKind>().HaveConversion<string>().HaveMaxLength(Limits.EnumLength);
        configurationBuilder.Properties<OrderStatus>().HaveConversion<string>().HaveMaxLength(Limits.EnumLength);
        configurationBuilder.Properties<DeliveryOutcome>().HaveConversion<string>().HaveMaxLength(Limits.EnumLength);
        configurationBuilder.Properties<NotDeliveredReason>().HaveConversion<string>().HaveMaxLength(Limits.EnumLength);
        configurationBuilder.Properties<PaymentMethod>().HaveConversion<string>().HaveMaxLength(Limits.EnumLength);
    }
}
