namespace Relay.Infrastructure.Destinations;

/// <summary>
/// A JSON number read from its text, compared by exact decimal value: <c>1 == 1.0 == 1e0 == 0.1e1</c>, <c>-0 == 0</c>,
/// and digits past what decimal (28) or double (about 16) hold still count, so <c>1e-40</c> is not <c>0</c> and
/// <c>9007199254740993</c> is not <c>9007199254740992</c>. Reading allocates nothing and never throws.
/// </summary>
/// <remarks>The value is <c>Sign × 0.d₁d₂…dₙ × 10^Exponent</c>, d₁ and dₙ not zero; zero has no digits.</remarks>
internal readonly ref struct JsonNumber
{
    // Exponents are saturated here: a number whose written exponent passes it is beyond anything compared in practice,
    // and the cap keeps Exponent far from overflow whatever the digit count of a (1 MiB) payload.
    private const long ExponentCap = 1_000_000_000_000_000;

    public JsonNumber(ReadOnlySpan<byte> significand, long exponent, int sign)
    {
        Significand = significand;
        Exponent = exponent;
        Sign = sign;
    }

    /// <summary>The significant digits as ASCII, from the first to the last non-zero one; may hold one '.' to skip.</summary>
    public ReadOnlySpan<byte> Significand { get; }

    public long Exponent { get; }

    /// <summary>-1, 0 or 1.</summary>
    public int Sign { get; }

    /// <summary>Reads <paramref name="text"/> if it is exactly one number in JSON syntax (RFC 8259), UTF-8.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out JsonNumber number)
    {
        number = default;
        var i = 0;
        var negative = i < text.Length && text[i] == '-';
        if (negative)
        {
            i++;
        }
        var integerStart = i;
        if (i < text.Length && text[i] == '0')
        {
            i++;
        }
        else if (i < text.Length && text[i] is >= (byte)'1' and <= (byte)'9')
        {
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                i++;
            }
        }
        else
        {
            return false;
        }
        var integerEnd = i;
        var fractionStart = i;
        var mantissaEnd = i;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            fractionStart = i;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                i++;
            }
            if (i == fractionStart)
            {
                return false;
            }
            mantissaEnd = i;
        }
        long writtenExponent = 0;
        if (i < text.Length && text[i] is (byte)'e' or (byte)'E')
        {
            i++;
            var negativeExponent = false;
            if (i < text.Length && text[i] is (byte)'+' or (byte)'-')
            {
                negativeExponent = text[i] == '-';
                i++;
            }
            var exponentStart = i;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                writtenExponent = Math.Min(writtenExponent * 10 + (text[i] - '0'), ExponentCap);
                i++;
            }
            if (i == exponentStart)
            {
                return false;
            }
            if (negativeExponent)
            {
                writtenExponent = -writtenExponent;
            }
        }
        if (i != text.Length)
        {
            return false;
        }

        var mantissa = text[integerStart..mantissaEnd];
        var first = mantissa.IndexOfAnyInRange((byte)'1', (byte)'9');
        if (first < 0)
        {
            number = new JsonNumber([], 0, 0);
            return true;
        }
        var last = mantissa.LastIndexOfAnyInRange((byte)'1', (byte)'9');
        var firstAt = integerStart + first;
        // Digits left of the point from the first significant one, or minus the zeros between the point and it.
        long exponent = firstAt < integerEnd ? integerEnd - firstAt : -(firstAt - fractionStart);
        number = new JsonNumber(mantissa[first..(last + 1)], exponent + writtenExponent, negative ? -1 : 1);
        return true;
    }

    /// <summary>Negative, zero or positive as <paramref name="left"/> is less than, equal to or greater than <paramref name="right"/>.</summary>
    public static int Compare(in JsonNumber left, in JsonNumber right)
    {
        if (left.Sign != right.Sign)
        {
            return left.Sign.CompareTo(right.Sign);
        }
        if (left.Sign == 0)
        {
            return 0;
        }
        var magnitude = left.Exponent != right.Exponent
            ? left.Exponent.CompareTo(right.Exponent)
            : CompareDigits(left.Significand, right.Significand);
        return left.Sign * magnitude;
    }

    /// <summary>Digit by digit, skipping a '.'; when one runs out first it is the smaller, its tail being non-zero.</summary>
    private static int CompareDigits(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        int i = 0, j = 0;
        while (true)
        {
            if (i < left.Length && left[i] == '.')
            {
                i++;
            }
            if (j < right.Length && right[j] == '.')
            {
                j++;
            }
            if (i == left.Length || j == right.Length)
            {
                return (i == left.Length ? 0 : 1) - (j == right.Length ? 0 : 1);
            }
            if (left[i] != right[j])
            {
                return left[i] < right[j] ? -1 : 1;
            }
            i++;
            j++;
        }
    }
}
