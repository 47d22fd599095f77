using MudBlazor;
using Portal.Domain.Common;
using Portal.Domain.Deliveries;
using Portal.Domain.Products;
using Portal.Domain.Subscriptions;

namespace Portal.Components.Pages.Deliveries;

/// <summary>How the sheet, the day view, the print view and the CSV say outcomes, reasons and quantities, so they all say them alike.</summary>
public static class DeliveryWords
{
    public static readonly IReadOnlyList<NotDeliveredReason> Reasons = Enum.GetValues<NotDeliveredReason>();

    public static string Outcome(DeliveryOutcome? outcome) => outcome switch
    {
        DeliveryOutcome.Delivered => "Delivered",
        DeliveryOutcome.Partial => "Part delivered",
        DeliveryOutcome.NotDelivered => "Not delivered",
        _ => "Pending",
    };

    public static string Reason(NotDeliveredReason? reason) => reason switch
    {
        NotDeliveredReason.CustomerAway => "Customer away",
        NotDeliveredReason.Refused => "Refused",
        NotDeliveredReason.OutOfStock => "Out of stock",
        NotDeliveredReason.AddressNotFound => "Address not found",
        NotDeliveredReason.Other => "Other",
        _ => "",
    };

    /// <summary>"Customer away", or for Other the note itself: "Gate locked".</summary>
    public static string ReasonWithNote(NotDeliveredReason? reason, string? note) =>
        reason == NotDeliveredReason.Other && !string.IsNullOrWhiteSpace(note) ? note
        : string.IsNullOrWhiteSpace(note) ? Reason(reason)
        : $"{Reason(reason)}: {note}";

    /// <summary>"2 L", "1 pack", "3 pieces".</summary>
    public static string Quantity(decimal quantity, ProductUnit unit) =>
        $"{IndianFormats.Quantity(quantity)} {SubscriptionService.UnitText(unit, quantity)}";

    /// <summary>What happened in a few words: "Delivered 2 L", "5 of 10 L", "Not delivered: Customer away".</summary>
    public static string Summary(RecordedOutcome recorded, ProductUnit unit) => recorded.Outcome switch
    {
        DeliveryOutcome.Delivered => $"Delivered {Quantity(recorded.DeliveredQuantity, unit)}",
        DeliveryOutcome.Partial => $"Part: {IndianFormats.Quantity(recorded.DeliveredQuantity)} of {Quantity(recorded.PlannedQuantity, unit)}",
        _ => $"Not delivered: {ReasonWithNote(recorded.Reason, recorded.ReasonNote)}",
    };

    public static string Icon(DeliveryOutcome? outcome) => outcome switch
    {
        DeliveryOutcome.Delivered => Icons.Material.Filled.CheckCircle,
        DeliveryOutcome.Partial => Icons.Material.Filled.Contrast,
        DeliveryOutcome.NotDelivered => Icons.Material.Filled.Cancel,
        _ => Icons.Material.Outlined.Circle,
    };

    /// <summary>The CSS modifier the sheet's colours hang on: done, partial, missed, pending.</summary>
    public static string Css(DeliveryOutcome? outcome) => outcome switch
    {
        DeliveryOutcome.Delivered => "done",
        DeliveryOutcome.Partial => "partial",
        DeliveryOutcome.NotDelivered => "missed",
        _ => "pending",
    };

    /// <summary>The step of the part-delivery steppers: whole pieces and packs; half litres and kilos, or quarters of small quantities.</summary>
    public static decimal Step(ProductUnit unit, decimal planned) =>
        Product.IsWholeUnit(unit) ? 1m : planned > 2m ? 0.5m : 0.25m;

    /// <summary>
    /// What the part-delivery stepper starts at: about half of what was planned, on the step, so "5 of 10 L" is two taps.
    /// Null when nothing between 0 and the planned quantity fits the step (1 pack planned: delivered or not, nothing between).
    /// </summary>
    public static decimal? PartStart(decimal planned, ProductUnit unit)
    {
        var step = Step(unit, planned);
        var half = Math.Floor(planned / 2 / step) * step;
        if (half <= 0)
        {
            half = step;
        }
        // Normalised so the field shows 0.25, not 0.2500.
        return half < planned ? half / 1.000000000000000000000000000m : null;
    }

    /// <summary>Time in India of an instant, with the date too when it is not the sheet's day: "07:12" or "23 Nov, 21:40".</summary>
    public static string When(DateTimeOffset instant, DateOnly sheetDate, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return DateOnly.FromDateTime(local.DateTime) == sheetDate
            ? local.ToString("HH:mm", IndianFormats.Culture)
            : local.ToString("d MMM, HH:mm", IndianFormats.Culture);
    }

    /// <summary>The sheet's address in URLs: /deliveries/3/2026-11-24.</summary>
    public static string SheetPath(int routeId, DateOnly date) =>
        $"/deliveries/{routeId}/{date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}";

    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out date);
}
