using System.Text.Json;
using Relay.Infrastructure.Destinations;

namespace Relay.UnitTests.Destinations;

public sealed class PayloadFilterParsingTests
{
    private const string Literal = "a literal (a string, a number, true, false or null)";

    private static string Rejection(string? source)
    {
        Assert.False(PayloadFilter.TryParse(source, out var filter, out var error));
        Assert.Null(filter);
        return error;
    }

    private static PayloadFilter Parse(string source) => PayloadFilterEvaluationTests.Parse(source);

    /// <summary>n comparisons joined by n - 1 'or': 2n - 1 nodes.</summary>
    private static string Comparisons(int count) => string.Join(" or ", Enumerable.Range(0, count).Select(i => $"$.n == {i}"));

    [Fact]
    public void The_source_is_kept_as_written()
    {
        const string source = "  $.data.amount>=1000\n\tand ($.data.currency in [\"EUR\",\"USD\"]  or not exists $.x)  ";
        var filter = Parse(source);
        Assert.Equal(source, filter.Source);
        Assert.Equal(source, filter.ToString());
    }

    [Theory]
    [InlineData("$.a==1")]
    [InlineData("$.a ==-1")]
    [InlineData("$.a in[1,2]")]
    [InlineData("not($.a==1)")]
    [InlineData("($.a==1)and($.b==2)")]
    [InlineData("exists $.a or exists $.b")]
    [InlineData("$.and == 1 and $.or.not.in.exists == true")]       // keywords are names after '.'
    [InlineData("$.null == null and $.true != true")]
    [InlineData("$._x1 == 0.0")]
    [InlineData("$ == \"\"")]
    [InlineData("$[\"\"] == 1")]
    [InlineData("$.a == \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\\uD83D\\uDE00\"")]
    [InlineData("$.a == -0.5e-3 or $.a == 1E+2 or $.a == 0")]
    public void Valid_forms_parse(string source)
    {
        Parse(source);
    }

    [Theory]
    [InlineData("", "the filter is empty")]
    [InlineData(" \t\n", "the filter is empty")]
    [InlineData("\u00a0", "unexpected character U+00A0 at position 1")]
    [InlineData(null, "the filter is empty")]
    [InlineData("$.a", "expected a comparison (==, !=, <, <=, >, >=) or 'in' after the path but found the end of the filter at position 4")]
    [InlineData("$.a ==", $"expected {Literal} after '==' but found the end of the filter at position 7")]
    [InlineData("$.data.amount == and $.x == 1", $"expected {Literal} after '==' but found 'and' at position 18")]
    [InlineData("$.a >= $.b", $"expected {Literal} after '>=' but found the path '$.b' at position 8")]
    [InlineData("$.a == True", $"expected {Literal} after '==' but found 'True' (keywords are lowercase) at position 8")]
    [InlineData("$.a == yes", $"expected {Literal} after '==' but found 'yes' (paths start with '$', strings are in double quotes) at position 8")]
    [InlineData("$.a = 1", "'=' at position 5 is not an operator; compare with '=='")]
    [InlineData("$.a ! 1", "'!' at position 5 is not an operator; negate with 'not', compare with '!='")]
    [InlineData("$.a =< 1", "'=' at position 5 is not an operator; compare with '=='")]
    [InlineData("$.a == 1 AND $.b == 2", "expected 'and', 'or' or the end of the filter but found 'AND' (keywords are lowercase) at position 10")]
    [InlineData("$.a == 1 $.b == 2", "expected 'and', 'or' or the end of the filter but found the path '$.b' at position 10")]
    [InlineData("$.a == 1)", "expected 'and', 'or' or the end of the filter but found ')' at position 9")]
    [InlineData("exists $.a == 1", "expected 'and', 'or' or the end of the filter but found '==' at position 12")]
    [InlineData("($.a == 1", "expected 'and', 'or' or ')' to close the '(' at position 1 but found the end of the filter at position 10")]
    [InlineData("(($.a == 1) or $.b == 2", "expected 'and', 'or' or ')' to close the '(' at position 1 but found the end of the filter at position 24")]
    [InlineData("()", "expected a condition (a path such as $.data.amount, 'exists', 'not' or '(') but found ')' at position 2")]
    [InlineData("not", "expected a condition (a path such as $.data.amount, 'exists', 'not' or '(') but found the end of the filter at position 4")]
    [InlineData("$.a == 1 and", "expected a condition (a path such as $.data.amount, 'exists', 'not' or '(') but found the end of the filter at position 13")]
    [InlineData("$.a == 1 or or $.b == 1", "expected a condition (a path such as $.data.amount, 'exists', 'not' or '(') but found 'or' at position 13")]
    [InlineData("amount == 1", "expected a condition (a path such as $.data.amount, 'exists', 'not' or '(') but found 'amount' (paths start with '$', strings are in double quotes) at position 1")]
    [InlineData("\"x\" == $.a", "expected a condition (a path such as $.data.amount, 'exists', 'not' or '(') but found the literal '\"x\"' at position 1")]
    [InlineData("exists", "expected a path after 'exists' (e.g. exists $.data.customer) but found the end of the filter at position 7")]
    [InlineData("exists \"a\"", "expected a path after 'exists' (e.g. exists $.data.customer) but found the literal '\"a\"' at position 8")]
    [InlineData("$.a in 1", "expected '[' after 'in' but found the literal '1' at position 8")]
    [InlineData("$.a in []", $"expected {Literal} after '[' but found ']' at position 9")]
    [InlineData("$.a in [1, ]", $"expected {Literal} after ',' but found ']' at position 12")]
    [InlineData("$.a in [1 2]", "expected ',' or ']' in the 'in' list but found the literal '2' at position 11")]
    [InlineData("$.a in [1, 2", "expected ',' or ']' in the 'in' list but found the end of the filter at position 13")]
    [InlineData("$.a in [$.b]", $"expected {Literal} after '[' but found the path '$.b' at position 9")]
    public void Grammar_errors_name_what_was_expected_what_was_found_and_where(string? source, string expected)
    {
        Assert.Equal(expected, Rejection(source));
    }

    [Theory]
    [InlineData("$.a == \"x", "the string starting at position 8 has no closing '\"'")]
    [InlineData("$.a == \"x\\", "the escape at position 10 is cut off by the end of the filter")]
    [InlineData("$.a == \"\\x\"", "invalid escape at position 9: '\\' followed by 'x'; strings allow \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX")]
    [InlineData("$.a == \"\\'\"", "invalid escape at position 9: '\\' followed by '''; strings allow \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX")]
    [InlineData("$.a == \"a\\u00\"", "the \\u escape at position 10 needs four hex digits")]
    [InlineData("$.a == \"a\\u00g0\"", "the \\u escape at position 10 needs four hex digits")]
    [InlineData("$.a == \"tab\there\"", "the character U+0009 at position 12 must be escaped in a string (e.g. \\n, \\u0000)")]
    [InlineData("$.a == \"\\ud800\"", "the string has an unpaired surrogate (\\ud800-\\udfff without its pair) at position 9")]
    [InlineData("$.a == \"\\ud83d\"", "the string has an unpaired surrogate (\\ud800-\\udfff without its pair) at position 9")]
    [InlineData("$.a == \"x\\udc00\"", "the string has an unpaired surrogate (\\ud800-\\udfff without its pair) at position 10")]
    [InlineData("$.a == \"\\ud83dx\"", "the string has an unpaired surrogate (\\ud800-\\udfff without its pair) at position 9")]
    [InlineData("$.a == \"\\ud83d\\ud83d\"", "the string has an unpaired surrogate (\\ud800-\\udfff without its pair) at position 9")]
    [InlineData("$.a == 'x'", "unexpected character ''' at position 8")]
    [InlineData("$.a == 1 # note", "unexpected character '#' at position 10")]
    [InlineData("$.a == 1 && $.b == 2", "unexpected character '&' at position 10")]
    [InlineData("$.a == .5", "unexpected character '.' at position 8")]
    [InlineData("$.a == 01", "invalid number '01' at position 8 (JSON syntax: 42, -1.5, 2e3)")]
    [InlineData("$.a == 1.", "invalid number '1.' at position 8 (JSON syntax: 42, -1.5, 2e3)")]
    [InlineData("$.a == -", "invalid number '-' at position 8 (JSON syntax: 42, -1.5, 2e3)")]
    [InlineData("$.a == 1e", "invalid number '1e' at position 8 (JSON syntax: 42, -1.5, 2e3)")]
    [InlineData("$.a == 1-2", "invalid number '1-2' at position 8 (JSON syntax: 42, -1.5, 2e3)")]
    [InlineData("$.a == --1", "invalid number '--1' at position 8 (JSON syntax: 42, -1.5, 2e3)")]
    [InlineData("$.a == +1", "unexpected character '+' at position 8")]
    [InlineData("$.a == NaN", $"expected {Literal} after '==' but found 'NaN' (paths start with '$', strings are in double quotes) at position 8")]
    [InlineData("$.a == 1 and $.b == \u00e9", "unexpected character U+00E9 at position 21")]
    public void Lexical_errors_name_the_problem_and_where(string source, string expected)
    {
        Assert.Equal(expected, Rejection(source));
    }

    [Theory]
    [InlineData("$.", "expected a property name after '.' but found the end of the filter at position 3 (a name other than letters, digits and '_' goes in brackets: $.data[\"odd key\"])")]
    [InlineData("$. a == 1", "expected a property name after '.' but found the character U+0020 at position 3 (a name other than letters, digits and '_' goes in brackets: $.data[\"odd key\"])")]
    [InlineData("$.1a == 1", "expected a property name after '.' but found '1' at position 3 (a name other than letters, digits and '_' goes in brackets: $.data[\"odd key\"])")]
    [InlineData("$.a.[0] == 1", "expected a property name after '.' but found '[' at position 5 (a name other than letters, digits and '_' goes in brackets: $.data[\"odd key\"])")]
    [InlineData("$.odd-key == 1", "unexpected character '-' in the path at position 6 (paths look like $.data.amount, $.data[\"odd key\"], $.data.tags[0])")]
    [InlineData("$.a[ 0] == 1", "expected a property name in quotes or an array index after '[' but found the character U+0020 at position 5")]
    [InlineData("$.a[-1] == 1", "expected a property name in quotes or an array index after '[' but found '-' at position 5")]
    [InlineData("$.a[] == 1", "expected a property name in quotes or an array index after '[' but found ']' at position 5")]
    [InlineData("$.a['b'] == 1", "expected a property name in quotes or an array index after '[' but found ''' at position 5")]
    [InlineData("$.a[0 == 1", "expected ']' but found the character U+0020 at position 6")]
    [InlineData("$.a[\"b\" == 1", "expected ']' but found the character U+0020 at position 8")]
    [InlineData("$.a[0", "expected ']' but found the end of the filter at position 6")]
    [InlineData("$.a[01] == 1", "the array index at position 5 has a leading zero")]
    [InlineData("$.a[2147483648] == 1", "the array index at position 5 is too large (at most 2147483647)")]
    [InlineData("$.a[\"b] == 1", "the string starting at position 5 has no closing '\"'")]
    [InlineData("$abc == 1", "unexpected character 'a' in the path at position 2 (paths look like $.data.amount, $.data[\"odd key\"], $.data.tags[0])")]
    [InlineData("$.a$ == 1", "unexpected character '$' in the path at position 4 (paths look like $.data.amount, $.data[\"odd key\"], $.data.tags[0])")]
    [InlineData("$[0]x == 1", "unexpected character 'x' in the path at position 5 (paths look like $.data.amount, $.data[\"odd key\"], $.data.tags[0])")]
    public void Path_errors_name_the_problem_and_where(string source, string expected)
    {
        Assert.Equal(expected, Rejection(source));
    }

    [Fact]
    public void The_source_may_be_2000_characters_but_not_2001()
    {
        var longest = "$.a == 1".PadRight(PayloadFilter.MaxSourceLength);
        Assert.Equal(2000, Parse(longest).Source.Length);
        Assert.Equal("the filter is 2001 characters long; the limit is 2000", Rejection(longest + " "));
        Assert.Equal("the filter is 1000000 characters long; the limit is 2000", Rejection(new string('(', 1_000_000)));
    }

    [Fact]
    public void A_filter_may_have_64_conditions_and_operators_but_not_65()
    {
        // 32 comparisons, 31 'or' and a 'not'.
        var sixtyFour = $"not ({Comparisons(32)})";
        using var payload = JsonDocument.Parse("""{"n": 31}""");
        Assert.False(Parse(sixtyFour).Matches(payload.RootElement));

        // 33 comparisons and 32 'or': the 33rd comparison is the 65th node.
        var sixtyFive = Comparisons(33);
        var position = sixtyFive.LastIndexOf('$') + 1;
        Assert.Equal($"the filter has more than 64 conditions and operators at position {position}", Rejection(sixtyFive));

        // Operators count as they come: 32 comparisons and 32 'and', then a 'not' is the 65th.
        var sixtyFourAndMore = string.Join(" and ", Enumerable.Range(0, 32).Select(i => $"$.n != {i}")) + " and ";
        Assert.Equal($"the filter has more than 64 conditions and operators at position {sixtyFourAndMore.Length + 1}",
            Rejection(sixtyFourAndMore + "not $.n == 99"));
    }

    [Fact]
    public void Exists_and_in_count_as_one_node_each()
    {
        // 16 times 'exists', 'or', 'in', joined by 15 'or': 63 nodes.
        var sixtyThree = string.Join(" or ", Enumerable.Range(0, 16).Select(i => $"exists $.e{i} or $.n in [{i}, {i + 1}]"));
        Parse($"not ({sixtyThree})");
        Assert.Equal($"the filter has more than 64 conditions and operators at position {sixtyThree.Length + 5}",
            Rejection($"{sixtyThree} or exists $.last"));
    }

    [Fact]
    public void Nesting_may_be_16_deep_but_not_17()
    {
        Assert.True(Parse(new string('(', 16) + "$.a == 1" + new string(')', 16)).Source.Length > 0);
        Assert.Equal("the filter nests parentheses and 'not' more than 16 levels deep at position 17",
            Rejection(new string('(', 17) + "$.a == 1" + new string(')', 17)));

        var sixteenNots = string.Concat(Enumerable.Repeat("not ", 16)) + "$.a == 1";
        using var payload = JsonDocument.Parse("""{"a": 1}""");
        Assert.True(Parse(sixteenNots).Matches(payload.RootElement));
        Assert.Equal("the filter nests parentheses and 'not' more than 16 levels deep at position 65", Rejection("not " + sixteenNots));

        var mixed = string.Concat(Enumerable.Repeat("not (", 8)) + "$.a == 1" + new string(')', 8);
        Assert.True(Parse(mixed).Matches(payload.RootElement));
        // '(' and 'not', then "not (" eight times: the 17th level is the eighth of those 'not'.
        Assert.Equal("the filter nests parentheses and 'not' more than 16 levels deep at position 41",
            Rejection("(not " + mixed + ")"));
    }

    [Fact]
    public void Nesting_counts_enclosing_levels_not_all_parentheses()
    {
        // Thirty groups side by side are one level each.
        var sideBySide = string.Join(" or ", Enumerable.Range(0, 30).Select(i => $"($.n == {i})"));
        Parse(sideBySide);
    }

    [Fact]
    public void A_path_may_have_16_segments_but_not_17()
    {
        var sixteen = "$" + string.Concat(Enumerable.Range(0, 15).Select(i => $".p{i}")) + "[0]";
        Parse($"exists {sixteen}");
        var seventeen = sixteen + "[\"x\"]";
        Assert.Equal($"the path has more than 16 segments at position {"exists ".Length + sixteen.Length + 1}", Rejection($"exists {seventeen}"));
    }

    [Fact]
    public void An_in_list_may_have_100_literals_but_not_101()
    {
        var hundred = string.Join(", ", Enumerable.Range(0, 100));
        using var payload = JsonDocument.Parse("""{"n": 99}""");
        Assert.True(Parse($"$.n in [{hundred}]").Matches(payload.RootElement));
        var source = $"$.n in [{hundred}, 100]";
        Assert.Equal($"the 'in' list has more than 100 literals at position {source.LastIndexOf("100", StringComparison.Ordinal) + 1}", Rejection(source));
    }

    [Fact]
    public void A_string_may_have_500_characters_but_not_501()
    {
        var longest = new string('x', PayloadFilter.MaxStringLength);
        using var payload = JsonDocument.Parse($$"""{"s": "{{longest}}", "{{longest}}": 1}""");
        Assert.True(Parse($"$.s == \"{longest}\"").Matches(payload.RootElement));
        Assert.True(Parse($"$[\"{longest}\"] == 1").Matches(payload.RootElement));
        Assert.True(Parse($"$.{longest} == 1").Matches(payload.RootElement));
        // Escapes count as the characters they stand for.
        Assert.True(Parse($"$.s == \"{longest[..^1]}\\u0078\"").Matches(payload.RootElement));

        Assert.Equal("the string starting at position 8 is longer than 500 characters", Rejection($"$.s == \"{longest}x\""));
        Assert.Equal("the string starting at position 3 is longer than 500 characters", Rejection($"$[\"{longest}x\"] == 1"));
        Assert.Equal("the property name at position 3 is longer than 500 characters", Rejection($"$.{longest}x == 1"));
        Assert.Equal("the string starting at position 13 is longer than 500 characters", Rejection($"$.s in [\"\", \"{longest}x\"]"));
    }

    [Fact]
    public void The_first_error_in_the_text_is_the_one_reported()
    {
        Assert.Equal("'=' at position 5 is not an operator; compare with '=='", Rejection("$.a = 1 and $.b == \"unclosed"));
        Assert.StartsWith("the string starting at position 8", Rejection("$.a == \"unclosed and $.b = 1"), StringComparison.Ordinal);
    }
}
