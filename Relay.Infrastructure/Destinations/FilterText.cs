using System.Globalization;

namespace Relay.Infrastructure.Destinations;

/// <summary>How filter error messages quote what they found; they go back to operators in 400 responses.</summary>
internal static class FilterText
{
    private const int ExcerptLength = 40;

    /// <summary>A visible ASCII character quoted, anything else (spaces, controls, non-ASCII) by its code: <c>U+00E9</c>.</summary>
    public static string Quote(char c) =>
        c is > ' ' and < '\u007f' ? $"'{c}'" : $"U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)}";

    /// <summary>As <see cref="Quote"/>, for "found …": <c>'#'</c> or <c>the character U+00E9</c>.</summary>
    public static string Describe(char c) => c is > ' ' and < '\u007f' ? Quote(c) : $"the character {Quote(c)}";

    /// <summary>Quoted, and cut at 40 characters: enough to recognize, not a copy of a long input.</summary>
    public static string Excerpt(ReadOnlySpan<char> text)
    {
        if (text.Length <= ExcerptLength)
        {
            return $"'{text}'";
        }
        var cut = char.IsHighSurrogate(text[ExcerptLength - 1]) ? ExcerptLength - 1 : ExcerptLength;
        return $"'{text[..cut]}…'";
    }
}
