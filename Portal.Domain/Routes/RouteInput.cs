using FluentValidation;
using Portal.Domain.Common;

namespace Portal.Domain.Routes;

/// <summary>What staff type in to create or rename a route. The form and the planner validate it with the same validator.</summary>
public sealed class RouteInput
{
    public string Name { get; set; } = "";

    /// <summary>On rename: the row version the page was loaded with.</summary>
    public uint Version { get; set; }

    /// <summary>Trimmed, with runs of spaces made one, so "HSR  Layout " and "HSR Layout" are the same route.</summary>
    public static string Tidy(string? name) =>
        string.Join(' ', (name ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

public sealed class RouteInputValidator : AbstractValidator<RouteInput>
{
    public RouteInputValidator()
    {
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop)
            .Must(n => RouteInput.Tidy(n).Length > 0).WithMessage("Enter a name for the route.")
            .Must(n => RouteInput.Tidy(n).Length <= Limits.RouteNameLength)
            .WithMessage($"Keep the route name to {Limits.RouteNameLength} characters or fewer.");
    }

    /// <summary>For MudBlazor form fields: validates one property and returns its messages.</summary>
    public Func<object, string, Task<IEnumerable<string>>> ValidateValue => async (model, propertyName) =>
    {
        var result = await ValidateAsync(ValidationContext<RouteInput>.CreateWithOptions((RouteInput)model, x => x.IncludeProperties(propertyName)));
        return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
    };
}
