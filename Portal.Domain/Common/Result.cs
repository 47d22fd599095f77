namespace Portal.Domain.Common;

/// <summary>An expected failure the page shows to the person: a message, and the field it belongs to when there is one.</summary>
public sealed record Problem(string Message, string? Field = null);

/// <summary>The outcome of a change: done (with a value), or refused with problems to show next to the fields.</summary>
public sealed class Result<T>
{
    private Result(T? value, IReadOnlyList<Problem> problems)
    {
        Value = value;
        Problems = problems;
    }

    public T? Value { get; }

    public IReadOnlyList<Problem> Problems { get; }

    public bool Succeeded => Problems.Count == 0;

    public static Result<T> Ok(T value) => new(value, []);

    public static Result<T> Fail(params Problem[] problems) => new(default, problems);

    public static Result<T> Fail(IEnumerable<Problem> problems) => new(default, problems.ToList());

    public static implicit operator Result<T>(Problem problem) => Fail(problem);

    /// <summary>The message for <paramref name="field"/>, for showing next to it.</summary>
    public string? ErrorFor(string field) => Problems.FirstOrDefault(p => p.Field == field)?.Message;

    /// <summary>Problems not tied to a field, for an alert above the form.</summary>
    public string? GeneralError => Problems.FirstOrDefault(p => p.Field is null)?.Message;
}

public static class Result
{
    public static Result<Unit> Ok() => Result<Unit>.Ok(Unit.Value);
}

public readonly record struct Unit
{
    public static readonly Unit Value;
}

public static class ConcurrencyMessages
{
    public const string ChangedBySomeoneElse = "Someone else changed this while you were editing. Reload to see their changes, then make yours again.";
}
