using System.Globalization;

namespace Relay.Infrastructure.Destinations;

/// <summary>How filter error messages quote what they found; they go back to operators in 400 responses.</summary>
internal static class FilterText
{
    /// <summary>A visible ASCII character quoted, anything else (spaces, controls, non-ASCII) by its code.</summary>
    public static string Describe(char c) =>
        c is > ' ' and < '\u007f'
            ? $"'{c}'"
            : $"the character U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)}";
}
