using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.SharedLinks;
using Portal.Tests.Deliveries;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.SharedLinks;

/// <summary>Links for a substitute: 128 random bits shown once, only a hash kept, one sheet, expiring and revocable, every use audited.</summary>
public sealed class SharedLinkServiceTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static readonly DateOnly Today = DeliveryGround.Today;
    private IServiceScope scope = null!;
    private DeliveryGround ground = null!;

    private SharedLinkService Links => scope.ServiceProvider.GetRequiredService<SharedLinkService>();

    private DeliveryService Deliveries => scope.ServiceProvider.GetRequiredService<DeliveryService>();

    public async Task InitializeAsync()
    {
        fixture.Time.AdjustTime(TestServices.DefaultNow);
        scope = fixture.Services.CreateScope();
        ground = await DeliveryGround.CreateAsync(fixture);
    }

    public Task DisposeAsync()
    {
        scope.Dispose();
        return Task.CompletedTask;
    }

    private async Task<SharedLinkCreated> CreateAsync(DateOnly? date = null, DateTimeOffset? expiresAt = null) =>
        ResultAssert.Succeeded(await Links.CreateAsync(ground.Staff, ground.Route.Id, date ?? Today, expiresAt));

    /// <summary>Why the token does not open, asserting that it does not.</summary>
    private async Task<LinkRefusal?> RefusalOfAsync(string? token)
    {
        var (link, refusal) = await Links.OpenAsync(token);
        Assert.Null(link);
        return refusal;
    }

    [Fact]
    public async Task A_token_is_128_random_bits_in_base64url_and_only_its_sha256_is_stored()
    {
        var first = await CreateAsync();
        var second = await CreateAsync();

        Assert.Matches("^[A-Za-z0-9_-]{22}$", first.Token);
        Assert.Equal(16, WebEncoders.Base64UrlDecode(first.Token).Length);
        Assert.NotEqual(first.Token, second.Token);
        await using var db = fixture.CreateContext();
        var stored = await db.SharedLinks.AsNoTracking().SingleAsync(l => l.Id == first.Id);
        Assert.Equal(32, stored.TokenHash.Length);
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(first.Token)), stored.TokenHash);
    }

    [Fact]
    public async Task The_token_itself_appears_nowhere_in_the_database()
    {
        var created = await CreateAsync();
        var stop = await ground.AddStopAsync();
        var link = (await Links.OpenAsync(created.Token)).Link!;
        ResultAssert.Succeeded(await Deliveries.RecordAsync(link.Recorder, ground.Full(stop.Subscription)));
        var rawHex = Convert.ToHexStringLower(WebEncoders.Base64UrlDecode(created.Token));

        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        Assert.Contains("shared_links", tables);
        foreach (var table in tables)
        {
            await using var search = new NpgsqlCommand(
                $"SELECT count(*) FROM {table} t WHERE strpos(t::text, @token) > 0 OR strpos(lower(t::text), @raw) > 0", connection);
            search.Parameters.AddWithValue("token", created.Token);
            search.Parameters.AddWithValue("raw", rawHex);
            Assert.True(0L == (long)(await search.ExecuteScalarAsync())!, $"The token (or its bytes) is stored in {table}.");
        }
    }

    [Fact]
    public async Task A_link_lasts_until_the_end_of_its_sheets_day_in_India_by_default()
    {
        var created = await CreateAsync();

        var expiresIst = TimeZoneInfo.ConvertTime(created.ExpiresAt, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        Assert.Equal(new DateTime(2026, 11, 24, 23, 59, 59), expiresIst.DateTime.AddTicks(-(expiresIst.DateTime.Ticks % TimeSpan.TicksPerSecond)));
        fixture.Time.AdjustTime(new DateTimeOffset(2026, 11, 24, 23, 59, 0, TimeSpan.FromHours(5.5)).ToUniversalTime());
        Assert.NotNull((await Links.OpenAsync(created.Token)).Link);
        fixture.Time.AdjustTime(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.FromHours(5.5)).ToUniversalTime());
        Assert.Equal(LinkRefusal.Expired, await RefusalOfAsync(created.Token));
    }

    [Fact]
    public async Task An_open_link_gives_its_route_and_date_and_records_as_the_link()
    {
        var created = await CreateAsync();

        var (link, refusal) = await Links.OpenAsync(created.Token);

        Assert.Null(refusal);
        Assert.Equal((created.Id, ground.Route.Id, ground.Route.Name, Today), (link!.LinkId, link.RouteId, link.RouteName, link.SheetDate));
        Assert.Equal(created.Id, link.Recorder.SharedLinkId);
        Assert.Null(link.Recorder.Caller);
    }

    [Fact]
    public async Task A_revoked_link_is_refused_as_revoked()
    {
        var created = await CreateAsync();

        ResultAssert.Succeeded(await Links.RevokeAsync(ground.Staff, created.Id));

        Assert.Equal(LinkRefusal.Revoked, await RefusalOfAsync(created.Token));
        var row = Assert.Single(await Links.ListAsync(ground.Staff, Today), r => r.Id == created.Id);
        Assert.False(row.IsActive);
        Assert.NotNull(row.RevokedAt);
    }

    [Fact]
    public async Task An_expired_link_is_refused_as_expired()
    {
        var created = await CreateAsync(expiresAt: fixture.Time.GetUtcNow().AddMinutes(30));

        fixture.Time.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(LinkRefusal.Expired, await RefusalOfAsync(created.Token));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task An_unknown_or_malformed_token_is_refused_as_unknown(string? token)
    {
        await CreateAsync();

        Assert.Equal(LinkRefusal.Unknown, await RefusalOfAsync(token));
    }

    [Fact]
    public async Task A_tampered_token_is_refused_as_unknown()
    {
        var created = await CreateAsync();
        var token = created.Token;
        var flipped = token[5] == 'A' ? 'B' : 'A';

        foreach (var tampered in new[] { token[..5] + flipped + token[6..], token[..^1], token + "A", token.ToUpperInvariant() == token ? token.ToLowerInvariant() : token.ToUpperInvariant() })
        {
            Assert.Equal(LinkRefusal.Unknown, await RefusalOfAsync(tampered));
        }
        Assert.NotNull((await Links.OpenAsync(token)).Link);
    }

    [Fact]
    public async Task Every_recording_through_a_link_is_audited_with_the_link_as_the_recorder()
    {
        var created = await CreateAsync();
        var byAgent = await ground.AddStopAsync(daily: 2m);
        var byLink = await ground.AddStopAsync(daily: 2m);
        var agents = ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(byAgent.Subscription)));
        var recorder = (await Links.OpenAsync(created.Token)).Link!.Recorder;

        ResultAssert.Succeeded(await Deliveries.RecordAsync(recorder, ground.Missed(byLink.Subscription, NotDeliveredReason.AddressNotFound)));
        ResultAssert.Succeeded(await Deliveries.RecordAsync(recorder, ground.Partial(byAgent.Subscription, 1m, version: agents.Version)));

        await using var db = fixture.CreateContext();
        var entries = await db.AuditEntries.AsNoTracking().Where(a => a.ActorSharedLinkId == created.Id).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([AuditActions.DeliveryRecorded, AuditActions.DeliveryCorrected], entries.Select(e => e.Action));
        Assert.Equal([byLink.Customer.Id, byAgent.Customer.Id], entries.Select(e => e.CustomerId!.Value));
        Assert.All(entries, e => Assert.Null(e.ActorUserId));
        Assert.All(entries, e => Assert.Equal(recorder.Name, e.ActorName));
        var deliveries = await db.Deliveries.AsNoTracking()
            .Where(d => d.SubscriptionId == byAgent.Subscription.Id || d.SubscriptionId == byLink.Subscription.Id).ToListAsync();
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal((created.Id, (string?)null), (d.RecordedViaSharedLinkId!.Value, d.RecordedByUserId)));
    }

    [Fact]
    public async Task Creating_and_revoking_a_link_are_audited()
    {
        var created = await CreateAsync();
        ResultAssert.Succeeded(await Links.RevokeAsync(ground.Staff, created.Id));

        await using var db = fixture.CreateContext();
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == SharedLinkService.EntityType && a.EntityId == created.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([AuditActions.SharedLinkCreated, AuditActions.SharedLinkRevoked], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(ground.StaffUser.Id, e.ActorUserId));
        Assert.DoesNotContain(entries, e => e.Summary.Contains(created.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_office_roles_create_list_or_revoke_links()
    {
        var created = await CreateAsync();

        await Assert.ThrowsAsync<AccessDeniedException>(() => Links.CreateAsync(ground.Agent, ground.Route.Id, Today));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Links.RevokeAsync(ground.Agent, created.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Links.ListAsync(ground.Agent, Today));

        Assert.NotNull((await Links.OpenAsync(created.Token)).Link);
    }

    [Fact]
    public async Task A_link_is_for_today_or_later_and_lasts_at_most_to_the_end_of_the_next_day()
    {
        var yesterday = await Links.CreateAsync(ground.Staff, ground.Route.Id, Today.AddDays(-1));
        var alreadyOver = await Links.CreateAsync(ground.Staff, ground.Route.Id, Today, fixture.Time.GetUtcNow().AddMinutes(-1));
        var tooLong = await Links.CreateAsync(ground.Staff, ground.Route.Id, Today, new DateTimeOffset(2026, 11, 26, 0, 0, 1, TimeSpan.FromHours(5.5)));
        var nextDay = await Links.CreateAsync(ground.Staff, ground.Route.Id, Today, new DateTimeOffset(2026, 11, 25, 23, 0, 0, TimeSpan.FromHours(5.5)));

        ResultAssert.Refused(yesterday, "SheetDate");
        ResultAssert.Refused(alreadyOver, "ExpiresAt");
        ResultAssert.Refused(tooLong, "ExpiresAt");
        ResultAssert.Succeeded(nextDay);
    }
}
