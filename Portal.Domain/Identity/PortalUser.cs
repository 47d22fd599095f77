using Microsoft.AspNetCore.Identity;
using Portal.Domain.Customers;

namespace Portal.Domain.Identity;

/// <summary>Every person who signs in. A customer is a user with a <see cref="Customers.Customer"/> row; staff and agents have none.</summary>
public class PortalUser : IdentityUser
{
    public const int DisplayNameMaxLength = 120;

    public string DisplayName { get; set; } = "";

    /// <summary>A disabled account cannot sign in and is signed out of open circuits (its security stamp changes when disabled).</summary>
    public bool IsDisabled { get; set; }

    /// <summary>Set when staff give an initial password: the first sign-in goes to the change-password page.</summary>
    public bool MustChangePassword { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }

    public Customer? Customer { get; set; }
}
