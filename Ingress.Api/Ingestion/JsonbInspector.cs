using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// Works out, before anything is sent to PostgreSQL, whether jsonb can hold a (valid) JSON document and how long its
/// text form is. jsonb refuses three things valid JSON may hold: <c>\u0000</c> in a string or name (22P05), a surrogate
/// escape without its pair (22P02), and a number beyond numeric's range (22003: more than 131,072 digits before the
/// decimal point or 16,383 after). Its text form is not the provider's: keys sorted and deduplicated, ", " and ": "
/// between items, strings with only <c>"</c>, <c>\</c> and control characters escaped, numbers written out in full
/// (<c>1e300</c> becomes 301 digits), so its length is computed rather than guessed.
/// </summary>
public static class JsonbInspector
{
    // numeric's limits (PostgreSQL src/backend/utils/adt/numeric.c): NUMERIC_WEIGHT_MAX base-10000 digits before the
    // point, NUMERIC_DSCALE_MAX decimal digits after it, and an exponent below INT_MAX / 2.
    private const long MaxDigitsBeforePoint = (short.MaxValue + 1L) * 4;
    private const long MaxDigitsAfterPoint = 0x3FFF;
    private const long MaxExponent = int.MaxValue / 2;
    private const int MaxPathLength = 200;
    private const string NulProblem = "contains \\u0000, which Relay cannot store";
    private const string SurrogateProblem = "contains an unpaired surrogate escape (\\ud800-\\udfff), which is not Unicode text";
    private const string NumberProblem = "is a number Relay cannot store (at most 131072 digits before the decimal point and 16383 after)";

    public static JsonbInspection Inspect(ReadOnlySpan<byte> json)
    {
        // The document was parsed already (within ingest's depth limit); this pass only measures it.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        var containers = new Container[16];
        var depth = 0;
        long length = 0;
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (depth > 0 && containers[depth - 1].IsArray && token is not (JsonTokenType.EndArray or JsonTokenType.EndObject))
            {
                ref var array = ref containers[depth - 1];
                length += array.Items > 0 ? 2 : 0; // ", " before every element but the first
                array.Index = array.Items++;
            }
            switch (token)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    length += 1;
                    if (depth == containers.Length)
                    {
                        Array.Resize(ref containers, depth * 2);
                    }
                    containers[depth++] = new Container { IsArray = token == JsonTokenType.StartArray };
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    length += 1;
                    depth--;
                    break;
                case JsonTokenType.PropertyName:
                    ref var owner = ref containers[depth - 1];
                    length += owner.Items++ > 0 ? 2 : 0;
                    owner.NameStart = (int)reader.TokenStartIndex + 1;
                    owner.NameLength = reader.ValueSpan.Length;
                    if (StringLength(ref reader, out var nameLength) is { } nameProblem)
                    {
                        return new JsonbInspection(0, Path(json, containers.AsSpan(0, depth - 1)), $"has a property name that {nameProblem}");
                    }
                    length += nameLength + 2; // ": "
                    break;
                case JsonTokenType.String:
                    if (StringLength(ref reader, out var stringLength) is { } stringProblem)
                    {
                        return new JsonbInspection(0, Path(json, containers.AsSpan(0, depth)), stringProblem);
                    }
                    length += stringLength;
                    break;
                case JsonTokenType.Number:
                    var numberLength = NumberLength(reader.ValueSpan);
                    if (numberLength < 0)
                    {
                        return new JsonbInspection(0, Path(json, containers.AsSpan(0, depth)), NumberProblem);
                    }
                    length += numberLength;
                    break;
                case JsonTokenType.True:
                case JsonTokenType.Null:
                    length += 4;
                    break;
                case JsonTokenType.False:
                    length += 5;
                    break;
            }
        }
        return new JsonbInspection(length, null, null);
    }

    /// <summary>
    /// The length of the string as jsonb writes it (quotes included), or why jsonb cannot hold it. An unescaped JSON
    /// string is already in jsonb's form (JSON forbids raw control characters, quotes and backslashes); only escaped
    /// ones are decoded and measured.
    /// </summary>
    private static string? StringLength(ref Utf8JsonReader reader, out long length)
    {
        length = 2 + reader.ValueSpan.Length;
        if (!reader.ValueIsEscaped)
        {
            return null;
        }
        var rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            int written;
            try
            {
                written = reader.CopyString(rented);
            }
            catch (InvalidOperationException)
            {
                // System.Text.Json refuses to decode a surrogate escape without its pair, as jsonb does.
                return SurrogateProblem;
            }
            length = 2;
            foreach (var b in rented.AsSpan(0, written))
            {
                if (b == 0)
                {
                    return NulProblem;
                }
                length += b switch
                {
                    (byte)'"' or (byte)'\\' or (byte)'\b' or (byte)'\f' or (byte)'\n' or (byte)'\r' or (byte)'\t' => 2,
                    < 0x20 => 6, // \u00XX
                    _ => 1,
                };
            }
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The length of numeric's text form of a JSON number (PostgreSQL's numeric_out: no exponent, the scale the input
    /// had, no sign on zero), or -1 when numeric cannot hold it.
    /// </summary>
    public static long NumberLength(ReadOnlySpan<byte> number)
    {
        var position = 0;
        var negative = number[0] == '-';
        if (negative)
        {
            position++;
        }
        long integerDigits = 0, fractionDigits = 0, leadingZeros = 0;
        var zeroSoFar = true;
        for (; position < number.Length && char.IsAsciiDigit((char)number[position]); position++, integerDigits++)
        {
            CountLeadingZero(number[position], ref zeroSoFar, ref leadingZeros);
        }
        if (position < number.Length && number[position] == '.')
        {
            for (position++; position < number.Length && char.IsAsciiDigit((char)number[position]); position++, fractionDigits++)
            {
                CountLeadingZero(number[position], ref zeroSoFar, ref leadingZeros);
            }
        }
        long exponent = 0;
        if (position < number.Length && number[position] is (byte)'e' or (byte)'E')
        {
            position++;
            var negativeExponent = number[position] == '-';
            if (number[position] is (byte)'-' or (byte)'+')
            {
                position++;
            }
            for (; position < number.Length; position++)
            {
                // Saturates: anything this large is out of range anyway.
                exponent = Math.Min(exponent * 10 + (number[position] - '0'), MaxExponent * 10);
            }
            exponent = negativeExponent ? -exponent : exponent;
        }
        if (Math.Abs(exponent) >= MaxExponent)
        {
            return -1;
        }
        var scale = Math.Max(0, fractionDigits - exponent);
        if (scale > MaxDigitsAfterPoint)
        {
            return -1;
        }
        long length;
        if (zeroSoFar)
        {
            length = 1; // "0"
        }
        else
        {
            // The power of ten of the first significant digit: 0 for units, -1 for tenths.
            var magnitude = integerDigits - 1 - leadingZeros + exponent;
            if (magnitude >= MaxDigitsBeforePoint)
            {
                return -1;
            }
            length = (negative ? 1 : 0) + Math.Max(1, magnitude + 1);
        }
        return length + (scale > 0 ? 1 + scale : 0);
    }

    private static void CountLeadingZero(byte digit, ref bool zeroSoFar, ref long leadingZeros)
    {
        if (!zeroSoFar)
        {
            return;
        }
        if (digit == '0')
        {
            leadingZeros++;
        }
        else
        {
            zeroSoFar = false;
        }
    }

    /// <summary>The value's path from the document root (<c>data.items[2].note</c>), names as the provider escaped them.</summary>
    private static string Path(ReadOnlySpan<byte> json, ReadOnlySpan<Container> containers)
    {
        var path = new StringBuilder();
        foreach (var container in containers)
        {
            if (container.IsArray)
            {
                path.Append('[').Append(container.Index).Append(']');
            }
            else
            {
                if (path.Length > 0)
                {
                    path.Append('.');
                }
                path.Append(Encoding.UTF8.GetString(json.Slice(container.NameStart, Math.Min(container.NameLength, MaxPathLength + 1))));
            }
            if (path.Length > MaxPathLength)
            {
                return path.ToString(0, MaxPathLength) + "…";
            }
        }
        return path.Length == 0 ? "(root)" : path.ToString();
    }

    /// <summary>An object or array being read: how many items it has so far, and where the current one is.</summary>
    private struct Container
    {
        public bool IsArray;
        public int Items;
        public int Index;
        public int NameStart;
        public int NameLength;
    }
}
