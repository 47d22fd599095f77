using FluentValidation;
using Portal.Domain.Common;

namespace Portal.Domain.Subscriptions;

/// <summary>A schedule as people enter it: every day, every N days, or a quantity per weekday.</summary>
public sealed class ScheduleInput
{
    public ScheduleKind Kind { get; set; } = ScheduleKind.Daily;

    public decimal? Quantity { get; set; } = 1m;

    public int? IntervalDays { get; set; } = 2;

    public decimal? Monday { get; set; }

    public decimal? Tuesday { get; set; }

    public decimal? Wednesday { get; set; }

    public decimal? Thursday { get; set; }

    public decimal? Friday { get; set; }

    public decimal? Saturday { get; set; }

    public decimal? Sunday { get; set; }

    /// <summary>Whole-number units (pieces, packs) refuse fractions; set from the product before validating.</summary>
    public bool WholeUnits { get; set; }

    public IEnumerable<(string Day, decimal? Quantity)> Weekdays =>
    [
        (nameof(Monday), Monday), (nameof(Tuesday), Tuesday), (nameof(Wednesday), Wednesday), (nameof(Thursday), Thursday),
        (nameof(Friday), Friday), (nameof(Saturday), Saturday), (nameof(Sunday), Sunday),
    ];

    public SubscriptionSchedule ToSchedule(DateOnly effectiveFrom) => Kind switch
    {
        ScheduleKind.Daily => new SubscriptionSchedule { Kind = Kind, EffectiveFrom = effectiveFrom, Quantity = Quantity },
        ScheduleKind.EveryNDays => new SubscriptionSchedule { Kind = Kind, EffectiveFrom = effectiveFrom, Quantity = Quantity, IntervalDays = IntervalDays },
        _ => new SubscriptionSchedule
        {
            Kind = Kind, EffectiveFrom = effectiveFrom,
            Monday = Monday ?? 0, Tuesday = Tuesday ?? 0, Wednesday = Wednesday ?? 0, Thursday = Thursday ?? 0,
            Friday = Friday ?? 0, Saturday = Saturday ?? 0, Sunday = Sunday ?? 0,
        },
    };

    public static ScheduleInput From(SubscriptionSchedule schedule) => new()
    {
        Kind = schedule.Kind,
        Quantity = schedule.Quantity ?? 1m,
        IntervalDays = schedule.IntervalDays ?? 2,
        Monday = schedule.Monday, Tuesday = schedule.Tuesday, Wednesday = schedule.Wednesday, Thursday = schedule.Thursday,
        Friday = schedule.Friday, Saturday = schedule.Saturday, Sunday = schedule.Sunday,
    };
}

public sealed class SubscriptionInput
{
    public int CustomerId { get; set; }

    public int ProductId { get; set; }

    public DateOnly? StartDate { get; set; }

    public DateOnly? EndDate { get; set; }

    public ScheduleInput Schedule { get; set; } = new();
}

public sealed class ScheduleInputValidator : AbstractValidator<ScheduleInput>
{
    public ScheduleInputValidator()
    {
        When(s => s.Kind is ScheduleKind.Daily or ScheduleKind.EveryNDays, () =>
        {
            RuleFor(s => s.Quantity).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("Enter a quantity.")
                .GreaterThan(0).WithMessage("The quantity must be more than 0.")
                .LessThanOrEqualTo(QuantityRules.Max).WithMessage($"At most {QuantityRules.Max} a day.")
                .Must(q => QuantityRules.HasAtMostThreeDecimals(q!.Value)).WithMessage("Use at most 3 decimals.")
                .Must((s, q) => !s.WholeUnits || QuantityRules.IsWhole(q!.Value)).WithMessage("This product is counted in whole pieces or packs.");
        });
        When(s => s.Kind == ScheduleKind.EveryNDays, () =>
        {
            RuleFor(s => s.IntervalDays).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("Enter how many days apart.")
                .InclusiveBetween(2, 30).WithMessage("Every 2 to 30 days (2 = alternate days).");
        });
        When(s => s.Kind == ScheduleKind.Weekly, () =>
        {
            RuleFor(s => s.Weekdays)
                .Must(days => days.Any(d => d.Quantity > 0)).WithMessage("Give at least one weekday a quantity.")
                .OverridePropertyName(nameof(ScheduleInput.Monday));
            // One rule per weekday property, so a message is named "Tuesday" (or "Schedule.Tuesday" when nested), the field it belongs to;
            // a rule over the Weekdays collection would name it "Weekdays[1].Tuesday", which no form field is called.
            DayRules(s => s.Monday);
            DayRules(s => s.Tuesday);
            DayRules(s => s.Wednesday);
            DayRules(s => s.Thursday);
            DayRules(s => s.Friday);
            DayRules(s => s.Saturday);
            DayRules(s => s.Sunday);
        });
    }

    private void DayRules(System.Linq.Expressions.Expression<Func<ScheduleInput, decimal?>> day) =>
        RuleFor(day).Cascade(CascadeMode.Stop)
            .Must(q => (q ?? 0) >= 0).WithMessage("A quantity cannot be negative.")
            .Must(q => (q ?? 0) <= QuantityRules.Max).WithMessage($"At most {QuantityRules.Max} a day.")
            .Must(q => QuantityRules.HasAtMostThreeDecimals(q ?? 0)).WithMessage("Use at most 3 decimals.")
            .Must((s, q) => !s.WholeUnits || QuantityRules.IsWhole(q ?? 0)).WithMessage("This product is counted in whole pieces or packs.");

    /// <summary>For MudBlazor form fields.</summary>
    public Func<object, string, Task<IEnumerable<string>>> ValidateValue => async (model, propertyName) =>
    {
        var result = await ValidateAsync((ScheduleInput)model);
        return result.Errors.Where(e => e.PropertyName == propertyName).Select(e => e.ErrorMessage);
    };
}

public sealed class SubscriptionInputValidator : AbstractValidator<SubscriptionInput>
{
    public SubscriptionInputValidator()
    {
        RuleFor(s => s.ProductId).GreaterThan(0).WithMessage("Choose a product.");
        RuleFor(s => s.StartDate).NotNull().WithMessage("Choose the first delivery date.");
        RuleFor(s => s.EndDate)
            .GreaterThanOrEqualTo(s => s.StartDate).WithMessage("The end date cannot be before the start date.")
            .When(s => s.EndDate is not null && s.StartDate is not null);
        RuleFor(s => s.Schedule).SetValidator(new ScheduleInputValidator());
    }
}
