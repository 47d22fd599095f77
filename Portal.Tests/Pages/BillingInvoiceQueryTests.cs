using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Billing;
using Portal.Domain.Common;
using Portal.Domain.Customers;
using Portal.Domain.Identity;
using Portal.Domain.Products;
using Portal.Domain.Routes;
using Portal.Infrastructure;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

/// <summary>What the runs, invoices and CSV pages read through <see cref="InvoiceService"/>, on a real database with a real run.</summary>
public sealed class BillingInvoiceQueryTests(BillingInvoiceQueryTests.BilledOctober october) : IClassFixture<BillingInvoiceQueryTests.BilledOctober>
{
    private static readonly DateOnly October = new(2026, 10, 1);


    /// <summary>One database with October billed once, shared by the tests of this class (they only read).</summary>
    public sealed class BilledOctober : IAsyncLifetime
    {
        public DatabaseFixture Database { get; } = new();

        public Caller Manager { get; private set; } = null!;

        public DeliveryRoute North { get; private set; } = null!;

        public Customer Asha { get; private set; } = null!;

        public Customer Chitra { get; private set; } = null!;

        public int RunId { get; private set; }

        public async Task InitializeAsync()
        {
            await Database.InitializeAsync();
            await using var db = Database.CreateContext();
            var managerUser = await TestData.AddUserAsync(db, Roles.Manager);
            managerUser.DisplayName = "Mohan Manager";
            await db.SaveChangesAsync();
            Manager = Caller.For(managerUser, Roles.Manager);
            var agent = await TestData.AddUserAsync(db, Roles.DeliveryAgent);
            North = await TestData.AddRouteAsync(db, agent);
            var south = await TestData.AddRouteAsync(db, agent);
            var milk = await TestData.AddProductAsync(db, unitPrice: 50m);
            Asha = await TestData.AddCustomerAsync(db, North, name: "Asha Rao");
            var bala = await TestData.AddCustomerAsync(db, south, name: "=Bala Krishnan");
            Chitra = await TestData.AddCustomerAsync(db, North, name: "Chitra Das");
            foreach (var customer in new[] { Asha, bala, Chitra })
            {
                var subscription = await TestData.AddSubscriptionAsync(db, customer, milk, new DateOnly(2026, 10, 10));
                subscription.EndDate = new DateOnly(2026, 10, 12);
                await db.SaveChangesAsync();
                await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 10, 10), agent);
                if (customer != Chitra)
                {
                    await TestData.AddDeliveryAsync(db, subscription, new DateOnly(2026, 10, 11), agent, planned: 1m, delivered: 0.5m);
                }
            }
            await using var scope = Database.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<BillingService>().RunAsync(Manager, October);
            Assert.True(result.Succeeded, result.GeneralError);
            RunId = result.Value!.RunId!.Value;
        }

        public Task DisposeAsync() => Database.DisposeAsync();
    }


    private async Task<T> WithInvoicesAsync<T>(Func<InvoiceService, Task<T>> read)
    {
        await using var scope = october.Database.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<InvoiceService>());
    }

    [Fact]
    public async Task The_runs_list_shows_who_billed_which_month_with_its_counts_and_total()
    {
        var runs = await WithInvoicesAsync(s => s.RunsAsync(october.Manager));

        var run = Assert.Single(runs);
        Assert.Equal((October, false, "Mohan Manager"), (run.Month, run.IsSupplementary, run.StartedBy));
        // 3 full days at ₹50 and 2 half litres at ₹25.
        Assert.Equal((3, 5, 200m), (run.CustomersBilled, run.DeliveriesBilled, run.Total));
        Assert.Equal(4, run.Missing);
    }

    [Fact]
    public async Task A_runs_missing_deliveries_are_listed_by_date_then_route()
    {
        var missing = await WithInvoicesAsync(s => s.MissingOfRunAsync(october.Manager, october.RunId));

        // 11 Oct for Chitra; 12 Oct for all three (north before south by name, then customers by name).
        Assert.Equal(
            [(new DateOnly(2026, 10, 11), "Chitra Das"), (new DateOnly(2026, 10, 12), "Asha Rao"), (new DateOnly(2026, 10, 12), "Chitra Das"), (new DateOnly(2026, 10, 12), "=Bala Krishnan")],
            missing.Select(m => (m.Date, m.CustomerName)));
        Assert.All(missing, m => Assert.Equal(1m, m.Planned));
    }

    [Fact]
    public async Task Invoices_filter_on_the_server_by_route_month_and_number_or_customer()
    {
        var byRoute = await WithInvoicesAsync(s => s.InvoicesAsync(october.Manager, new InvoiceQuery(RouteId: october.North.Id)));
        var otherMonth = await WithInvoicesAsync(s => s.InvoicesAsync(october.Manager, new InvoiceQuery(Month: new DateOnly(2026, 9, 1))));
        var byName = await WithInvoicesAsync(s => s.InvoicesAsync(october.Manager, new InvoiceQuery(Month: October, Search: "chitra")));
        var number = byName.Rows.Single().Number;
        var byNumber = await WithInvoicesAsync(s => s.InvoicesAsync(october.Manager, new InvoiceQuery(Search: number)));
        var paged = await WithInvoicesAsync(s => s.InvoicesAsync(october.Manager, new InvoiceQuery(Page: 1, PageSize: 2)));

        Assert.Equal(["Asha Rao", "Chitra Das"], byRoute.Rows.Select(r => r.CustomerName).Order(StringComparer.Ordinal));
        Assert.Equal(0, otherMonth.Total);
        Assert.Equal(october.Chitra.Id, Assert.Single(byNumber.Rows).CustomerId);
        Assert.Equal((3, 1), (paged.Total, paged.Rows.Count));
    }

    [Fact]
    public async Task An_invoice_traces_each_line_to_its_delivery_with_planned_and_delivered_quantities()
    {
        var id = (await WithInvoicesAsync(s => s.InvoicesAsync(october.Manager, new InvoiceQuery(CustomerId: october.Asha.Id)))).Rows.Single().Id;

        var invoice = await WithInvoicesAsync(s => s.InvoiceAsync(october.Manager, id));

        Assert.NotNull(invoice);
        Assert.Equal(75m, invoice.Total);
        Assert.Equal(
            [(new DateOnly(2026, 10, 10), 1m, 1m, 50m), (new DateOnly(2026, 10, 11), 1m, 0.5m, 25m)],
            invoice.Lines.Select(l => (l.DeliveryDate, l.Planned, l.Delivered, l.Amount)));
        Assert.All(invoice.Lines, l => Assert.Equal((october.North.Id, (int?)null), (l.RouteId!.Value, l.OrderId)));
        Assert.Equal(invoice.Total, invoice.Lines.Sum(l => l.Amount));
        Assert.Null(await WithInvoicesAsync(s => s.InvoiceAsync(october.Manager, id + 1000)));
    }

    [Fact]
    public async Task The_runs_CSV_has_a_line_per_invoice_and_keeps_a_formula_like_name_as_text()
    {
        var rows = await WithInvoicesAsync(s => s.RunInvoicesAsync(october.Manager, october.RunId));

        var lines = Encoding.UTF8.GetString(BillingExports.Write(rows)).TrimStart('\uFEFF').Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("Invoice number,Customer,Mobile,Route,Lines,Total (INR)", lines[0]);
        Assert.Equal(4, lines.Length);
        var bala = Assert.Single(lines, l => l.Contains("Bala Krishnan", StringComparison.Ordinal));
        Assert.DoesNotContain(",=Bala", bala, StringComparison.Ordinal);
        Assert.EndsWith(",2,75.00", bala, StringComparison.Ordinal);
        Assert.StartsWith("INV/2026-27/", lines[1], StringComparison.Ordinal);
    }
}
