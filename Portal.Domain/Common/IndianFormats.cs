using System.Globalization;

namespace Portal.Domain.Common;

/// <summary>Money and dates the way people in India read them: ₹1,23,456.50 and 24 Nov 2026.</summary>
public static class IndianFormats
{
    public static readonly CultureInfo Culture = CreateCulture();

    private static CultureInfo CreateCulture()
    {
        var culture = (CultureInfo)CultureInfo.GetCultureInfo("en-IN").Clone();
        culture.NumberFormat.CurrencySymbol = "₹";
        culture.NumberFormat.CurrencyGroupSizes = [3, 2];
        culture.NumberFormat.NumberGroupSizes = [3, 2];
        culture.NumberFormat.CurrencyPositivePattern = 0;
        culture.NumberFormat.CurrencyNegativePattern = 1;
        culture.DateTimeFormat.ShortDatePattern = "d MMM yyyy";
        return CultureInfo.ReadOnly(culture);
    }

    public static string Money(decimal amount) => amount.ToString("C2", Culture);

    public static string Date(DateOnly date) => date.ToString("d MMM yyyy", Culture);

    public static string Date(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("d MMM yyyy", Culture);

    public static string DateTime(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("d MMM yyyy, HH:mm", Culture);

    public static string Quantity(decimal quantity) => quantity.ToString("0.###", Culture);
}
