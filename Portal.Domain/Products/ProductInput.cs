using FluentValidation;
using Portal.Domain.Common;

namespace Portal.Domain.Products;

/// <summary>
/// What staff type in to create or edit a product. On create it carries the first price too; on edit the price fields are
/// ignored (prices change only by adding to the history). The form and the service validate it with the same validator.
/// </summary>
public sealed class ProductInput
{
    public string Name { get; set; } = "";

    public ProductUnit Unit { get; set; } = ProductUnit.Litre;

    public bool IsActive { get; set; } = true;

    /// <summary>On create: the first unit price in rupees.</summary>
    public decimal? UnitPrice { get; set; }

    /// <summary>On create: the day the first price applies from.</summary>
    public DateOnly? EffectiveFrom { get; set; }

    /// <summary>False when editing: the price fields are not asked for and not validated.</summary>
    public bool IsNew { get; set; } = true;

    /// <summary>On edit: the row version the form was loaded with.</summary>
    public uint Version { get; set; }

    public static ProductInput From(ProductDetails details) => new()
    {
        Name = details.Name,
        Unit = details.Unit,
        IsActive = details.IsActive,
        IsNew = false,
        Version = details.Version,
    };
}

/// <summary>A new entry for a product's price history.</summary>
public sealed class PriceInput
{
    public decimal? UnitPrice { get; set; }

    public DateOnly? EffectiveFrom { get; set; }
}

/// <summary>The rules for a unit price and its date, shared by the product form (first price) and the price form.</summary>
internal static class PriceRules
{
    /// <summary>No dairy product costs this much a unit; a larger number is a typing mistake (an extra zero, paise typed as rupees).</summary>
    public const decimal MaxUnitPrice = 100_000m;

    public static void UnitPrice<T>(IRuleBuilderInitial<T, decimal?> rule) => rule.Cascade(CascadeMode.Stop)
        .NotNull().WithMessage("Enter the price in rupees.")
        .GreaterThan(0m).WithMessage("A price must be more than ₹0.")
        .LessThanOrEqualTo(MaxUnitPrice).WithMessage($"Check the price: more than {IndianFormats.Money(MaxUnitPrice)} a unit.")
        .Must(p => p is null || decimal.Round(p.Value, 2) == p.Value).WithMessage("Prices are in rupees and paise: at most 2 decimals.");

    public static void EffectiveFrom<T>(IRuleBuilderInitial<T, DateOnly?> rule) => rule
        .NotNull().WithMessage("Choose the day this price applies from.");
}

public sealed class ProductInputValidator : AbstractValidator<ProductInput>
{
    public ProductInputValidator()
    {
        RuleFor(p => p.Name).Cascade(CascadeMode.Stop)
            .Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Enter the product's name.")
            .Must(n => n.Trim().Length <= Limits.ProductNameLength).WithMessage($"Keep the name under {Limits.ProductNameLength} characters.");
        RuleFor(p => p.Unit)
            .IsInEnum().WithMessage("Choose litre, kg, piece or pack.");
        When(p => p.IsNew, () =>
        {
            PriceRules.UnitPrice(RuleFor(p => p.UnitPrice));
            PriceRules.EffectiveFrom(RuleFor(p => p.EffectiveFrom));
        });
    }

    /// <summary>For MudBlazor form fields: validates one property and returns its messages.</summary>
    public Func<object, string, Task<IEnumerable<string>>> ValidateValue => async (model, propertyName) =>
    {
        var result = await ValidateAsync(ValidationContext<ProductInput>.CreateWithOptions((ProductInput)model, x => x.IncludeProperties(propertyName)));
        return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
    };
}

public sealed class PriceInputValidator : AbstractValidator<PriceInput>
{
    public PriceInputValidator()
    {
        PriceRules.UnitPrice(RuleFor(p => p.UnitPrice));
        PriceRules.EffectiveFrom(RuleFor(p => p.EffectiveFrom));
    }

    /// <summary>For MudBlazor form fields: validates one property and returns its messages.</summary>
    public Func<object, string, Task<IEnumerable<string>>> ValidateValue => async (model, propertyName) =>
    {
        var result = await ValidateAsync(ValidationContext<PriceInput>.CreateWithOptions((PriceInput)model, x => x.IncludeProperties(propertyName)));
        return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
    };
}
