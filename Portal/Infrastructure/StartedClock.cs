namespace Portal.Infrastructure;

/// <summary>
/// A clock that starts at a chosen instant and then runs at the real pace. Development only: it lets a demo or a browser
/// journey happen on a chosen evening (before or after the cut-off) whatever the time of day on the machine.
/// </summary>
public sealed class StartedClock(DateTimeOffset startsAt) : TimeProvider
{
    private readonly TimeSpan offset = startsAt - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
