namespace Portal.Domain.Common;

public static class Like
{
    /// <summary>Escapes LIKE wildcards so a search for "50%" finds "50%", not everything.</summary>
    public static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
