namespace Relay.Infrastructure.Destinations;

/// <summary>
/// Recursive descent over the grammar in <see cref="PayloadFilter"/>. Errors stop the parse and are returned, not
/// thrown: hostile filters are expected here. Recursion is bounded by <see cref="PayloadFilter.MaxDepth"/>, which is
/// checked before each step down.
/// </summary>
internal sealed class PayloadFilterParser
{
    private readonly string source;
    private readonly PayloadFilterTokenizer tokenizer;
    private Token current;
    private int nodes;
    private int depth;
    private string? error;

    private PayloadFilterParser(string source)
    {
        this.source = source;
        tokenizer = new PayloadFilterTokenizer(source);
    }

    /// <summary>The filter's condition tree, or null and why not.</summary>
    public static PayloadCondition? Parse(string source, out string? error)
    {
        var parser = new PayloadFilterParser(source);
        var condition = parser.Advance() ? parser.ParseFilter() : null;
        error = parser.error;
        return error is null ? condition : null;
    }

    private PayloadCondition? ParseFilter()
    {
        if (current.Kind == TokenKind.End)
        {
            return Fail("the filter is empty");
        }
        var condition = ParseOr();
        if (condition is null)
        {
            return null;
        }
        if (current.Kind != TokenKind.End)
        {
            return Expected("'and', 'or' or the end of the filter");
        }
        return condition;
    }

    private PayloadCondition? ParseOr()
    {
        var first = ParseAnd();
        if (first is null || current.Kind != TokenKind.Or)
        {
            return first;
        }
        var operands = new List<PayloadCondition> { first };
        while (current.Kind == TokenKind.Or)
        {
            if (!CountNode(current) || !Advance() || ParseAnd() is not { } next)
            {
                return null;
            }
            operands.Add(next);
        }
        return new AnyCondition([.. operands]);
    }

    private PayloadCondition? ParseAnd()
    {
        var first = ParseUnary();
        if (first is null || current.Kind != TokenKind.And)
        {
            return first;
        }
        var operands = new List<PayloadCondition> { first };
        while (current.Kind == TokenKind.And)
        {
            if (!CountNode(current) || !Advance() || ParseUnary() is not { } next)
            {
                return null;
            }
            operands.Add(next);
        }
        return new AllConditions([.. operands]);
    }

    private PayloadCondition? ParseUnary()
    {
        if (current.Kind != TokenKind.Not)
        {
            return ParsePrimary();
        }
        if (!CountNode(current) || !EnterNesting(current) || !Advance() || ParseUnary() is not { } operand)
        {
            return null;
        }
        depth--;
        return new NegatedCondition(operand);
    }

    private PayloadCondition? ParsePrimary()
    {
        switch (current.Kind)
        {
            case TokenKind.OpenParenthesis:
                var open = current;
                if (!EnterNesting(open) || !Advance() || ParseOr() is not { } inner)
                {
                    return null;
                }
                if (current.Kind != TokenKind.CloseParenthesis)
                {
                    return Expected($"'and', 'or' or ')' to close the '(' at position {open.Start + 1}");
                }
                depth--;
                return Advance() ? inner : null;

            case TokenKind.Exists:
                var exists = current;
                if (!Advance())
                {
                    return null;
                }
                if (current.Kind != TokenKind.Path)
                {
                    return Expected("a path after 'exists' (e.g. exists $.data.customer)");
                }
                var path = current.Path!;
                return CountNode(exists) && Advance() ? new PathExists(path) : null;

            case TokenKind.Path:
                return ParsePathCondition();

            default:
                return Expected("a condition (a path such as $.data.amount, 'exists', 'not' or '(')");
        }
    }

    /// <summary><c>path op literal</c> or <c>path in [literals]</c>.</summary>
    private PayloadCondition? ParsePathCondition()
    {
        var pathToken = current;
        if (!Advance())
        {
            return null;
        }
        var operatorToken = current;
        ComparisonOperator? comparison = operatorToken.Kind switch
        {
            TokenKind.Equal => ComparisonOperator.Equal,
            TokenKind.NotEqual => ComparisonOperator.NotEqual,
            TokenKind.Less => ComparisonOperator.Less,
            TokenKind.LessOrEqual => ComparisonOperator.LessOrEqual,
            TokenKind.Greater => ComparisonOperator.Greater,
            TokenKind.GreaterOrEqual => ComparisonOperator.GreaterOrEqual,
            _ => null,
        };
        if (comparison is { } op)
        {
            if (!CountNode(pathToken) || !Advance() || ExpectLiteral($"after '{Text(operatorToken)}'") is not { } literal)
            {
                return null;
            }
            return new PathComparison(pathToken.Path!, op, literal);
        }
        if (operatorToken.Kind != TokenKind.In)
        {
            return Expected("a comparison (==, !=, <, <=, >, >=) or 'in' after the path");
        }

        if (!CountNode(pathToken) || !Advance())
        {
            return null;
        }
        if (current.Kind != TokenKind.OpenBracket)
        {
            return Expected("'[' after 'in'");
        }
        var literals = new List<FilterLiteral>();
        var after = "'['";
        while (true)
        {
            if (!Advance())
            {
                return null;
            }
            if (literals.Count == PayloadFilter.MaxInListLength)
            {
                return Fail($"the 'in' list has more than {PayloadFilter.MaxInListLength} literals at position {current.Start + 1}");
            }
            if (ExpectLiteral($"after {after}") is not { } literal)
            {
                return null;
            }
            literals.Add(literal);
            if (current.Kind == TokenKind.CloseBracket)
            {
                return Advance() ? new PathInList(pathToken.Path!, [.. literals]) : null;
            }
            if (current.Kind != TokenKind.Comma)
            {
                return Expected("',' or ']' in the 'in' list");
            }
            after = "','";
        }
    }

    /// <summary>The literal at the current token, then moves past it.</summary>
    private FilterLiteral? ExpectLiteral(string where)
    {
        if (current.Kind != TokenKind.Literal)
        {
            Expected($"a literal (a string, a number, true, false or null) {where}");
            return null;
        }
        var literal = current.Literal!;
        return Advance() ? literal : null;
    }

    private bool Advance()
    {
        if (tokenizer.TryNext(out current))
        {
            return true;
        }
        error = tokenizer.Error;
        return false;
    }

    /// <summary>Counts a comparison, 'exists', 'in' or boolean operator against <see cref="PayloadFilter.MaxNodes"/>.</summary>
    private bool CountNode(Token at)
    {
        if (++nodes <= PayloadFilter.MaxNodes)
        {
            return true;
        }
        Fail($"the filter has more than {PayloadFilter.MaxNodes} conditions and operators at position {at.Start + 1}");
        return false;
    }

    /// <summary>One level deeper for a '(' or a 'not'; the caller steps back out when the inner part has parsed.</summary>
    private bool EnterNesting(Token at)
    {
        if (++depth <= PayloadFilter.MaxDepth)
        {
            return true;
        }
        Fail($"the filter nests parentheses and 'not' more than {PayloadFilter.MaxDepth} levels deep at position {at.Start + 1}");
        return false;
    }

    private PayloadCondition? Expected(string what) => Fail($"expected {what} but found {Found()} at position {current.Start + 1}");

    private string Found()
    {
        var text = source.AsSpan(current.Start, current.Length);
        return current.Kind switch
        {
            TokenKind.End => "the end of the filter",
            TokenKind.Path => $"the path {FilterText.Excerpt(text)}",
            TokenKind.Literal => $"the literal {FilterText.Excerpt(text)}",
            // "AND" or "True" where a keyword or literal was meant.
            TokenKind.Word when IsKeyword(text.ToString().ToLowerInvariant()) => $"{FilterText.Excerpt(text)} (keywords are lowercase)",
            TokenKind.Word => $"{FilterText.Excerpt(text)} (paths start with '$', strings are in double quotes)",
            _ => $"'{text}'",
        };
    }

    private static bool IsKeyword(string word) => word is "and" or "or" or "not" or "exists" or "in" or "true" or "false" or "null";

    private string Text(Token token) => source.Substring(token.Start, token.Length);

    private PayloadCondition? Fail(string message)
    {
        error ??= message;
        return null;
    }
}
