using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Authorization;
using Portal.Components.Pages.Deliveries;
using Portal.Domain.Common;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Subscriptions;

namespace Portal.Infrastructure;

/// <summary>One line of the sheet's CSV: one item due at one stop, with what was recorded for it.</summary>
[CsvRecord]
public sealed partial record SheetCsvRow(
    [property: CsvColumn("Stop")] string Stop,
    [property: CsvColumn("Customer")] string Customer,
    [property: CsvColumn("Address")] string Address,
    [property: CsvColumn("Area")] string Area,
    [property: CsvColumn("Product")] string Product,
    [property: CsvColumn("Planned")] string Planned,
    [property: CsvColumn("Unit")] string Unit,
    [property: CsvColumn("Delivered")] string Delivered,
    [property: CsvColumn("Outcome")] string Outcome,
    [property: CsvColumn("Reason")] string Reason,
    [property: CsvColumn("Recorded by")] string RecordedBy,
    [property: CsvColumn("Recorded at (IST)")] string RecordedAt);

/// <summary>The delivery sheet as a CSV file for the office: <c>/deliveries/{routeId}/{date}/sheet.csv</c>.</summary>
public static class DeliveryExports
{
    // A customer named "=HYPERLINK(...)" stays text in a spreadsheet; the byte-order mark makes Excel read UTF-8 names correctly.
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape, WriteByteOrderMark = true };

    public static IEndpointConventionBuilder MapDeliveryExports(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/deliveries/{routeId:int}/{date}/sheet.csv", DownloadAsync)
            .RequireAuthorization(new AuthorizeAttribute { Roles = Roles.Office });

    private static async Task<IResult> DownloadAsync(int routeId, string date, HttpContext http, DeliveryService deliveries, PortalClock clock)
    {
        if (!DeliveryWords.TryParseDate(date, out var day))
        {
            return Results.NotFound();
        }
        DeliverySheet sheet;
        try
        {
            sheet = await deliveries.GetSheetAsync(Recorder.Person(Caller.From(http.User, PortalClaims.DisplayName)), routeId, day, http.RequestAborted);
        }
        catch (AccessDeniedException)
        {
            // Office roles may read every route's sheet, so a refusal here means the route does not exist.
            return Results.NotFound();
        }
        http.Response.Headers.CacheControl = "no-store";
        return Results.File(Write(sheet, clock.Zone), "text/csv; charset=utf-8", FileName(sheet.RouteName, sheet.Date));
    }

    /// <summary>The CSV bytes: a header, then a line per item in stop order.</summary>
    public static byte[] Write(DeliverySheet sheet, TimeZoneInfo zone)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, Options, leaveOpen: true))
        {
            csv.WriteRecords(Rows(sheet, zone));
        }
        return buffer.ToArray();
    }

    public static IEnumerable<SheetCsvRow> Rows(DeliverySheet sheet, TimeZoneInfo zone) =>
        from stop in sheet.Stops
        from item in stop.Items
        let recorded = item.Recorded
        select new SheetCsvRow(
            stop.StopOrder?.ToString(CultureInfo.InvariantCulture) ?? "",
            stop.CustomerName,
            stop.AddressLine,
            stop.Area,
            item.Due.Kind == DueKind.OrderLine ? $"{item.Due.ProductName} (order #{item.Due.OrderId})" : item.Due.ProductName,
            Number(item.Due.PlannedQuantity),
            SubscriptionService.UnitText(item.Due.Unit, item.Due.PlannedQuantity),
            recorded is null ? "" : Number(recorded.DeliveredQuantity),
            DeliveryWords.Outcome(recorded?.Outcome),
            recorded is null ? "" : DeliveryWords.ReasonWithNote(recorded.Reason, recorded.ReasonNote),
            recorded?.RecordedBy ?? "",
            recorded is null ? "" : TimeZoneInfo.ConvertTime(recorded.RecordedAt, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));

    /// <summary>"Koramangala-Morning-2026-11-24.csv": the route and the date, safe in any file system.</summary>
    public static string FileName(string routeName, DateOnly date)
    {
        var name = new StringBuilder();
        foreach (var c in routeName.Trim())
        {
            name.Append(char.IsLetterOrDigit(c) ? c : '-');
        }
        var slug = string.Join('-', name.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        return $"{(slug.Length == 0 ? "sheet" : slug)}-{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv";
    }

    private static string Number(decimal quantity) => quantity.ToString("0.###", CultureInfo.InvariantCulture);
}
