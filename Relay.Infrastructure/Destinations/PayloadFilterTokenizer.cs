using System.Globalization;
using System.Text;

namespace Relay.Infrastructure.Destinations;

internal enum TokenKind
{
    End,
    Path,
    Literal,
    /// <summary>A word that is no keyword: the parser says what it expected instead.</summary>
    Word,
    And,
    Or,
    Not,
    Exists,
    In,
    OpenParenthesis,
    CloseParenthesis,
    OpenBracket,
    CloseBracket,
    Comma,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>A token of a payload filter; <see cref="Start"/> is 0-based, messages say <c>Start + 1</c>.</summary>
internal readonly record struct Token(TokenKind Kind, int Start, int Length, PayloadPath? Path = null, FilterLiteral? Literal = null);

/// <summary>
/// Splits a payload filter into tokens on demand, so the first error in the text is the one reported. Paths are one
/// token (<c>$.data["odd key"][0]</c>, no spaces inside) and string and number literals are read to their values here.
/// </summary>
internal sealed class PayloadFilterTokenizer(string source)
{
    private int position;

    /// <summary>Set when <see cref="TryNext"/> returns false.</summary>
    public string? Error { get; private set; }

    public bool TryNext(out Token token)
    {
        token = default;
        while (position < source.Length && source[position] is ' ' or '\t' or '\r' or '\n')
        {
            position++;
        }
        var start = position;
        if (position == source.Length)
        {
            token = new Token(TokenKind.End, start, 0);
            return true;
        }

        var c = source[position];
        switch (c)
        {
            case '(':
                return Single(TokenKind.OpenParenthesis, out token);
            case ')':
                return Single(TokenKind.CloseParenthesis, out token);
            case '[':
                return Single(TokenKind.OpenBracket, out token);
            case ']':
                return Single(TokenKind.CloseBracket, out token);
            case ',':
                return Single(TokenKind.Comma, out token);
            case '=':
                return Followed('=', TokenKind.Equal, "'=' at position {0} is not an operator; compare with '=='", out token);
            case '!':
                return Followed('=', TokenKind.NotEqual, "'!' at position {0} is not an operator; negate with 'not', compare with '!='", out token);
            case '<':
                return OneOrTwo(TokenKind.Less, TokenKind.LessOrEqual, out token);
            case '>':
                return OneOrTwo(TokenKind.Greater, TokenKind.GreaterOrEqual, out token);
            case '"':
                if (!TryReadString(out var text))
                {
                    return false;
                }
                token = new Token(TokenKind.Literal, start, position - start, Literal: FilterLiteral.ForString(text));
                return true;
            case '$':
                return TryReadPath(out token);
        }
        if (c == '-' || char.IsAsciiDigit(c))
        {
            return TryReadNumber(out token);
        }
        if (char.IsAsciiLetter(c) || c == '_')
        {
            while (position < source.Length && IsWordCharacter(source[position]))
            {
                position++;
            }
            var (kind, literal) = source[start..position] switch
            {
                "and" => (TokenKind.And, null),
                "or" => (TokenKind.Or, null),
                "not" => (TokenKind.Not, null),
                "exists" => (TokenKind.Exists, null),
                "in" => (TokenKind.In, null),
                "true" => (TokenKind.Literal, FilterLiteral.True),
                "false" => (TokenKind.Literal, FilterLiteral.False),
                "null" => (TokenKind.Literal, FilterLiteral.Null),
                _ => (TokenKind.Word, (FilterLiteral?)null),
            };
            token = new Token(kind, start, position - start, Literal: literal);
            return true;
        }
        return Fail($"unexpected character {FilterText.Quote(c)} at position {start + 1}");
    }

    private bool Single(TokenKind kind, out Token token)
    {
        token = new Token(kind, position, 1);
        position++;
        return true;
    }

    private bool OneOrTwo(TokenKind alone, TokenKind withEquals, out Token token)
    {
        var start = position;
        position++;
        var kind = alone;
        if (position < source.Length && source[position] == '=')
        {
            position++;
            kind = withEquals;
        }
        token = new Token(kind, start, position - start);
        return true;
    }

    private bool Followed(char second, TokenKind kind, string errorFormat, out Token token)
    {
        token = default;
        if (position + 1 < source.Length && source[position + 1] == second)
        {
            token = new Token(kind, position, 2);
            position += 2;
            return true;
        }
        return Fail(string.Format(CultureInfo.InvariantCulture, errorFormat, position + 1));
    }

    /// <summary>A string in JSON syntax at <see cref="position"/> (its opening quote).</summary>
    private bool TryReadString(out string text)
    {
        text = "";
        var start = position;
        position++;
        var value = new StringBuilder();
        var unpairedHighAt = -1;
        while (true)
        {
            if (position >= source.Length)
            {
                return Fail($"the string starting at position {start + 1} has no closing '\"'");
            }
            var at = position;
            var c = source[position];
            if (c == '"')
            {
                position++;
                break;
            }
            if (c == '\\')
            {
                if (!TryReadEscape(out c))
                {
                    return false;
                }
            }
            else if (c < ' ')
            {
                return Fail($"{FilterText.Describe(c)} at position {at + 1} must be escaped in a string (e.g. \\n, \\u0000)");
            }
            else
            {
                position++;
            }

            // A literal must be Unicode text: the payload strings it can equal are, and it is stored as UTF-8.
            if (unpairedHighAt >= 0 && !char.IsLowSurrogate(c))
            {
                return UnpairedSurrogate(unpairedHighAt);
            }
            if (char.IsLowSurrogate(c) && unpairedHighAt < 0)
            {
                return UnpairedSurrogate(at);
            }
            unpairedHighAt = char.IsHighSurrogate(c) ? at : -1;

            if (value.Length == PayloadFilter.MaxStringLength)
            {
                return Fail($"the string starting at position {start + 1} is longer than {PayloadFilter.MaxStringLength} characters");
            }
            value.Append(c);
        }
        if (unpairedHighAt >= 0)
        {
            return UnpairedSurrogate(unpairedHighAt);
        }
        text = value.ToString();
        return true;
    }

    private bool UnpairedSurrogate(int at) =>
        Fail($"the string has an unpaired surrogate (\\ud800-\\udfff without its pair) at position {at + 1}");

    /// <summary>A JSON escape at <see cref="position"/> (its backslash).</summary>
    private bool TryReadEscape(out char c)
    {
        c = '\0';
        var at = position;
        if (at + 1 >= source.Length)
        {
            return Fail($"the escape at position {at + 1} is cut off by the end of the filter");
        }
        var escaped = source[at + 1];
        position += 2;
        switch (escaped)
        {
            case '"' or '\\' or '/':
                c = escaped;
                return true;
            case 'b':
                c = '\b';
                return true;
            case 'f':
                c = '\f';
                return true;
            case 'n':
                c = '\n';
                return true;
            case 'r':
                c = '\r';
                return true;
            case 't':
                c = '\t';
                return true;
            case 'u':
                var value = 0;
                for (var k = 0; k < 4; k++)
                {
                    var digit = position < source.Length ? JsonStringText.HexDigit(source[position]) : -1;
                    if (digit < 0)
                    {
                        return Fail($"the \\u escape at position {at + 1} needs four hex digits");
                    }
                    value = value * 16 + digit;
                    position++;
                }
                c = (char)value;
                return true;
            default:
                return Fail($"invalid escape at position {at + 1}: '\\' followed by {FilterText.Describe(escaped)}; strings allow \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX");
        }
    }

    /// <summary>A number in JSON syntax: the characters numbers are made of, then checked as a whole.</summary>
    private bool TryReadNumber(out Token token)
    {
        token = default;
        var start = position;
        while (position < source.Length && source[position] is (>= '0' and <= '9') or '-' or '+' or '.' or 'e' or 'E')
        {
            position++;
        }
        var text = source.AsSpan(start, position - start);
        Span<byte> ascii = stackalloc byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            ascii[i] = (byte)text[i];
        }
        if (!JsonNumber.TryParse(ascii, out var number))
        {
            return Fail($"invalid number {FilterText.Excerpt(text)} at position {start + 1} (JSON syntax: 42, -1.5, 2e3)");
        }
        token = new Token(TokenKind.Literal, start, position - start, Literal: FilterLiteral.ForNumber(number));
        return true;
    }

    /// <summary>A path at <see cref="position"/> (its '$').</summary>
    private bool TryReadPath(out Token token)
    {
        token = default;
        var start = position;
        position++;
        var segments = new List<PathSegment>();
        while (position < source.Length && source[position] is '.' or '[')
        {
            if (segments.Count == PayloadFilter.MaxPathSegments)
            {
                return Fail($"the path has more than {PayloadFilter.MaxPathSegments} segments at position {position + 1}");
            }
            if (source[position] == '.')
            {
                position++;
                var nameStart = position;
                if (position == source.Length || !(char.IsAsciiLetter(source[position]) || source[position] == '_'))
                {
                    return Fail($"expected a property name after '.' but found {FoundAt(position)} at position {position + 1} (a name other than letters, digits and '_' goes in brackets: $.data[\"odd key\"])");
                }
                while (position < source.Length && IsWordCharacter(source[position]))
                {
                    position++;
                }
                if (position - nameStart > PayloadFilter.MaxStringLength)
                {
                    return Fail($"the property name at position {nameStart + 1} is longer than {PayloadFilter.MaxStringLength} characters");
                }
                segments.Add(new PathSegment(Encoding.UTF8.GetBytes(source[nameStart..position]), 0));
                continue;
            }

            position++;
            if (position < source.Length && source[position] == '"')
            {
                if (!TryReadString(out var name))
                {
                    return false;
                }
                segments.Add(new PathSegment(Encoding.UTF8.GetBytes(name), 0));
            }
            else if (position < source.Length && char.IsAsciiDigit(source[position]))
            {
                var indexStart = position;
                while (position < source.Length && char.IsAsciiDigit(source[position]))
                {
                    position++;
                }
                var digits = source.AsSpan(indexStart, position - indexStart);
                if (digits.Length > 1 && digits[0] == '0')
                {
                    return Fail($"the array index at position {indexStart + 1} has a leading zero");
                }
                if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    return Fail($"the array index at position {indexStart + 1} is too large (at most {int.MaxValue})");
                }
                segments.Add(new PathSegment(null, index));
            }
            else
            {
                return Fail($"expected a property name in quotes or an array index after '[' but found {FoundAt(position)} at position {position + 1}");
            }
            if (position == source.Length || source[position] != ']')
            {
                return Fail($"expected ']' but found {FoundAt(position)} at position {position + 1}");
            }
            position++;
        }
        // "$abc", "$.odd-key", "$.a"b"": a path ends at a space, an operator or a parenthesis, never inside a word.
        if (position < source.Length && (IsWordCharacter(source[position]) || source[position] is '$' or '"' or '-'))
        {
            return Fail($"unexpected character {FilterText.Quote(source[position])} in the path at position {position + 1} (paths look like $.data.amount, $.data[\"odd key\"], $.data.tags[0])");
        }
        token = new Token(TokenKind.Path, start, position - start, Path: new PayloadPath([.. segments]));
        return true;
    }

    private string FoundAt(int at) => at < source.Length ? FilterText.Describe(source[at]) : "the end of the filter";

    private static bool IsWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private bool Fail(string message)
    {
        Error = message;
        return false;
    }
}
