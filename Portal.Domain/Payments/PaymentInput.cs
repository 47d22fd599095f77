using FluentValidation;
using Portal.Domain.Common;

namespace Portal.Domain.Payments;

/// <summary>What the office types in when money comes in from a customer. The form and the service validate it with the same validator.</summary>
public sealed class PaymentInput
{
    /// <summary>Rupees and paise received.</summary>
    public decimal? Amount { get; set; }

    public PaymentMethod? Method { get; set; }

    /// <summary>The day the money was received (in India), which may be before the day it is recorded.</summary>
    public DateOnly? ReceivedOn { get; set; }

    /// <summary>A UPI transaction id, a cheque or NEFT number, a receipt book number; optional.</summary>
    public string? Reference { get; set; }
}

public static class PaymentRules
{
    /// <summary>No household pays this much at once for milk; a larger number is a typing mistake (an extra zero, paise typed as rupees).</summary>
    public const decimal MaxAmount = 10_00_000m;

    /// <summary>Older payments belong to the old system's books, and an older date here is almost always a mistyped year.</summary>
    public const int MaxDaysBack = 365;

    public static string Label(PaymentMethod method) => method switch
    {
        PaymentMethod.Cash => "Cash",
        PaymentMethod.Upi => "UPI",
        PaymentMethod.Bank => "Bank transfer",
        _ => method.ToString(),
    };
}

/// <summary>
/// The rules a payment can be checked against without the database: an amount in rupees and paise within reason, a method,
/// a received date from <see cref="PaymentRules.MaxDaysBack"/> days ago to today in India, and a reference that fits its column.
/// </summary>
public sealed class PaymentInputValidator : AbstractValidator<PaymentInput>
{
    public PaymentInputValidator(PortalClock clock)
    {
        RuleFor(p => p.Amount).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("Enter the amount received in rupees.")
            .GreaterThan(0m).WithMessage("The amount must be more than ₹0.")
            .LessThanOrEqualTo(PaymentRules.MaxAmount).WithMessage($"Check the amount: more than {IndianFormats.Money(PaymentRules.MaxAmount)} at once.")
            .Must(a => decimal.Round(a!.Value, 2) == a.Value).WithMessage("Amounts are in rupees and paise: at most 2 decimals.");

        RuleFor(p => p.Method)
            .NotNull().WithMessage("Choose how the money was paid.")
            .IsInEnum().WithMessage("Choose cash, UPI or bank transfer.");

        RuleFor(p => p.ReceivedOn).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("Choose the day the money was received.")
            .Must(d => d <= clock.Today).WithMessage(_ => $"The day received cannot be after today ({IndianFormats.Date(clock.Today)}).")
            .Must(d => d >= clock.Today.AddDays(-PaymentRules.MaxDaysBack))
                .WithMessage(_ => $"Payments received before {IndianFormats.Date(clock.Today.AddDays(-PaymentRules.MaxDaysBack))} cannot be recorded here. Check the year.");

        RuleFor(p => p.Reference)
            .Must(r => r is null || r.Trim().Length <= Limits.ReferenceLength)
            .WithMessage($"Keep the reference under {Limits.ReferenceLength} characters.");
    }

    /// <summary>For MudBlazor form fields: validates one property and returns its messages.</summary>
    public Func<object, string, Task<IEnumerable<string>>> ValidateValue => async (model, propertyName) =>
    {
        var result = await ValidateAsync(ValidationContext<PaymentInput>.CreateWithOptions((PaymentInput)model, x => x.IncludeProperties(propertyName)));
        return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
    };
}
