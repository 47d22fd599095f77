using System.Globalization;
using Portal.Domain.Common;
using Portal.Domain.Deliveries;
using Portal.Domain.Products;
using Portal.Domain.SelfService;
using Portal.Domain.Subscriptions;

namespace Portal.Components.Pages.Customer;

/// <summary>How the customer's pages say dates, quantities and what happened, in the household's words rather than the office's.</summary>
public static class CustomerWords
{
    /// <summary>
    /// The one answer for an id that is someone else's and for an id that does not exist: saying which would tell
    /// a curious customer that another household's record is there.
    /// </summary>
    public const string NotInAccount = "We couldn't find that in your account.";

    public const string NoCustomer = "Your login is not linked to a customer account. Please call the office.";

    /// <summary>"Wed 25 Nov".</summary>
    public static string Day(DateOnly date) => date.ToString("ddd d MMM", IndianFormats.Culture);

    /// <summary>"Wed 25 Nov 2026".</summary>
    public static string LongDay(DateOnly date) => $"{date.ToString("ddd", IndianFormats.Culture)} {IndianFormats.Date(date)}";

    /// <summary>"November 2026".</summary>
    public static string Month(DateOnly month) => month.ToString("MMMM yyyy", IndianFormats.Culture);

    /// <summary>The <c>?month=</c> form: "2026-11".</summary>
    public static string MonthKey(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string DateKey(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool TryParseMonth(string? text, out DateOnly month)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            month = new DateOnly(parsed.Year, parsed.Month, 1);
            return true;
        }
        month = default;
        return false;
    }

    public static string CalendarPath(DateOnly month) => $"/me/deliveries?month={MonthKey(month)}";

    /// <summary>"9:00 pm" in India.</summary>
    public static string Time(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var hour = local.Hour % 12 == 0 ? 12 : local.Hour % 12;
        return string.Create(CultureInfo.InvariantCulture, $"{hour}:{local.Minute:D2} {(local.Hour < 12 ? "am" : "pm")}");
    }

    /// <summary>"1 L", "0.5 kg", "2 packs".</summary>
    public static string Quantity(decimal quantity, ProductUnit unit) =>
        $"{IndianFormats.Quantity(quantity)} {SubscriptionService.UnitText(unit, quantity)}";

    /// <summary>How far one tap of a stepper goes: whole pieces and packs, half litres and kilos.</summary>
    public static decimal Step(ProductUnit unit) => Product.IsWholeUnit(unit) ? 1m : 0.5m;

    public static string Reason(NotDeliveredReason? reason, string? note)
    {
        var words = reason switch
        {
            NotDeliveredReason.CustomerAway => "You were away",
            NotDeliveredReason.Refused => "Refused at the door",
            NotDeliveredReason.OutOfStock => "Out of stock",
            NotDeliveredReason.AddressNotFound => "Address not found",
            NotDeliveredReason.Other => "Other reason",
            _ => "No reason given",
        };
        if (string.IsNullOrWhiteSpace(note))
        {
            return words;
        }
        return reason == NotDeliveredReason.Other ? note.Trim() : $"{words}: {note.Trim()}";
    }

    public static string Outcome(DeliveryOutcome outcome) => outcome switch
    {
        DeliveryOutcome.Delivered => "Delivered",
        DeliveryOutcome.Partial => "Part delivered",
        _ => "Not delivered",
    };

    /// <summary>The CSS modifier a state's colour hangs on (dots, legend, list).</summary>
    public static string Css(CalendarState state) => state switch
    {
        CalendarState.Delivered => "delivered",
        CalendarState.Partial => "partial",
        CalendarState.NotDelivered => "missed",
        CalendarState.NotRecorded => "unrecorded",
        CalendarState.Skipped => "skipped",
        CalendarState.Paused => "paused",
        _ => "upcoming",
    };

    public static string Css(DeliveryOutcome outcome) => outcome switch
    {
        DeliveryOutcome.Delivered => Css(CalendarState.Delivered),
        DeliveryOutcome.Partial => Css(CalendarState.Partial),
        _ => Css(CalendarState.NotDelivered),
    };

    /// <summary>The legend's words for each state.</summary>
    public static string Legend(CalendarState state) => state switch
    {
        CalendarState.Delivered => "Delivered",
        CalendarState.Partial => "Part delivered",
        CalendarState.NotDelivered => "Not delivered",
        CalendarState.NotRecorded => "Not recorded yet (not billed)",
        CalendarState.Skipped => "Skipped",
        CalendarState.Paused => "Paused",
        _ => "Coming",
    };

    /// <summary>What happened to one thing due, in a few words: "1 L delivered", "1 of 2 L", "Not delivered: You were away".</summary>
    public static string Happened(CalendarItem item) => item.State switch
    {
        CalendarState.Delivered => $"{Quantity(item.Delivered ?? item.Due, item.Unit)} delivered",
        CalendarState.Partial => $"{IndianFormats.Quantity(item.Delivered ?? 0)} of {Quantity(item.Due, item.Unit)}",
        CalendarState.NotDelivered => $"Not delivered: {Reason(item.Reason, item.ReasonNote)}",
        CalendarState.NotRecorded => "Not recorded yet — not billed",
        CalendarState.Skipped => "Skipped",
        CalendarState.Paused => "Paused",
        _ => $"{Quantity(item.Due, item.Unit)} due",
    };

    public static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
