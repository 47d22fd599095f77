using FluentValidation;
using Portal.Domain.Common;
using Portal.Domain.Identity;

namespace Portal.Domain.Customers;

/// <summary>What staff type in to create or edit a customer. The form and the service validate it with the same validator.</summary>
public sealed class CustomerInput
{
    public string Name { get; set; } = "";

    public string Mobile { get; set; } = "";

    public string? Email { get; set; }

    public string AddressLine { get; set; } = "";

    public string Area { get; set; } = "";

    public string City { get; set; } = "";

    public string PinCode { get; set; } = "";

    public int? RouteId { get; set; }

    /// <summary>Position on the route; empty puts the customer at the end.</summary>
    public int? StopOrder { get; set; }

    /// <summary>On create: link this existing Customer-role user instead of creating a new one.</summary>
    public string? ExistingUserId { get; set; }

    /// <summary>On edit: the row version the form was loaded with.</summary>
    public uint Version { get; set; }

    public static CustomerInput From(CustomerDetails details) => new()
    {
        Name = details.Name,
        Mobile = details.Mobile,
        Email = details.Email,
        AddressLine = details.Address.Line,
        Area = details.Address.Area,
        City = details.Address.City,
        PinCode = details.Address.PinCode,
        RouteId = details.RouteId,
        StopOrder = details.StopOrder,
        Version = details.Version,
    };
}

public sealed class CustomerInputValidator : AbstractValidator<CustomerInput>
{
    public CustomerInputValidator()
    {
        RuleFor(c => c.Name).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Enter the customer's name.")
            .MaximumLength(Limits.NameLength).WithMessage($"Keep the name under {Limits.NameLength} characters.");
        RuleFor(c => c.Mobile).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Enter a mobile number.")
            .Must(m => MobileNumber.Normalise(m) is not null).WithMessage("Enter a 10-digit Indian mobile number, e.g. 98765 43210.");
        RuleFor(c => c.Email).Cascade(CascadeMode.Stop)
            .MaximumLength(Limits.EmailLength).WithMessage("That email is too long.")
            .EmailAddress().WithMessage("Enter a valid email, or leave it empty.")
            .When(c => !string.IsNullOrWhiteSpace(c.Email));
        RuleFor(c => c.AddressLine).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Enter the house and street.")
            .MaximumLength(Limits.AddressLineLength).WithMessage($"Keep the address under {Limits.AddressLineLength} characters.");
        RuleFor(c => c.Area).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Enter the area.")
            .MaximumLength(Limits.AreaLength).WithMessage($"Keep the area under {Limits.AreaLength} characters.");
        RuleFor(c => c.City).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Enter the city.")
            .MaximumLength(Limits.CityLength).WithMessage($"Keep the city under {Limits.CityLength} characters.");
        RuleFor(c => c.PinCode).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Enter the PIN code.")
            .Matches("^[1-9][0-9]{5}$").WithMessage("A PIN code is 6 digits and does not start with 0.");
        RuleFor(c => c.StopOrder)
            .GreaterThan(0).WithMessage("Stop numbers start at 1.")
            .When(c => c.StopOrder is not null);
        RuleFor(c => c.StopOrder)
            .Null().WithMessage("Choose a route before giving a stop number.")
            .When(c => c.RouteId is null);
    }

    /// <summary>For MudBlazor form fields: validates one property and returns its messages.</summary>
    public Func<object, string, Task<IEnumerable<string>>> ValidateValue => async (model, propertyName) =>
    {
        var result = await ValidateAsync(ValidationContext<CustomerInput>.CreateWithOptions((CustomerInput)model, x => x.IncludeProperties(propertyName)));
        return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
    };
}
