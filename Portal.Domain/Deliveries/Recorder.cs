using Portal.Domain.Common;

namespace Portal.Domain.Deliveries;

/// <summary>
/// Who records a stop: a signed-in person (agent or office), or a substitute holding a shared link.
/// Exactly one of <see cref="Caller"/> and <see cref="SharedLinkId"/> is set, as in the deliveries table.
/// </summary>
public sealed record Recorder
{
    private Recorder(Caller? caller, int? sharedLinkId, string name)
    {
        Caller = caller;
        SharedLinkId = sharedLinkId;
        Name = name;
    }

    public Caller? Caller { get; }

    public int? SharedLinkId { get; }

    public string Name { get; }

    public static Recorder Person(Caller caller) => new(caller, null, caller.Name);

    public static Recorder Link(int sharedLinkId, string routeName) => new(null, sharedLinkId, $"Shared link ({routeName})");
}
