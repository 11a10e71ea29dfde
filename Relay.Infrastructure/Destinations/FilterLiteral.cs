using System.Text;

namespace Relay.Infrastructure.Destinations;

internal enum LiteralKind
{
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>A literal of a payload filter, with what comparing against it needs computed once at parse time.</summary>
internal sealed class FilterLiteral
{
    private readonly byte[] significand;
    private readonly long exponent;
    private readonly int sign;

    private FilterLiteral(LiteralKind kind, string text, byte[] utf8, byte[] significand, long exponent, int sign)
    {
        Kind = kind;
        Text = text;
        Utf8 = utf8;
        this.significand = significand;
        this.exponent = exponent;
        this.sign = sign;
    }

    public static FilterLiteral True { get; } = new(LiteralKind.True, "", [], [], 0, 0);

    public static FilterLiteral False { get; } = new(LiteralKind.False, "", [], [], 0, 0);

    public static FilterLiteral Null { get; } = new(LiteralKind.Null, "", [], [], 0, 0);

    public LiteralKind Kind { get; }

    /// <summary>A string literal's value (valid UTF-16: the parser refuses unpaired surrogates); empty for other kinds.</summary>
    public string Text { get; }

    /// <summary>A string literal's value as UTF-8; empty for other kinds.</summary>
    public byte[] Utf8 { get; }

    public JsonNumber Number => new(significand, exponent, sign);

    public static FilterLiteral ForString(string text) => new(LiteralKind.String, text, Encoding.UTF8.GetBytes(text), [], 0, 0);

    public static FilterLiteral ForNumber(JsonNumber number) =>
        new(LiteralKind.Number, "", [], number.Significand.ToArray(), number.Exponent, number.Sign);

    /// <summary>The bytes of a payload string to unescape, at most, before comparing it with this literal.</summary>
    public int UnescapedBytesNeeded(bool forOrdering) => Kind != LiteralKind.String
        ? 0
        : forOrdering ? JsonStringText.PrefixBytesToCompare(Text.Length) : Utf8.Length + 1;
}
