using Portal.Domain.Common;

namespace Portal.Tests.Common;

/// <summary>Money as ₹1,23,456.50 (lakh and crore grouping, paise) and dates as 24 Nov 2026, in Indian time.</summary>
public sealed class IndianFormatsTests
{
    private static readonly TimeZoneInfo India = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    [Theory]
    [InlineData("123456.5", "₹1,23,456.50")]
    [InlineData("0", "₹0.00")]
    [InlineData("1234567.891", "₹12,34,567.89")]
    [InlineData("10000000", "₹1,00,00,000.00")]
    [InlineData("999.995", "₹1,000.00")]
    [InlineData("56", "₹56.00")]
    [InlineData("-1234.5", "-₹1,234.50")]
    public void Money_is_written_the_Indian_way_rounded_to_paise(string amount, string expected)
    {
        Assert.Equal(expected, IndianFormats.Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Money_does_not_depend_on_the_current_culture()
    {
        var before = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("₹1,23,456.50", IndianFormats.Money(123456.5m));
            Assert.Equal("24 Nov 2026", IndianFormats.Date(new DateOnly(2026, 11, 24)));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = before;
        }
    }

    [Theory]
    [InlineData(2026, 11, 24, "24 Nov 2026")]
    [InlineData(2026, 1, 5, "5 Jan 2026")]
    [InlineData(2027, 3, 31, "31 Mar 2027")]
    public void Dates_are_written_day_short_month_year(int year, int month, int day, string expected)
    {
        Assert.Equal(expected, IndianFormats.Date(new DateOnly(year, month, day)));
    }

    [Fact]
    public void An_instant_is_written_in_Indian_time()
    {
        var instant = new DateTimeOffset(2026, 11, 24, 19, 0, 0, TimeSpan.Zero);

        Assert.Equal("25 Nov 2026, 00:30", IndianFormats.DateTime(instant, India));
        Assert.Equal("25 Nov 2026", IndianFormats.Date(instant, India));
    }

    [Fact]
    public void Quantities_show_no_more_decimals_than_they_need()
    {
        Assert.Equal("1", IndianFormats.Quantity(1.000m));
        Assert.Equal("0.5", IndianFormats.Quantity(0.500m));
        Assert.Equal("1.25", IndianFormats.Quantity(1.250m));
    }
}
