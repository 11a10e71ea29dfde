using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Relay.Infrastructure.Destinations;

/// <summary>A node of a parsed payload filter. Evaluating never throws and allocates nothing.</summary>
internal abstract class PayloadCondition
{
    public abstract bool Evaluate(JsonElement payload);
}

/// <summary><c>a or b or c</c>, one node for the chain so evaluation recurses only as deep as the parentheses.</summary>
internal sealed class AnyCondition(PayloadCondition[] operands) : PayloadCondition
{
    public override bool Evaluate(JsonElement payload)
    {
        foreach (var operand in operands)
        {
            if (operand.Evaluate(payload))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary><c>a and b and c</c>.</summary>
internal sealed class AllConditions(PayloadCondition[] operands) : PayloadCondition
{
    public override bool Evaluate(JsonElement payload)
    {
        foreach (var operand in operands)
        {
            if (!operand.Evaluate(payload))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary><c>not a</c>: true where a is false, including where a's path is missing.</summary>
internal sealed class NegatedCondition(PayloadCondition operand) : PayloadCondition
{
    public override bool Evaluate(JsonElement payload) => !operand.Evaluate(payload);
}

/// <summary><c>exists $.x</c>: the path leads somewhere, whatever is there (null too).</summary>
internal sealed class PathExists(PayloadPath path) : PayloadCondition
{
    public override bool Evaluate(JsonElement payload) => path.TryResolve(payload, out _);
}

internal enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>
/// A condition on the value at a path; a missing path makes it false, whatever the comparison. The value is read once
/// (a string unescaped, a number parsed) and then compared with the literal(s).
/// </summary>
internal abstract class ValueCondition(PayloadPath path, int unescapeBufferLength) : PayloadCondition
{
    public sealed override bool Evaluate(JsonElement payload)
    {
        if (!path.TryResolve(payload, out var element))
        {
            return false;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var raw = JsonMarshal.GetRawUtf8Value(element);
                var content = raw[1..^1];
                return content.Contains((byte)'\\')
                    ? TestEscapedString(content)
                    : Test(new PayloadValue(JsonValueKind.String, content, TextEnd.Complete, default));
            case JsonValueKind.Number:
                // Cannot fail for a number System.Text.Json read; if it did, the value would compare as nothing.
                return JsonNumber.TryParse(JsonMarshal.GetRawUtf8Value(element), out var number)
                    ? Test(new PayloadValue(JsonValueKind.Number, default, TextEnd.Complete, number))
                    : Test(new PayloadValue(JsonValueKind.Undefined, default, TextEnd.Complete, default));
            default:
                return Test(new PayloadValue(element.ValueKind, default, TextEnd.Complete, default));
        }
    }

    protected abstract bool Test(in PayloadValue value);

    // Unescapes into a stack buffer only as long as the literals need (see FilterLiteral.UnescapedBytesNeeded);
    // not inlined so Evaluate itself does not reserve it for every value.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TestEscapedString(ReadOnlySpan<byte> content)
    {
        Span<byte> buffer = stackalloc byte[unescapeBufferLength];
        var end = JsonStringText.Unescape(content, buffer, out var written);
        return Test(new PayloadValue(JsonValueKind.String, buffer[..written], end, default));
    }
}

/// <summary><c>$.x op literal</c>.</summary>
internal sealed class PathComparison(PayloadPath path, ComparisonOperator comparison, FilterLiteral literal)
    : ValueCondition(path, 1 + literal.UnescapedBytesNeeded(forOrdering: comparison is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual)))
{
    protected override bool Test(in PayloadValue value)
    {
        switch (comparison)
        {
            case ComparisonOperator.Equal:
                return value.EqualsLiteral(literal);
            case ComparisonOperator.NotEqual:
                return !value.EqualsLiteral(literal);
        }
        if (value.CompareToLiteral(literal) is not { } order)
        {
            return false;
        }
        return comparison switch
        {
            ComparisonOperator.Less => order < 0,
            ComparisonOperator.LessOrEqual => order <= 0,
            ComparisonOperator.Greater => order > 0,
            _ => order >= 0,
        };
    }
}

/// <summary><c>$.x in [a, b, c]</c>: equal (as <c>==</c>) to any of them.</summary>
internal sealed class PathInList(PayloadPath path, FilterLiteral[] literals)
    : ValueCondition(path, 1 + literals.Max(l => l.UnescapedBytesNeeded(forOrdering: false)))
{
    protected override bool Test(in PayloadValue value)
    {
        foreach (var literal in literals)
        {
            if (value.EqualsLiteral(literal))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// A payload value as the comparisons see it. <see cref="JsonValueKind.Undefined"/> stands for a value that compares
/// as nothing (equal to no literal, unordered).
/// </summary>
internal readonly ref struct PayloadValue(JsonValueKind kind, ReadOnlySpan<byte> text, TextEnd textEnd, JsonNumber number)
{
    public JsonValueKind Kind { get; } = kind;

    /// <summary>A string's unescaped UTF-8, or a prefix of it (see <see cref="TextEnd"/>).</summary>
    public ReadOnlySpan<byte> Text { get; } = text;

    public TextEnd TextEnd { get; } = textEnd;

    public JsonNumber Number { get; } = number;

    /// <summary>Same type and value: strings ordinal, numbers by exact value; never an object or array.</summary>
    public bool EqualsLiteral(FilterLiteral literal) => literal.Kind switch
    {
        // A string that is not text never equals a literal: literals are valid UTF-16, so valid UTF-8 here.
        LiteralKind.String => Kind == JsonValueKind.String && TextEnd == TextEnd.Complete && Text.SequenceEqual(literal.Utf8),
        LiteralKind.Number => Kind == JsonValueKind.Number && JsonNumber.Compare(Number, literal.Number) == 0,
        LiteralKind.True => Kind == JsonValueKind.True,
        LiteralKind.False => Kind == JsonValueKind.False,
        _ => Kind == JsonValueKind.Null,
    };

    /// <summary>The order of two numbers or two strings; null for anything else.</summary>
    public int? CompareToLiteral(FilterLiteral literal) => (Kind, literal.Kind) switch
    {
        (JsonValueKind.Number, LiteralKind.Number) => JsonNumber.Compare(Number, literal.Number),
        (JsonValueKind.String, LiteralKind.String) => JsonStringText.CompareOrdinal(Text, TextEnd, literal.Text),
        _ => null,
    };
}
