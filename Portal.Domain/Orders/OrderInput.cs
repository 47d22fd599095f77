using System.Globalization;
using FluentValidation;
using Portal.Domain.Common;
using Portal.Domain.Products;

namespace Portal.Domain.Orders;

/// <summary>What staff (or a customer for themself) fill in to place a one-time order. The form and the service validate it with the same validator.</summary>
public sealed class OrderInput
{
    public int? CustomerId { get; set; }

    public DateOnly? DeliveryDate { get; set; }

    public List<OrderLineInput> Lines { get; set; } = [];

    /// <summary>The name a problem with one line's field is reported under: <c>Lines[0].Quantity</c>, as FluentValidation names it.</summary>
    public static string LineField(int index, string property) =>
        string.Create(CultureInfo.InvariantCulture, $"{nameof(Lines)}[{index}].{property}");
}

public sealed class OrderLineInput
{
    public int? ProductId { get; set; }

    public decimal? Quantity { get; set; }

    /// <summary>
    /// The product's unit, for the whole-number rule. The form sets it from the product picked; the service always sets it
    /// again from the database, so a crafted request cannot order half a pack.
    /// </summary>
    public ProductUnit? Unit { get; set; }
}

public static class OrderRules
{
    /// <summary>More than this on one line is a typing mistake (an extra zero), not an order a household places.</summary>
    public const decimal MaxQuantity = 1000m;

    public const int MaxLines = 20;

    /// <summary>Orders further ahead than this are almost always a mistyped year.</summary>
    public const int MaxDaysAhead = 90;

    public const string PastOrTodayMessage = "Orders are for tomorrow onwards.";

    /// <summary>Why an order for <paramref name="date"/> can no longer be placed or cancelled: its cut-off, the evening before, has passed.</summary>
    public static string CutoffPassedMessage(PortalClock clock, DateOnly date, string what = "Orders") =>
        string.Create(CultureInfo.InvariantCulture,
            $"{what} for {IndianFormats.Date(date)} closed at {clock.CutoffFor(date):HH:mm} on {IndianFormats.Date(date.AddDays(-1))} (the cut-off is {clock.CutoffFor(date):HH:mm} the evening before delivery). The earliest delivery date open now is {IndianFormats.Date(clock.FirstOpenDate)}.");
}

/// <summary>
/// The rules an order can be checked against without the database: a customer, a delivery date inside the window,
/// one to <see cref="OrderRules.MaxLines"/> lines, each with a product (no product twice) and a sensible quantity.
/// The service adds what needs the database: the customer is active, each product is on sale and has a price today.
/// </summary>
public sealed class OrderInputValidator : AbstractValidator<OrderInput>
{
    public OrderInputValidator(PortalClock clock)
    {
        RuleFor(o => o.CustomerId)
            .NotNull().WithMessage("Choose the customer.");

        RuleFor(o => o.DeliveryDate).Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("Choose the delivery date.")
            .Must(d => d > clock.Today).WithMessage(OrderRules.PastOrTodayMessage)
            .Must(d => d <= clock.Today.AddDays(OrderRules.MaxDaysAhead))
                .WithMessage($"Orders can be placed up to {OrderRules.MaxDaysAhead} days ahead. Check the date.")
            .Must(d => clock.IsOpenForChanges(d!.Value)).WithMessage(o => OrderRules.CutoffPassedMessage(clock, o.DeliveryDate!.Value));

        RuleFor(o => o.Lines).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Add at least one product.")
            .Must(l => l.Count <= OrderRules.MaxLines).WithMessage($"At most {OrderRules.MaxLines} products on one order.");

        RuleForEach(o => o.Lines).ChildRules(line =>
        {
            line.RuleFor(l => l.ProductId)
                .NotNull().WithMessage("Choose a product.");
            line.RuleFor(l => l.Quantity).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("Enter a quantity.")
                .GreaterThan(0m).WithMessage("The quantity must be more than 0.")
                .LessThanOrEqualTo(OrderRules.MaxQuantity).WithMessage($"At most {OrderRules.MaxQuantity:0} on one line. Check the quantity.")
                .Must(q => QuantityRules.HasAtMostThreeDecimals(q!.Value)).WithMessage("Use at most 3 decimals.")
                .Must((l, q) => l.Unit is not { } unit || !Product.IsWholeUnit(unit) || QuantityRules.IsWhole(q!.Value))
                    .WithMessage(l => $"This product is counted in whole {ProductUnits.Label(l.Unit!.Value)}s: 1, 2, 3…");
        });

        // Refused rather than merged: two lines for one product are almost always a slip, and a silent merge would hide it.
        RuleFor(o => o.Lines).Custom((lines, context) =>
        {
            for (var i = 0; i < lines.Count; i++)
            {
                var productId = lines[i].ProductId;
                var first = productId is null ? -1 : lines.FindIndex(l => l.ProductId == productId);
                if (first >= 0 && first < i)
                {
                    context.AddFailure(OrderInput.LineField(i, nameof(OrderLineInput.ProductId)),
                        $"Already on this order (line {first + 1}). Change that line's quantity instead.");
                }
            }
        });
    }

    /// <summary>For the form's fields: the messages for one field (<c>DeliveryDate</c>, <c>Lines[1].Quantity</c>…) of the whole order as it stands.</summary>
    public IEnumerable<string> MessagesFor(OrderInput input, string field) =>
        Validate(input).Errors.Where(e => e.PropertyName == field).Select(e => e.ErrorMessage);
}
