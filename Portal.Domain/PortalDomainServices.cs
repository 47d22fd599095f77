using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Auditing;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Dashboard;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Domain.SelfService;
using Portal.Domain.SharedLinks;
using Portal.Domain.Subscriptions;

namespace Portal.Domain;

public static class PortalDomainServices
{
    /// <summary>Every business service, as the portal, the tests and the benchmarks use them.</summary>
    public static IServiceCollection AddPortalDomain(this IServiceCollection services)
    {
        services.AddSingleton<PortalClock>();
        services.AddScoped<AuditLog>();
        services.AddScoped<OfficeOverview>();
        services.AddScoped<CustomerSelf>();
        services.AddScoped<CustomerService>();
        services.AddScoped<AgentRoutes>();
        services.AddScoped<DueList>();
        services.AddScoped<SubscriptionService>();
        services.AddScoped<DeliveryService>();
        services.AddScoped<SharedLinkService>();
        services.AddScoped<BillingService>();
        services.AddScoped<InvoiceService>();
        services.AddScoped<RoutePlanner>();
        services.AddScoped<ProductCatalog>();
        services.AddScoped<Orders.OrderService>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<CustomerPortal>();
        services.AddScoped<Payments.PaymentService>();
        return services;
    }
}
