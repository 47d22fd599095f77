namespace Portal.Domain.Products;

public enum ProductUnit
{
    Litre,
    Kg,
    Piece,
    Pack,
}

public class Product
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public ProductUnit Unit { get; set; }

    public bool IsActive { get; set; } = true;

    public List<ProductPrice> Prices { get; set; } = [];

    public uint Version { get; set; }

    /// <summary>Pieces and packs are counted, not measured.</summary>
    public static bool IsWholeUnit(ProductUnit unit) => unit is ProductUnit.Piece or ProductUnit.Pack;
}

/// <summary>One entry of a product's price history: the unit price from <see cref="EffectiveFrom"/> until the next entry.</summary>
public class ProductPrice
{
    public int Id { get; set; }

    public int ProductId { get; set; }

    public Product Product { get; set; } = null!;

    public DateOnly EffectiveFrom { get; set; }

    public decimal UnitPrice { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? CreatedByUserId { get; set; }
}
