using FluentValidation;
using Portal.Domain.Common;

namespace Portal.Domain.SelfService;

/// <summary>The customer's own contact form, checked the same way on the page and in <see cref="CustomerPortal.UpdateContactAsync"/>.</summary>
public sealed class ContactInputValidator : AbstractValidator<ContactInput>
{
    public ContactInputValidator()
    {
        RuleFor(c => c.Email).Cascade(CascadeMode.Stop)
            .MaximumLength(Limits.EmailLength).WithMessage("That email is too long.")
            .EmailAddress().WithMessage("Enter a valid email, or leave it empty.")
            .When(c => !string.IsNullOrWhiteSpace(c.Email));
        RuleFor(c => c.AddressLine).Cascade(CascadeMode.Stop)
            .Must(line => !string.IsNullOrWhiteSpace(line)).WithMessage("Enter the house and street.")
            .Must(line => line.Trim().Length <= Limits.AddressLineLength).WithMessage($"Keep the address under {Limits.AddressLineLength} characters.");
    }

    /// <summary>For MudBlazor form fields: validates one property and returns its messages.</summary>
    public Func<object, string, Task<IEnumerable<string>>> ValidateValue => async (model, propertyName) =>
    {
        var result = await ValidateAsync(ValidationContext<ContactInput>.CreateWithOptions((ContactInput)model, x => x.IncludeProperties(propertyName)));
        return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
    };
}
