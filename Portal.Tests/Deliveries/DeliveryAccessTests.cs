using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Common;
using Portal.Domain.Deliveries;
using Portal.Domain.Identity;
using Portal.Domain.Routes;
using Portal.Domain.SharedLinks;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Deliveries;

/// <summary>Who may see and record which sheet: agents their own routes today (yesterday until the cut-off), the office any route, a link its own sheet.</summary>
public sealed class DeliveryAccessTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static readonly DateOnly Today = DeliveryGround.Today;

    /// <summary>20:59 and 21:00 IST on 24 Nov 2026: the last minute before, and the start of, the evening cut-off.</summary>
    private static readonly DateTimeOffset JustBeforeCutoff = new(2026, 11, 24, 15, 29, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset AtCutoff = new(2026, 11, 24, 15, 30, 0, TimeSpan.Zero);

    private IServiceScope scope = null!;
    private DeliveryGround ground = null!;

    private DeliveryService Deliveries => scope.ServiceProvider.GetRequiredService<DeliveryService>();

    private SharedLinkService Links => scope.ServiceProvider.GetRequiredService<SharedLinkService>();

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

    private async Task<DeliveryRoute> AnotherRouteAsync(params PortalUser[] agents)
    {
        await using var db = fixture.CreateContext();
        return await TestData.AddRouteAsync(db, agents);
    }

    [Fact]
    public async Task An_agent_sees_and_records_today_on_a_route_assigned_to_them()
    {
        var stop = await ground.AddStopAsync();

        var sheet = await Deliveries.GetSheetAsync(ground.AgentRecorder, ground.Route.Id, Today);
        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(stop.Subscription)));

        Assert.Contains(sheet.Stops, s => s.CustomerId == stop.Customer.Id);
        Assert.Single(await ground.DeliveriesOfAsync(stop.Subscription));
    }

    [Fact]
    public async Task An_agent_cannot_see_or_record_on_a_route_not_assigned_to_them()
    {
        var someoneElses = await AnotherRouteAsync();
        var stop = await ground.AddStopAsync(route: someoneElses);

        await Assert.ThrowsAsync<AccessDeniedException>(() => Deliveries.GetSheetAsync(ground.AgentRecorder, someoneElses.Id, Today));
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(stop.Subscription) with { RouteId = someoneElses.Id }));

        Assert.Empty(await ground.DeliveriesOfAsync(stop.Subscription));
    }

    [Fact]
    public async Task An_agent_may_correct_yesterday_until_this_evenings_cut_off()
    {
        var before = await ground.AddStopAsync();
        var after = await ground.AddStopAsync();

        fixture.Time.AdjustTime(JustBeforeCutoff);
        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(before.Subscription, Today.AddDays(-1))));
        fixture.Time.AdjustTime(AtCutoff);
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(after.Subscription, Today.AddDays(-1))));

        Assert.Equal(Today.AddDays(-1), Assert.Single(await ground.DeliveriesOfAsync(before.Subscription)).DeliveryDate);
        Assert.Empty(await ground.DeliveriesOfAsync(after.Subscription));
    }

    [Fact]
    public async Task An_agent_works_neither_tomorrow_nor_the_day_before_yesterday()
    {
        var stop = await ground.AddStopAsync();

        foreach (var date in new[] { Today.AddDays(1), Today.AddDays(-2) })
        {
            await Assert.ThrowsAsync<AccessDeniedException>(() => Deliveries.GetSheetAsync(ground.AgentRecorder, ground.Route.Id, date));
            await Assert.ThrowsAsync<AccessDeniedException>(() => Deliveries.RecordAsync(ground.AgentRecorder, ground.Full(stop.Subscription, date)));
        }
        Assert.Empty(await ground.DeliveriesOfAsync(stop.Subscription));
    }

    [Fact]
    public async Task A_customer_can_neither_see_a_sheet_nor_record()
    {
        var stop = await ground.AddStopAsync();
        var customer = Recorder.Person(new Caller(stop.Customer.UserId, stop.Customer.Name, new HashSet<string> { Roles.Customer }));

        await Assert.ThrowsAsync<AccessDeniedException>(() => Deliveries.GetSheetAsync(customer, ground.Route.Id, Today));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Deliveries.RecordAsync(customer, ground.Full(stop.Subscription)));

        Assert.Empty(await ground.DeliveriesOfAsync(stop.Subscription));
    }

    [Theory]
    [InlineData(Roles.Admin)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Staff)]
    public async Task Office_roles_record_on_any_route_for_any_day_up_to_today(string role)
    {
        var noAgents = await AnotherRouteAsync();
        var stop = await ground.AddStopAsync(route: noAgents);
        var office = Recorder.Person(Caller.For(ground.StaffUser, role));
        var tenDaysAgo = Today.AddDays(-10);

        ResultAssert.Succeeded(await Deliveries.RecordAsync(office, ground.Full(stop.Subscription, tenDaysAgo) with { RouteId = noAgents.Id }));
        ResultAssert.Succeeded(await Deliveries.RecordAsync(office, ground.Full(stop.Subscription) with { RouteId = noAgents.Id }));
        var sheet = await Deliveries.GetSheetAsync(office, noAgents.Id, tenDaysAgo);

        Assert.Equal(2, (await ground.DeliveriesOfAsync(stop.Subscription)).Count);
        Assert.Equal(DeliveryOutcome.Delivered, Assert.Single(Assert.Single(sheet.Stops).Items).Recorded?.Outcome);
    }

    [Fact]
    public async Task A_shared_link_records_only_on_its_own_route_and_date()
    {
        var stop = await ground.AddStopAsync();
        var otherRoute = await AnotherRouteAsync();
        var elsewhere = await ground.AddStopAsync(route: otherRoute);
        var created = ResultAssert.Succeeded(await Links.CreateAsync(ground.Staff, ground.Route.Id, Today));
        var (link, _) = await Links.OpenAsync(created.Token);

        ResultAssert.Succeeded(await Deliveries.RecordAsync(link!.Recorder, ground.Full(stop.Subscription)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Deliveries.GetSheetAsync(link.Recorder, otherRoute.Id, Today));
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Deliveries.RecordAsync(link.Recorder, ground.Full(elsewhere.Subscription) with { RouteId = otherRoute.Id }));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Deliveries.GetSheetAsync(link.Recorder, ground.Route.Id, Today.AddDays(-1)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Deliveries.RecordAsync(link.Recorder, ground.Full(stop.Subscription, Today.AddDays(-1))));

        var delivery = Assert.Single(await ground.DeliveriesOfAsync(stop.Subscription));
        Assert.Equal((created.Id, (string?)null), (delivery.RecordedViaSharedLinkId!.Value, delivery.RecordedByUserId));
        Assert.Empty(await ground.DeliveriesOfAsync(elsewhere.Subscription));
    }

    [Fact]
    public async Task A_shared_link_records_nothing_once_revoked_or_expired()
    {
        var first = await ground.AddStopAsync();
        var second = await ground.AddStopAsync();
        var revoked = ResultAssert.Succeeded(await Links.CreateAsync(ground.Staff, ground.Route.Id, Today));
        var expiring = ResultAssert.Succeeded(await Links.CreateAsync(ground.Staff, ground.Route.Id, Today, fixture.Time.GetUtcNow().AddHours(1)));
        var revokedLink = (await Links.OpenAsync(revoked.Token)).Link!;
        var expiringLink = (await Links.OpenAsync(expiring.Token)).Link!;

        ResultAssert.Succeeded(await Links.RevokeAsync(ground.Staff, revoked.Id));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Deliveries.RecordAsync(revokedLink.Recorder, ground.Full(first.Subscription)));
        fixture.Time.Advance(TimeSpan.FromHours(1));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Deliveries.GetSheetAsync(expiringLink.Recorder, ground.Route.Id, Today));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Deliveries.RecordAsync(expiringLink.Recorder, ground.Full(second.Subscription)));

        Assert.Empty(await ground.DeliveriesOfAsync(first.Subscription));
        Assert.Empty(await ground.DeliveriesOfAsync(second.Subscription));
    }
}
