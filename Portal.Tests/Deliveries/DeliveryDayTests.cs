using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Common;
using Portal.Domain.Deliveries;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Deliveries;

/// <summary>The office's day view reads every route at once and must say exactly what each route's own sheet says.</summary>
public sealed class DeliveryDayTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private IServiceScope scope = null!;
    private DeliveryGround ground = null!;

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

    [Fact]
    public async Task The_day_across_routes_matches_each_route_sheet()
    {
        Portal.Domain.Routes.DeliveryRoute other;
        await using (var db = fixture.CreateContext())
        {
            other = await TestData.AddRouteAsync(db, ground.AgentUser);
        }
        var first = await ground.AddStopAsync(daily: 2m);
        var second = await ground.AddStopAsync(daily: 1m);
        var elsewhere = await ground.AddStopAsync(daily: 3m, route: other);
        var order = await ground.AddOrderAsync(DeliveryGround.Today, (ground.Paneer, 1m));
        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.StaffRecorder, ground.Full(first.Subscription)));
        ResultAssert.Succeeded(await Deliveries.RecordAsync(ground.StaffRecorder,
            new RecordInput(other.Id, DeliveryGround.Today, elsewhere.Subscription.Id, null, DeliveryOutcome.Partial, DeliveredQuantity: 1m)));

        var day = await Deliveries.GetDayAsync(ground.Staff, DeliveryGround.Today);

        foreach (var routeId in new[] { ground.Route.Id, other.Id })
        {
            var sheet = await Deliveries.GetSheetAsync(ground.StaffRecorder, routeId, DeliveryGround.Today);
            var fromDay = Assert.Single(day, s => s.RouteId == routeId);
            Assert.Equal(sheet.Progress, fromDay.Progress);
            Assert.Equal(
                sheet.Stops.SelectMany(s => s.Items).Select(i => (i.Due.SubscriptionId, i.Due.OrderLineId, i.Recorded?.Outcome, i.Recorded?.DeliveredQuantity)),
                fromDay.Stops.SelectMany(s => s.Items).Select(i => (i.Due.SubscriptionId, i.Due.OrderLineId, i.Recorded?.Outcome, i.Recorded?.DeliveredQuantity)));
        }
        var mine = Assert.Single(day, s => s.RouteId == ground.Route.Id);
        Assert.Equal(new SheetProgress(Delivered: 1, Partial: 0, NotDelivered: 0, Pending: 2), mine.Progress);
        Assert.Contains(mine.Stops.SelectMany(s => s.Items), i => i.Due.OrderId == order.Id);
        Assert.Equal(new SheetProgress(0, 1, 0, 0), Assert.Single(day, s => s.RouteId == other.Id).Progress);
        Assert.Contains(second.Subscription.Id, mine.Stops.SelectMany(s => s.Items).Select(i => i.Due.SubscriptionId));
    }

    [Fact]
    public async Task Only_the_office_sees_the_whole_day()
    {
        await Assert.ThrowsAsync<AccessDeniedException>(() => Deliveries.GetDayAsync(ground.Agent, DeliveryGround.Today));
    }
}
