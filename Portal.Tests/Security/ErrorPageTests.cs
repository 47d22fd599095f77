using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>A failure under a page: the person gets a friendly page and a reference, the log gets the same reference and the failure.</summary>
internal static partial class BrokenDatabase
{
    private static readonly string[] NeverShown = ["Exception", "Npgsql", "SELECT", "at Portal.", "customers_broken", "42P01"];

    /// <summary>Renames the customers table for the length of one request by <paramref name="client"/>, then checks the answer and the log.</summary>
    public static async Task AssertFailureIsReferencedAsync(PortalServer server, PortalHttpClient client, string path)
    {
        PortalResponse answer;
        await using (var db = new PortalDbContext(TestDatabase.OptionsFor(server.Database)))
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE customers RENAME TO customers_broken");
            try
            {
                answer = await client.GetAsync(path);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync("ALTER TABLE customers_broken RENAME TO customers");
            }
        }

        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal("Something went wrong · Portal", answer.Title);
        var reference = ReferencePattern().Match(answer.Body);
        Assert.True(reference.Success, "The error page shows no reference: " + answer.VisibleText);
        foreach (var word in NeverShown)
        {
            Assert.DoesNotContain(word, answer.Body, StringComparison.Ordinal);
        }

        var logged = await LoggedAsync(server, reference.Groups[1].Value);
        Assert.Contains($"Request failed, reference {reference.Groups[1].Value}: GET", logged, StringComparison.Ordinal);
        Assert.Contains("Npgsql.PostgresException", logged, StringComparison.Ordinal);
        Assert.Contains("relation \"customers\" does not exist", logged, StringComparison.Ordinal);
    }

    /// <summary>The log from the line naming the reference on: the portal's output reaches the test a moment after the answer.</summary>
    private static async Task<string> LoggedAsync(PortalServer server, string reference)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var log = server.Log;
            var at = log.IndexOf($"reference {reference}", StringComparison.Ordinal);
            if (at >= 0 && log.IndexOf("does not exist", at, StringComparison.Ordinal) >= 0)
            {
                return log[Math.Max(0, log.LastIndexOf('\n', at))..];
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The log never mentioned reference {reference}. Its log:{Environment.NewLine}{log}");
            }
            await Task.Delay(100);
        }
    }

    [GeneratedRegex("""data-testid="error-reference">([A-Z0-9]{8})<""")]
    private static partial Regex ReferencePattern();
}

[Collection(ProductionServerCollection.Name)]
public sealed class ProductionErrorPageTests(ProductionServer portal)
{
    [Fact]
    public async Task In_production_a_page_whose_data_cannot_be_read_answers_500_with_a_reference_and_no_details()
    {
        using var client = portal.NewClient();
        await client.SignInAsync(portal.StaffLogin, ProductionServer.Password);

        await BrokenDatabase.AssertFailureIsReferencedAsync(portal.Server, client, "/office");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/office")).Status);
    }
}

/// <summary>Development too: run.sh is a demo people click through, and its developer exception page would show them a stack trace.</summary>
[Collection(SecurityServerCollection.Name)]
public sealed class DevelopmentErrorPageTests(SecurityServer portal)
{
    [Fact]
    public async Task In_development_a_page_whose_data_cannot_be_read_answers_500_with_a_reference_and_no_stack_trace()
    {
        using var client = portal.NewClient();
        await client.SignInAsync(DemoData.Logins.Single(l => l.Role == Roles.Manager).SignInWith, DemoData.Password);

        await BrokenDatabase.AssertFailureIsReferencedAsync(portal.Server, client, $"/customers/{portal.Records.CustomerId}");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/customers/{portal.Records.CustomerId}")).Status);
    }
}
