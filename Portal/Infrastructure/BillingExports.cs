using System.Globalization;
using CsvHelper;
using Microsoft.AspNetCore.Authorization;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Identity;

namespace Portal.Infrastructure;

/// <summary>One line of a run's invoices CSV: one invoice.</summary>
[CsvRecord]
public sealed partial record RunInvoiceCsvRow(
    [property: CsvColumn("Invoice number")] string Number,
    [property: CsvColumn("Customer")] string Customer,
    [property: CsvColumn("Mobile")] string Mobile,
    [property: CsvColumn("Route")] string Route,
    [property: CsvColumn("Lines")] string Lines,
    [property: CsvColumn("Total (INR)")] string Total);

/// <summary>A billing run's invoices as a CSV file for the office: <c>/billing/runs/{runId}/invoices.csv</c>.</summary>
public static class BillingExports
{
    // A customer named "=HYPERLINK(...)" stays text in a spreadsheet; the byte-order mark makes Excel read UTF-8 names correctly.
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape, WriteByteOrderMark = true };

    public static IEndpointConventionBuilder MapBillingExports(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/billing/runs/{runId:int}/invoices.csv", DownloadAsync)
            .RequireAuthorization(new AuthorizeAttribute { Roles = Roles.Managers });

    private static async Task<IResult> DownloadAsync(int runId, HttpContext http, InvoiceService invoices)
    {
        var rows = await invoices.RunInvoicesAsync(Caller.From(http.User, PortalClaims.DisplayName), runId, http.RequestAborted);
        if (rows.Count == 0)
        {
            return Results.NotFound();
        }
        http.Response.Headers.CacheControl = "no-store";
        return Results.File(Write(rows), "text/csv; charset=utf-8", $"invoices-run-{runId}.csv");
    }

    /// <summary>The CSV bytes: a header, then a line per invoice in number order. Totals are plain numbers, so a spreadsheet can add them.</summary>
    public static byte[] Write(IEnumerable<RunInvoiceExportRow> rows)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, Options, leaveOpen: true))
        {
            csv.WriteRecords(rows.Select(r => new RunInvoiceCsvRow(
                r.Number, r.CustomerName, r.Mobile, r.RouteName ?? "", r.Lines.ToString(CultureInfo.InvariantCulture),
                r.Total.ToString("0.00", CultureInfo.InvariantCulture))));
        }
        return buffer.ToArray();
    }
}
