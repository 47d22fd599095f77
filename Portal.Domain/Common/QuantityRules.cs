namespace Portal.Domain.Common;

/// <summary>Quantities of milk and the like: at most three decimals (millilitres, grams); pieces and packs whole.</summary>
public static class QuantityRules
{
    /// <summary>More than this a day for one subscription is a typing slip.</summary>
    public const decimal Max = 100m;

    public static bool HasAtMostThreeDecimals(decimal quantity) => decimal.Round(quantity, 3) == quantity;

    public static bool IsWhole(decimal quantity) => decimal.Truncate(quantity) == quantity;
}
