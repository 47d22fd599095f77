namespace Portal.Domain.Products;

/// <summary>Products and their price history.</summary>
public sealed class ProductCatalog;
