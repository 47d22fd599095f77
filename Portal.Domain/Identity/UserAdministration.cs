namespace Portal.Domain.Identity;

/// <summary>Staff, manager and agent accounts and their roles (Admin only).</summary>
public sealed class UserAdministration;
