using Microsoft.Extensions.Options;

namespace Portal.Domain.Common;

/// <summary>
/// "Today" for the business is today in India, whatever zone the server runs in.
/// Everything that needs a date or a cut-off asks this one clock.
/// </summary>
public sealed class PortalClock
{
    private readonly TimeProvider _time;
    private readonly PortalOptions _options;

    public PortalClock(TimeProvider time, IOptions<PortalOptions> options)
    {
        _time = time;
        _options = options.Value;
        Zone = TimeZoneInfo.FindSystemTimeZoneById(_options.TimeZone);
    }

    public TimeZoneInfo Zone { get; }

    public DateTimeOffset UtcNow => _time.GetUtcNow();

    public DateTimeOffset Now => TimeZoneInfo.ConvertTime(_time.GetUtcNow(), Zone);

    public DateOnly Today => DateOnly.FromDateTime(Now.DateTime);

    public DateOnly Tomorrow => Today.AddDays(1);

    /// <summary>The instant after which nothing may change for <paramref name="deliveryDate"/>: the cut-off time on the evening before.</summary>
    public DateTimeOffset CutoffFor(DateOnly deliveryDate)
    {
        var local = deliveryDate.AddDays(-1).ToDateTime(_options.CutoffTime);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    public bool IsOpenForChanges(DateOnly deliveryDate) => UtcNow < CutoffFor(deliveryDate);

    /// <summary>The earliest delivery date that can still be changed: tomorrow before the cut-off, the day after once it has passed.</summary>
    public DateOnly FirstOpenDate => IsOpenForChanges(Tomorrow) ? Tomorrow : Tomorrow.AddDays(1);

    /// <summary>Why <paramref name="deliveryDate"/> can no longer be changed, in words for the page.</summary>
    public string ClosedMessage(DateOnly deliveryDate) =>
        deliveryDate <= Today
            ? $"{IndianFormats.Date(deliveryDate)} has already begun; changes can be made from {IndianFormats.Date(FirstOpenDate)}."
            : $"Changes for {IndianFormats.Date(deliveryDate)} closed at {_options.CutoffTime:HH:mm} on {IndianFormats.Date(deliveryDate.AddDays(-1))}. The earliest date you can change now is {IndianFormats.Date(FirstOpenDate)}.";

    public DateTimeOffset StartOfDay(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    public DateTimeOffset EndOfDay(DateOnly date) => StartOfDay(date.AddDays(1)).AddTicks(-1);

    public string Format(DateTimeOffset instant) => IndianFormats.DateTime(instant, Zone);
}
