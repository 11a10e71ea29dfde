using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Relay.Infrastructure.Destinations;

/// <summary>
/// A condition on an event's normalized payload, parsed once and evaluated for every event:
/// <code>
/// expr    := or
/// or      := and ( "or" and )*
/// and     := unary ( "and" unary )*
/// unary   := "not" unary | primary
/// primary := "(" expr ")" | "exists" path | path op literal | path "in" "[" literal ( "," literal )* "]"
/// op      := "==" | "!=" | ">" | ">=" | "&lt;" | "&lt;="
/// path    := "$" ( "." identifier | "[" string "]" | "[" integer "]" )*
/// literal := string | number | true | false | null          (JSON syntax)
/// </code>
/// Keywords are lowercase; an identifier is ASCII letters, digits and '_', not starting with a digit.
/// </summary>
/// <remarks>
/// <para>
/// A path that leads nowhere (a missing property, an index past the end, a step into a scalar) makes every comparison
/// false, <c>!=</c> and <c>in</c> included: missing is not "not equal". <c>exists</c> asks exactly that, and
/// <c>not</c> inverts whatever it is given, so <c>not $.x == 1</c> is true where <c>$.x</c> is missing.
/// </para>
/// <para>
/// <c>==</c> is true for the same JSON type and value: strings ordinal, numbers by exact decimal value (<c>1 == 1.0</c>),
/// booleans, null; an object or array equals no literal. <c>!=</c> is its opposite wherever the path exists.
/// <c>&lt; &lt;= &gt; &gt;=</c> order two numbers or two strings (ordinal, UTF-16 code units); anything else is false.
/// A payload string that is not Unicode text (an unpaired surrogate escape, invalid UTF-8) equals no literal.
/// </para>
/// <para>
/// Evaluation walks at most the path's steps from the root, never the whole payload, allocates nothing and never
/// throws, whatever the <see cref="JsonElement"/> (any root kind, any depth, an element of a disposed document).
/// </para>
/// </remarks>
public sealed class PayloadFilter
{
    public const int MaxSourceLength = 2000;
    /// <summary>Comparisons, 'exists' and 'in' conditions, and 'and', 'or' and 'not' operators, together.</summary>
    public const int MaxNodes = 64;
    /// <summary>Parentheses and 'not' enclosing one another.</summary>
    public const int MaxDepth = 16;
    public const int MaxPathSegments = 16;
    public const int MaxInListLength = 100;
    /// <summary>Characters (UTF-16 code units) of a string literal or property name.</summary>
    public const int MaxStringLength = 500;

    private readonly PayloadCondition condition;

    private PayloadFilter(string source, PayloadCondition condition)
    {
        Source = source;
        this.condition = condition;
    }

    /// <summary>The filter as written: what to store and show.</summary>
    public string Source { get; }

    /// <summary>
    /// Parses <paramref name="source"/>. The error names the problem and its 1-based character position, e.g.
    /// <c>expected a literal (…) after '==' but found 'and' at position 14</c>.
    /// </summary>
    public static bool TryParse(string? source, [NotNullWhen(true)] out PayloadFilter? filter, [NotNullWhen(false)] out string? error)
    {
        filter = null;
        // Whitespace alone is the parser's to report, with JSON's idea of whitespace.
        if (string.IsNullOrEmpty(source))
        {
            error = "the filter is empty";
            return false;
        }
        // Checked before reading a character, so a huge input costs nothing.
        if (source.Length > MaxSourceLength)
        {
            error = $"the filter is {source.Length} characters long; the limit is {MaxSourceLength}";
            return false;
        }
        var condition = PayloadFilterParser.Parse(source, out error);
        if (condition is null)
        {
            error ??= "the filter could not be parsed";
            return false;
        }
        filter = new PayloadFilter(source, condition);
        return true;
    }

    public bool Matches(JsonElement payload)
    {
        try
        {
            return condition.Evaluate(payload);
        }
        catch (ObjectDisposedException)
        {
            // The caller disposed the payload's document: its bug, but evaluation promises not to throw, and there is
            // nothing left to match.
            return false;
        }
    }

    public override string ToString() => Source;
}
