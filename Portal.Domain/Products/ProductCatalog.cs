using System.Globalization;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Domain.Auditing;
using Portal.Domain.Common;
using Portal.Domain.Data;
using Portal.Domain.Identity;

namespace Portal.Domain.Products;

public sealed record ProductRow(
    int Id, string Name, ProductUnit Unit, bool IsActive,
    decimal? CurrentPrice, DateOnly? CurrentPriceFrom, decimal? NextPrice, DateOnly? NextPriceFrom, uint Version);

/// <summary>Where a price stands against today: already superseded, the one that applies today, or one that starts later.</summary>
public enum PriceState
{
    Earlier,
    Current,
    Scheduled,
}

public sealed record PriceRow(int Id, DateOnly EffectiveFrom, decimal UnitPrice, PriceState State, DateTimeOffset CreatedAt, string? CreatedBy);

public sealed record ProductDetails(
    int Id, string Name, ProductUnit Unit, bool IsActive, uint Version,
    bool IsInUse, IReadOnlyList<PriceRow> Prices)
{
    public PriceRow? CurrentPrice => Prices.FirstOrDefault(p => p.State == PriceState.Current);
}

public static class ProductUnits
{
    public static readonly IReadOnlyList<ProductUnit> All = Enum.GetValues<ProductUnit>();

    /// <summary>The unit as people say it: "₹56.00 a litre", "2 packs".</summary>
    public static string Label(ProductUnit unit) => unit switch
    {
        ProductUnit.Litre => "litre",
        ProductUnit.Kg => "kg",
        ProductUnit.Piece => "piece",
        ProductUnit.Pack => "pack",
        _ => unit.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// Products and their price history. A price is never rewritten: a new price is a new entry with the day it applies from,
/// and the price on any day is the entry with the latest start on or before that day. Billing and orders ask
/// <see cref="PriceOnAsync"/> and <see cref="PricesOnAsync"/>, or compose <see cref="InEffectOn"/> into their own queries.
/// </summary>
public sealed class ProductCatalog(IDbContextFactory<PortalDbContext> contexts, AuditLog audit, PortalClock clock)
{
    public const string EntityType = "Product";

    private static readonly ProductInputValidator ProductValidator = new();
    private static readonly PriceInputValidator PriceValidator = new();

    /// <summary>Every product, active or not, by name, with the price that applies today and the next one if one is scheduled.</summary>
    public async Task<IReadOnlyList<ProductRow>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        var today = clock.Today;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Products.AsNoTracking()
            .OrderBy(p => p.Name)
            .Select(p => new
            {
                p.Id, p.Name, p.Unit, p.IsActive, p.Version,
                Current = p.Prices.Where(x => x.EffectiveFrom <= today).OrderByDescending(x => x.EffectiveFrom)
                    .Select(x => new { x.UnitPrice, x.EffectiveFrom }).FirstOrDefault(),
                Next = p.Prices.Where(x => x.EffectiveFrom > today).OrderBy(x => x.EffectiveFrom)
                    .Select(x => new { x.UnitPrice, x.EffectiveFrom }).FirstOrDefault(),
            })
            .Select(p => new ProductRow(
                p.Id, p.Name, p.Unit, p.IsActive,
                p.Current == null ? null : p.Current.UnitPrice, p.Current == null ? null : p.Current.EffectiveFrom,
                p.Next == null ? null : p.Next.UnitPrice, p.Next == null ? null : p.Next.EffectiveFrom,
                p.Version))
            .ToListAsync(cancellationToken);
    }

    /// <summary>One product with its whole price history, newest first.</summary>
    public async Task<ProductDetails?> GetAsync(Caller caller, int productId, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        var today = clock.Today;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var product = await db.Products.AsNoTracking()
            .Where(p => p.Id == productId)
            .Select(p => new { p.Id, p.Name, p.Unit, p.IsActive, p.Version })
            .SingleOrDefaultAsync(cancellationToken);
        if (product is null)
        {
            return null;
        }
        var prices = await (
                from price in db.ProductPrices.AsNoTracking()
                where price.ProductId == productId
                join user in db.Users on price.CreatedByUserId equals user.Id into creators
                from creator in creators.DefaultIfEmpty()
                orderby price.EffectiveFrom descending
                select new { price.Id, price.EffectiveFrom, price.UnitPrice, price.CreatedAt, CreatedBy = creator == null ? null : creator.DisplayName })
            .ToListAsync(cancellationToken);
        var current = prices.FirstOrDefault(p => p.EffectiveFrom <= today)?.Id;
        var history = prices
            .Select(p => new PriceRow(p.Id, p.EffectiveFrom, p.UnitPrice,
                p.EffectiveFrom > today ? PriceState.Scheduled : p.Id == current ? PriceState.Current : PriceState.Earlier,
                p.CreatedAt, p.CreatedBy))
            .ToList();
        return new ProductDetails(product.Id, product.Name, product.Unit, product.IsActive, product.Version,
            await IsInUseAsync(db, productId, cancellationToken), history);
    }

    public async Task<Result<int>> CreateAsync(Caller caller, ProductInput input, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        // Creating always needs the first price, even from a caller that left IsNew false.
        var invalid = Problems(await ProductValidator.ValidateAsync(
            new ProductInput { Name = input.Name, Unit = input.Unit, UnitPrice = input.UnitPrice, EffectiveFrom = input.EffectiveFrom, IsNew = true },
            cancellationToken));
        if (invalid.Count > 0)
        {
            return Result<int>.Fail(invalid);
        }
        var name = input.Name.Trim();

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await NameTakenAsync(db, name, exceptId: null, cancellationToken))
        {
            return NameTaken(name);
        }
        var product = new Product { Name = name, Unit = input.Unit, IsActive = input.IsActive };
        product.Prices.Add(new ProductPrice
        {
            EffectiveFrom = input.EffectiveFrom!.Value,
            UnitPrice = input.UnitPrice!.Value,
            CreatedAt = clock.UtcNow,
            CreatedByUserId = caller.UserId,
        });
        db.Products.Add(product);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            audit.Add(db, caller, AuditActions.ProductCreated, EntityType, product.Id,
                $"Created product {product.Name} at {IndianFormats.Money(input.UnitPrice.Value)} a {ProductUnits.Label(product.Unit)} from {IndianFormats.Date(input.EffectiveFrom.Value)}",
                after: new Dictionary<string, string?>(Snapshot(product))
                {
                    ["Price"] = Money(input.UnitPrice.Value),
                    ["Price from"] = Day(input.EffectiveFrom.Value),
                });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return NameTaken(name);
        }
        return Result<int>.Ok(product.Id);
    }

    /// <summary>Changes name, unit and active flag. Prices are not touched here: they change only by <see cref="AddPriceAsync"/>.</summary>
    public async Task<Result<Unit>> UpdateAsync(Caller caller, int productId, ProductInput input, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        var invalid = Problems(await ProductValidator.ValidateAsync(input,
            o => o.IncludeProperties(nameof(ProductInput.Name), nameof(ProductInput.Unit)), cancellationToken));
        if (invalid.Count > 0)
        {
            return Result<Unit>.Fail(invalid);
        }
        var name = input.Name.Trim();

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var product = await db.Products.SingleOrDefaultAsync(p => p.Id == productId, cancellationToken);
        if (product is null)
        {
            return new Problem("That product does not exist.");
        }
        db.Entry(product).Property(p => p.Version).OriginalValue = input.Version;
        if (await NameTakenAsync(db, name, productId, cancellationToken))
        {
            return NameTaken(name);
        }
        if (input.Unit != product.Unit && await IsInUseAsync(db, productId, cancellationToken))
        {
            // Quantities already ordered or subscribed were meant in the old unit; changing it would silently change what they mean.
            return new Problem(
                $"{product.Name} is already on subscriptions or orders in {ProductUnits.Label(product.Unit)}s, so its unit cannot change. Add a new product for the new unit.",
                nameof(ProductInput.Unit));
        }

        var before = Snapshot(product);
        product.Name = name;
        product.Unit = input.Unit;
        product.IsActive = input.IsActive;
        var after = Snapshot(product);
        var changed = after.Keys.Where(k => before[k] != after[k]).ToList();
        if (changed.Count > 0)
        {
            audit.Add(db, caller, AuditActions.ProductEdited, EntityType, product.Id,
                $"Edited product {product.Name}: {string.Join(", ", changed)}",
                before: changed.ToDictionary(k => k, k => before[k]), after: changed.ToDictionary(k => k, k => after[k]));
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Problem(ConcurrencyMessages.ChangedBySomeoneElse);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return NameTaken(name);
        }
        return Result.Ok();
    }

    /// <summary>
    /// Adds an entry to the price history. A day that already has a price is refused: an entry, once added, is never rewritten.
    /// A past day is allowed (a price rise agreed late); it changes what not-yet-billed deliveries from that day are charged,
    /// which the audit entry records.
    /// </summary>
    public async Task<Result<int>> AddPriceAsync(Caller caller, int productId, PriceInput input, CancellationToken cancellationToken = default)
    {
        caller.Require(Roles.Office);
        var invalid = Problems(await PriceValidator.ValidateAsync(input, cancellationToken));
        if (invalid.Count > 0)
        {
            return Result<int>.Fail(invalid);
        }
        var date = input.EffectiveFrom!.Value;
        var unitPrice = input.UnitPrice!.Value;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var product = await db.Products.AsNoTracking()
            .Where(p => p.Id == productId)
            .Select(p => new { p.Id, p.Name, p.Unit })
            .SingleOrDefaultAsync(cancellationToken);
        if (product is null)
        {
            return new Problem("That product does not exist.");
        }
        var previous = await db.ProductPrices.AsNoTracking()
            .Where(p => p.ProductId == productId && p.EffectiveFrom <= date)
            .OrderByDescending(p => p.EffectiveFrom)
            .Select(p => new { p.EffectiveFrom, p.UnitPrice })
            .FirstOrDefaultAsync(cancellationToken);
        if (previous is not null && previous.EffectiveFrom == date)
        {
            return SameDay(date, previous.UnitPrice);
        }
        if (previous is not null && previous.UnitPrice == unitPrice)
        {
            return new Problem(
                $"{IndianFormats.Money(unitPrice)} already applies on {IndianFormats.Date(date)} (from {IndianFormats.Date(previous.EffectiveFrom)}), so nothing would change.",
                nameof(PriceInput.UnitPrice));
        }

        var price = new ProductPrice
        {
            ProductId = productId,
            EffectiveFrom = date,
            UnitPrice = unitPrice,
            CreatedAt = clock.UtcNow,
            CreatedByUserId = caller.UserId,
        };
        db.ProductPrices.Add(price);
        var backDated = date < clock.Today;
        var summary = $"Price of {product.Name} from {IndianFormats.Date(date)}: {IndianFormats.Money(unitPrice)} a {ProductUnits.Label(product.Unit)}"
            + (previous is null ? "" : $" (was {IndianFormats.Money(previous.UnitPrice)})")
            + (backDated ? "; back-dated, so unbilled deliveries from that day are charged the new price" : "");
        audit.Add(db, caller, AuditActions.PriceAdded, EntityType, productId, summary,
            before: previous is null ? null : new Dictionary<string, string?> { ["Price"] = Money(previous.UnitPrice), ["Price from"] = Day(previous.EffectiveFrom) },
            after: new Dictionary<string, string?> { ["Price"] = Money(unitPrice), ["Price from"] = Day(date), ["Back-dated"] = backDated ? "yes" : "no" });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Someone else added a price for the same day between our check and our insert.
            await using var again = await contexts.CreateDbContextAsync(cancellationToken);
            var theirs = await again.ProductPrices.AsNoTracking()
                .Where(p => p.ProductId == productId && p.EffectiveFrom == date)
                .Select(p => p.UnitPrice)
                .FirstOrDefaultAsync(cancellationToken);
            return SameDay(date, theirs);
        }
        return Result<int>.Ok(price.Id);
    }

    /// <summary>The price of a product on a day: the entry with the latest start on or before it; null before the first price.</summary>
    public async Task<decimal?> PriceOnAsync(int productId, DateOnly date, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ProductPrices.AsNoTracking()
            .Where(p => p.ProductId == productId && p.EffectiveFrom <= date)
            .OrderByDescending(p => p.EffectiveFrom)
            .Select(p => (decimal?)p.UnitPrice)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The price on a day of every product that has one then (active or not), in one query: product id → unit price.</summary>
    public async Task<IReadOnlyDictionary<int, decimal>> PricesOnAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await InEffectOn(db.ProductPrices.AsNoTracking(), date)
            .ToDictionaryAsync(p => p.ProductId, p => p.UnitPrice, cancellationToken);
    }

    /// <summary>
    /// The entries of <paramref name="prices"/> in effect on <paramref name="date"/>, at most one per product, for composing into
    /// set-based queries (billing a month, pricing an order) inside another unit of work.
    /// </summary>
    public static IQueryable<ProductPrice> InEffectOn(IQueryable<ProductPrice> prices, DateOnly date) =>
        prices.Where(p => p.EffectiveFrom <= date
            && !prices.Any(later => later.ProductId == p.ProductId && later.EffectiveFrom > p.EffectiveFrom && later.EffectiveFrom <= date));

    private static Task<bool> NameTakenAsync(PortalDbContext db, string name, int? exceptId, CancellationToken cancellationToken)
    {
        var lower = name.ToLowerInvariant();
        return db.Products.AnyAsync(p => p.Name.ToLower() == lower && p.Id != exceptId, cancellationToken);
    }

    private static Task<bool> IsInUseAsync(PortalDbContext db, int productId, CancellationToken cancellationToken) =>
        db.Products.Where(p => p.Id == productId)
            .AnyAsync(p => db.Subscriptions.Any(s => s.ProductId == p.Id) || db.OrderLines.Any(l => l.ProductId == p.Id), cancellationToken);

    private static Problem NameTaken(string name) =>
        new($"There is already a product called {name}. Choose another name.", nameof(ProductInput.Name));

    private static Problem SameDay(DateOnly date, decimal existing) =>
        new($"There is already a price from {IndianFormats.Date(date)} ({IndianFormats.Money(existing)}). Prices are never rewritten: choose another day.",
            nameof(PriceInput.EffectiveFrom));

    private static List<Problem> Problems(FluentValidation.Results.ValidationResult result) =>
        result.Errors.Select(e => new Problem(e.ErrorMessage, e.PropertyName)).ToList();

    private static Dictionary<string, string?> Snapshot(Product p) => new()
    {
        ["Name"] = p.Name,
        ["Unit"] = ProductUnits.Label(p.Unit),
        ["Active"] = p.IsActive ? "yes" : "no",
    };

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
