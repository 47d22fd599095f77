using FluentValidation;
using Portal.Domain.Common;

namespace Portal.Domain.Identity;

/// <summary>What an admin types in to create an office or delivery account. The form and the service validate it with the same validator.</summary>
public sealed class NewUserInput
{
    public string DisplayName { get; set; } = "";

    /// <summary>Also the user name: office and delivery people sign in with their email.</summary>
    public string Email { get; set; } = "";

    public string? Mobile { get; set; }

    public HashSet<string> Roles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>An initial password the admin hands over; the person must choose their own at first sign-in.</summary>
    public string Password { get; set; } = "";
}

/// <summary>The roles a user should have after the change. Customer is not among them: it is neither given nor taken away here.</summary>
public sealed class RolesInput
{
    public HashSet<string> Roles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The office roles the form showed when it was opened. When given and no longer what the user has, another admin changed
    /// them meanwhile, and the change is refused rather than silently overwriting theirs.
    /// </summary>
    public HashSet<string>? Before { get; set; }
}

public static class AssignableRoles
{
    /// <summary>The roles an admin hands out on the users page. Customer logins come with their customer record, from the customers page.</summary>
    public static readonly IReadOnlyList<string> All = [Roles.Admin, Roles.Manager, Roles.Staff, Roles.DeliveryAgent];

    public const string CustomerRoleMessage = "Customer logins are created and changed with their customer record, on the Customers page.";

    /// <summary>What the role lets someone do, in a few words.</summary>
    public static string Describe(string role) => role switch
    {
        Roles.Admin => "Everything, plus user accounts and roles",
        Roles.Manager => "The office, plus billing, payments and reports",
        Roles.Staff => "Customers, routes, orders and delivery sheets",
        Roles.DeliveryAgent => "The delivery sheet of the routes assigned to them",
        _ => "",
    };

    public static string Label(string role) => role == Roles.DeliveryAgent ? "Delivery agent" : role;
}

public sealed class NewUserInputValidator : AbstractValidator<NewUserInput>
{
    public NewUserInputValidator()
    {
        RuleFor(u => u.DisplayName).Cascade(CascadeMode.Stop)
            .Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Enter the person's name.")
            .MaximumLength(PortalUser.DisplayNameMaxLength).WithMessage($"Keep the name under {PortalUser.DisplayNameMaxLength} characters.");
        RuleFor(u => u.Email).Cascade(CascadeMode.Stop)
            .Must(e => !string.IsNullOrWhiteSpace(e)).WithMessage("Enter an email: it is what they sign in with.")
            .MaximumLength(Limits.EmailLength).WithMessage("That email is too long.")
            .EmailAddress().WithMessage("Enter a valid email, e.g. name@example.com.");
        RuleFor(u => u.Mobile)
            .Must(m => MobileNumber.Normalise(m) is not null).WithMessage("Enter a 10-digit Indian mobile number, or leave it empty.")
            .When(u => !string.IsNullOrWhiteSpace(u.Mobile));
        RuleFor(u => u.Roles).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Choose at least one role.")
            .AssignableOnly();
        RuleFor(u => u.Password)
            .NotEmpty().WithMessage("Enter an initial password. They will choose their own at first sign-in.");
    }

    /// <summary>For MudBlazor form fields: validates one property and returns its messages.</summary>
    public Func<object, string, Task<IEnumerable<string>>> ValidateValue => async (model, propertyName) =>
    {
        var result = await ValidateAsync(ValidationContext<NewUserInput>.CreateWithOptions((NewUserInput)model, x => x.IncludeProperties(propertyName)));
        return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
    };
}

public sealed class RolesInputValidator : AbstractValidator<RolesInput>
{
    public RolesInputValidator()
    {
        // A customer's login may hold no office role at all; whether the set may be empty depends on the user, so the service decides.
        RuleFor(r => r.Roles).Cascade(CascadeMode.Stop).AssignableOnly();
    }
}

internal static class RoleRules
{
    /// <summary>Only the roles an admin hands out here: never Customer, never a name that is not a role.</summary>
    public static IRuleBuilderOptions<T, HashSet<string>> AssignableOnly<T>(this IRuleBuilder<T, HashSet<string>> rule) =>
        rule
            .Must(roles => !roles.Contains(Roles.Customer)).WithMessage(AssignableRoles.CustomerRoleMessage)
            .Must(roles => roles.All(r => AssignableRoles.All.Contains(r)))
            .WithMessage($"Choose from {string.Join(", ", AssignableRoles.All.Select(AssignableRoles.Label))}.");
}
