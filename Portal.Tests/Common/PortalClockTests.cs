using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Domain.Common;

namespace Portal.Tests.Common;

/// <summary>"Today" and the cut-off are Indian time, from the injected clock, whatever zone the server runs in.</summary>
public sealed class PortalClockTests
{
    private static PortalClock ClockAt(string utcInstant, PortalOptions? options = null) =>
        new(new FakeTimeProvider(Instant(utcInstant)), Options.Create(options ?? new PortalOptions()));

    private static DateTimeOffset Instant(string utc) =>
        DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    [Theory]
    [InlineData("2026-11-24T19:00:00Z", "2026-11-25")]
    [InlineData("2026-11-24T18:30:00Z", "2026-11-25")]
    [InlineData("2026-11-24T18:29:59Z", "2026-11-24")]
    [InlineData("2026-11-24T00:00:00Z", "2026-11-24")]
    [InlineData("2026-11-23T18:30:00Z", "2026-11-24")]
    [InlineData("2026-12-31T18:45:00Z", "2027-01-01")]
    public void Today_is_the_date_in_India_whatever_the_UTC_instant(string utcNow, string expectedToday)
    {
        var clock = ClockAt(utcNow);

        Assert.Equal(DateOnly.Parse(expectedToday, CultureInfo.InvariantCulture), clock.Today);
        Assert.Equal(clock.Today.AddDays(1), clock.Tomorrow);
    }

    [Fact]
    public void Just_before_midnight_in_India_it_is_still_the_same_day()
    {
        var clock = ClockAt("2026-11-24T18:29:00Z");

        Assert.Equal(new DateTime(2026, 11, 24, 23, 59, 0), clock.Now.DateTime);
        Assert.Equal(TimeSpan.FromHours(5.5), clock.Now.Offset);
        Assert.Equal(new DateOnly(2026, 11, 24), clock.Today);
    }

    [Fact]
    public void The_clock_is_Indian_time_not_the_servers_zone()
    {
        var clock = ClockAt("2026-11-24T13:30:00Z");

        Assert.Equal("Asia/Kolkata", clock.Zone.Id);
        Assert.Equal(TimeSpan.FromHours(5.5), clock.Zone.BaseUtcOffset);
        Assert.Equal(TimeSpan.FromHours(5.5), clock.Now.Offset);
        Assert.Equal(new DateTime(2026, 11, 24, 19, 0, 0), clock.Now.DateTime);
    }

    [Fact]
    public void The_cutoff_for_a_delivery_date_is_21_00_IST_the_evening_before()
    {
        var clock = ClockAt("2026-11-24T13:30:00Z");

        var cutoff = clock.CutoffFor(new DateOnly(2026, 11, 25));

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 21, 0, 0, TimeSpan.FromHours(5.5)), cutoff);
        Assert.Equal(Instant("2026-11-24T15:30:00Z"), cutoff);
    }

    [Fact]
    public void The_cutoff_time_comes_from_the_options()
    {
        var clock = ClockAt("2026-11-24T13:30:00Z", new PortalOptions { CutoffTime = new TimeOnly(18, 30) });

        Assert.Equal(Instant("2026-11-24T13:00:00Z"), clock.CutoffFor(new DateOnly(2026, 11, 25)));
        Assert.False(clock.IsOpenForChanges(new DateOnly(2026, 11, 25)));
    }

    [Theory]
    [InlineData("2026-11-24T15:29:59.9999999Z", true)]
    [InlineData("2026-11-24T15:30:00Z", false)]
    [InlineData("2026-11-24T15:30:00.0000001Z", false)]
    [InlineData("2026-11-23T20:00:00Z", true)]
    [InlineData("2026-11-25T02:00:00Z", false)]
    public void Changes_for_tomorrow_close_exactly_at_the_cutoff(string utcNow, bool open)
    {
        var clock = ClockAt(utcNow);

        Assert.Equal(open, clock.IsOpenForChanges(new DateOnly(2026, 11, 25)));
    }

    [Fact]
    public void Changes_close_when_the_fake_clock_moves_past_the_cutoff()
    {
        var time = new FakeTimeProvider(Instant("2026-11-24T15:29:00Z"));
        var clock = new PortalClock(time, Options.Create(new PortalOptions()));
        var tomorrow = clock.Tomorrow;
        Assert.True(clock.IsOpenForChanges(tomorrow));

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(clock.IsOpenForChanges(tomorrow));
        Assert.True(clock.IsOpenForChanges(tomorrow.AddDays(1)));
    }

    [Fact]
    public void A_day_in_India_starts_and_ends_at_Indian_midnight()
    {
        var clock = ClockAt("2026-11-24T13:30:00Z");

        Assert.Equal(Instant("2026-11-23T18:30:00Z"), clock.StartOfDay(new DateOnly(2026, 11, 24)));
        Assert.Equal(Instant("2026-11-24T18:30:00Z").AddTicks(-1), clock.EndOfDay(new DateOnly(2026, 11, 24)));
    }
}
