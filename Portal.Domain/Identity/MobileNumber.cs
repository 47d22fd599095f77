using System.Text.RegularExpressions;

namespace Portal.Domain.Identity;

/// <summary>Indian mobile numbers: ten digits starting 6–9, written by people with +91, 0, spaces or dashes.</summary>
public static partial class MobileNumber
{
    [GeneratedRegex("^[6-9][0-9]{9}$")]
    private static partial Regex TenDigits();

    /// <summary>The bare ten digits, or null when <paramref name="input"/> is not an Indian mobile number.</summary>
    public static string? Normalise(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return null;
        }
        var digits = new string(input.Where(char.IsAsciiDigit).ToArray());
        if (input.TrimStart().StartsWith('+') && digits.StartsWith("91", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }
        else if (digits.Length == 12 && digits.StartsWith("91", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }
        else if (digits.Length == 11 && digits.StartsWith('0'))
        {
            digits = digits[1..];
        }
        var lettersOrSymbols = input.Any(c => !char.IsAsciiDigit(c) && c is not (' ' or '-' or '+' or '(' or ')'));
        return !lettersOrSymbols && TenDigits().IsMatch(digits) ? digits : null;
    }
}
