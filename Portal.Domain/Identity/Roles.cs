namespace Portal.Domain.Identity;

public static class Roles
{
    public const string Admin = nameof(Admin);
    public const string Manager = nameof(Manager);
    public const string Staff = nameof(Staff);
    public const string DeliveryAgent = nameof(DeliveryAgent);
    public const string Customer = nameof(Customer);

    public static readonly IReadOnlyList<string> All = [Admin, Manager, Staff, DeliveryAgent, Customer];

    /// <summary>Comma-separated role lists for <c>[Authorize(Roles = ...)]</c>.</summary>
    public const string Office = Admin + "," + Manager + "," + Staff;
    public const string Managers = Admin + "," + Manager;
    public const string Agents = DeliveryAgent;
    public const string Customers = Customer;
}
