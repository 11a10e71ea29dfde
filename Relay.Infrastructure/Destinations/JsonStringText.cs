using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Relay.Infrastructure.Destinations;

/// <summary>How far <see cref="JsonStringText.Unescape"/> got.</summary>
internal enum TextEnd
{
    /// <summary>The whole string.</summary>
    Complete,

    /// <summary>The destination filled up; what was written is a prefix (its last code point may be cut).</summary>
    Truncated,

    /// <summary>
    /// The string holds an unpaired surrogate escape (<c>"\ud800"</c>) or a malformed escape: not Unicode text, and
    /// System.Text.Json would throw on it. What was written is the text before it.
    /// </summary>
    NotText,
}

/// <summary>
/// JSON string content compared as UTF-8 without allocating or throwing. System.Text.Json's own comparisons
/// (<c>ValueEquals</c>, <c>TryGetProperty</c>, <c>GetString</c>) throw on unpaired surrogate escapes, which a hostile
/// payload may hold, and <c>GetString</c> allocates.
/// </summary>
internal static class JsonStringText
{
    /// <summary>
    /// Writes the unescaped UTF-8 of <paramref name="escaped"/> (a string's content between its quotes, as in the
    /// document) into <paramref name="destination"/>. Bytes outside escapes are copied as they are, valid UTF-8 or not.
    /// </summary>
    public static TextEnd Unescape(ReadOnlySpan<byte> escaped, Span<byte> destination, out int written)
    {
        written = 0;
        var i = 0;
        while (i < escaped.Length)
        {
            var backslash = escaped[i..].IndexOf((byte)'\\');
            var run = backslash < 0 ? escaped[i..] : escaped.Slice(i, backslash);
            var room = destination.Length - written;
            if (run.Length > room)
            {
                run[..room].CopyTo(destination[written..]);
                written = destination.Length;
                return TextEnd.Truncated;
            }
            run.CopyTo(destination[written..]);
            written += run.Length;
            i += run.Length;
            if (backslash < 0)
            {
                break;
            }

            if (i + 1 >= escaped.Length)
            {
                return TextEnd.NotText;
            }
            int codePoint;
            switch (escaped[i + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/':
                    codePoint = escaped[i + 1];
                    i += 2;
                    break;
                case (byte)'b':
                    codePoint = '\b';
                    i += 2;
                    break;
                case (byte)'f':
                    codePoint = '\f';
                    i += 2;
                    break;
                case (byte)'n':
                    codePoint = '\n';
                    i += 2;
                    break;
                case (byte)'r':
                    codePoint = '\r';
                    i += 2;
                    break;
                case (byte)'t':
                    codePoint = '\t';
                    i += 2;
                    break;
                case (byte)'u':
                    if (!TryReadHexEscape(escaped, i, out codePoint))
                    {
                        return TextEnd.NotText;
                    }
                    i += 6;
                    if (char.IsHighSurrogate((char)codePoint)
                        && TryReadHexEscape(escaped, i, out var low) && char.IsLowSurrogate((char)low))
                    {
                        codePoint = char.ConvertToUtf32((char)codePoint, (char)low);
                        i += 6;
                    }
                    else if (char.IsSurrogate((char)codePoint))
                    {
                        return TextEnd.NotText;
                    }
                    break;
                default:
                    return TextEnd.NotText;
            }
            var rune = new Rune(codePoint);
            if (rune.Utf8SequenceLength > destination.Length - written)
            {
                return TextEnd.Truncated;
            }
            written += rune.EncodeToUtf8(destination[written..]);
        }
        return TextEnd.Complete;
    }

    /// <summary>Whether a property name as written in the document (still escaped) is <paramref name="name"/> (UTF-8).</summary>
    public static bool NameEquals(ReadOnlySpan<byte> rawName, ReadOnlySpan<byte> name)
    {
        if (!rawName.Contains((byte)'\\'))
        {
            return rawName.SequenceEqual(name);
        }
        // Unescaping only shortens, so a written name shorter than the one sought cannot be it.
        return rawName.Length >= name.Length && EscapedNameEquals(rawName, name);
    }

    // Not inlined: its stackalloc is then released on return instead of piling up in the caller's loop over properties.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool EscapedNameEquals(ReadOnlySpan<byte> rawName, ReadOnlySpan<byte> name)
    {
        // One byte more than the name, so a longer unescaped name shows as Truncated instead of fitting exactly.
        Span<byte> unescaped = stackalloc byte[name.Length + 1];
        return Unescape(rawName, unescaped, out var written) == TextEnd.Complete && unescaped[..written].SequenceEqual(name);
    }

    /// <summary>
    /// The bytes a prefix of a string needs for <see cref="CompareOrdinal"/> against a text of
    /// <paramref name="textLength"/> UTF-16 units to be decided: one unit past it, at up to 3 bytes a unit (4 per pair),
    /// plus room for a code point cut at the end.
    /// </summary>
    public static int PrefixBytesToCompare(int textLength) => 4 * (textLength + 1);

    /// <summary>
    /// Compares UTF-8 <paramref name="utf8"/> with <paramref name="text"/> in .NET's ordinal order (UTF-16 code units,
    /// as <see cref="string.CompareOrdinal(string, string)"/>), decoding as it goes; null when it reaches bytes that
    /// are not UTF-8, or the end of a <see cref="TextEnd.NotText"/> string, before the order is decided.
    /// </summary>
    public static int? CompareOrdinal(ReadOnlySpan<byte> utf8, TextEnd end, string text)
    {
        var i = 0;
        var j = 0;
        while (true)
        {
            if (j == text.Length)
            {
                // Anything more, even bytes that are not text, sorts after.
                return i == utf8.Length && end == TextEnd.Complete ? 0 : 1;
            }
            if (i == utf8.Length)
            {
                return end == TextEnd.Complete ? -1 : null;
            }
            if (utf8[i] < 0x80)
            {
                if (utf8[i] != text[j])
                {
                    return utf8[i] < text[j] ? -1 : 1;
                }
                i++;
                j++;
                continue;
            }
            if (Rune.DecodeFromUtf8(utf8[i..], out var rune, out var consumed) != OperationStatus.Done)
            {
                return null;
            }
            i += consumed;
            if (rune.IsBmp)
            {
                var unit = (char)rune.Value;
                if (unit != text[j])
                {
                    return unit < text[j] ? -1 : 1;
                }
                j++;
                continue;
            }
            var high = (char)(0xD800 + ((rune.Value - 0x10000) >> 10));
            var low = (char)(0xDC00 + (rune.Value & 0x3FF));
            if (high != text[j])
            {
                return high < text[j] ? -1 : 1;
            }
            j++;
            if (j == text.Length)
            {
                return 1;
            }
            if (low != text[j])
            {
                return low < text[j] ? -1 : 1;
            }
            j++;
        }
    }

    /// <summary>Reads <c>\uXXXX</c> at <paramref name="at"/>.</summary>
    private static bool TryReadHexEscape(ReadOnlySpan<byte> escaped, int at, out int value)
    {
        value = 0;
        if (at + 6 > escaped.Length || escaped[at] != '\\' || escaped[at + 1] != 'u')
        {
            return false;
        }
        for (var k = at + 2; k < at + 6; k++)
        {
            var digit = HexDigit(escaped[k]);
            if (digit < 0)
            {
                return false;
            }
            value = value * 16 + digit;
        }
        return true;
    }

    public static int HexDigit(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
