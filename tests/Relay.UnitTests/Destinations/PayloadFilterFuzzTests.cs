using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Relay.Infrastructure.Destinations;

namespace Relay.UnitTests.Destinations;

/// <summary>
/// Seeded, so every run tries the same inputs: random token soup, mutations of valid filters, and generated valid
/// filters checked against a plain reference evaluator. Parsing never throws, errors say where, and parsed filters
/// evaluate without throwing on every kind of payload.
/// </summary>
public sealed partial class PayloadFilterFuzzTests
{
    private static readonly string[] Pieces =
    [
        "$", ".", "data", "amount", "tags", "a", "_", "[", "]", "[0]", "[1]", "[\"odd key\"]", "\"", "\\", "\\u", "d800",
        "00e9", "0", "1", "9", "-", "+", "e", "E", ".5", "(", ")", " ", " ", " ", "\t", "\n", ",", "==", "!=", "<", "<=",
        ">", ">=", "=", "!", "and", "or", "not", "exists", "in", "true", "false", "null", "AND", "\"EUR\"",
        "\"\\ud83d\\ude00\"", "é", "😀", "\ud800", "\udc00", "\0", "#", "'", "*", "1e400", "-0.0",
    ];

    private static readonly string[] ValidFilters =
    [
        "$.data.amount > 1000 and $.data.currency in [\"USD\", \"EUR\"]",
        "$.data.customer.tier == \"gold\" or not exists $.data.refundedAt",
        "not ($.data.tags[0] == \"a\" and $.data[\"odd key\"] != \"y\") or $.data.amount <= 1e3",
        "exists $.data.items[1].sku and $.data.items[1][\"qty\"] >= -0.5e-3",
        "$.data.escaped == \"caf\\u00e9\" or $.data.emoji < \"\\uffff\"",
        "(($.provider == \"acme\") and ($.eventType != null or $.eventId in [1, true, null, \"evt_1\"]))",
        "$ == null or $[0] == 1 or $ == \"s\"",
    ];

    private static readonly JsonElement[] Payloads = CreatePayloads();

    private static JsonElement[] CreatePayloads()
    {
        var invalidUtf8 = Encoding.UTF8.GetBytes("{\"data\":{\"amount\":\"a?b\",\"tags\":[\"?\"]}}");
        invalidUtf8[Array.IndexOf(invalidUtf8, (byte)'?')] = 0xC3;
        invalidUtf8[Array.LastIndexOf(invalidUtf8, (byte)'?')] = 0xFF;
        const int depth = 200;
        var deep = string.Concat(Enumerable.Repeat("{\"data\":[", depth)) + "1" + string.Concat(Enumerable.Repeat("]}", depth));
        var documents = new List<JsonDocument>
        {
            JsonDocument.Parse(PayloadFilterEvaluationTests.SamplePayload),
            JsonDocument.Parse("1"),
            JsonDocument.Parse("\"s\""),
            JsonDocument.Parse("[1, [2, [3]], {\"a\": null}]"),
            JsonDocument.Parse("null"),
            JsonDocument.Parse("true"),
            JsonDocument.Parse("{}"),
            JsonDocument.Parse("""{"\udc00": 1, "data": {"amount": "\ud800", "currency": "\udc00x", "tags": [1e400, -0, "\u0000"], "odd key": {}}}"""),
            JsonDocument.Parse(invalidUtf8),
            JsonDocument.Parse(deep, new JsonDocumentOptions { MaxDepth = 2 * depth + 1 }),
        };
        // Never disposed: the elements must stay readable for the whole class.
        return [.. documents.Select(d => d.RootElement), default];
    }

    [GeneratedRegex(@"at position (\d+)")]
    private static partial Regex PositionPattern();

    /// <summary>Parses and, when that works, evaluates everywhere; any exception fails the test naming the input.</summary>
    private static PayloadFilter? Exercise(string source)
    {
        PayloadFilter? filter;
        string? error;
        try
        {
            PayloadFilter.TryParse(source, out filter, out error);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"TryParse threw on {JsonSerializer.Serialize(source)}: {e}");
        }

        if (filter is null)
        {
            Assert.NotNull(error);
            CheckError(source, error);
            return null;
        }
        Assert.Null(error);
        Assert.Equal(source, filter.Source);

        var negated = PayloadFilter.TryParse($"not ({source})", out var negation, out _) ? negation : null;
        foreach (var payload in Payloads)
        {
            bool matched;
            try
            {
                matched = filter.Matches(payload);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Matches threw for {JsonSerializer.Serialize(source)}: {e}");
            }
            Assert.Equal(matched, filter.Matches(payload));
            if (negated is not null)
            {
                Assert.True(matched != negated.Matches(payload), $"not ({source}) is not the opposite of {source}");
            }
        }
        return filter;
    }

    private static void CheckError(string source, string error)
    {
        Assert.True(error.Length < 400, $"error too long for {JsonSerializer.Serialize(source)}: {error}");
        Assert.DoesNotContain(error, c => c < ' ');
        if (error == "the filter is empty" || error.StartsWith("the filter is ", StringComparison.Ordinal) && error.EndsWith("the limit is 2000", StringComparison.Ordinal))
        {
            return;
        }
        var position = PositionPattern().Match(error);
        Assert.True(position.Success, $"no position in the error for {JsonSerializer.Serialize(source)}: {error}");
        var at = int.Parse(position.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(at, 1, source.Length + 1);
    }

    [Fact]
    public void Random_token_soup_never_throws()
    {
        var random = new Random(20_261_201);
        for (var i = 0; i < 4000; i++)
        {
            Exercise(string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => Pieces[random.Next(Pieces.Length)])));
        }
    }

    [Fact]
    public void Mutated_valid_filters_never_throw()
    {
        var random = new Random(4711);
        var parsed = 0;
        for (var i = 0; i < 4000; i++)
        {
            var source = ValidFilters[random.Next(ValidFilters.Length)];
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                source = Mutate(source, random);
            }
            parsed += Exercise(source) is null ? 0 : 1;
        }
        // Both outcomes occur, so both were checked.
        Assert.InRange(parsed, 1, 3999);
    }

    [Fact]
    public void Every_valid_filter_parses_and_evaluates()
    {
        foreach (var source in ValidFilters)
        {
            Assert.NotNull(Exercise(source));
        }
    }

    private static string Mutate(string source, Random random)
    {
        var at = random.Next(source.Length + 1);
        switch (random.Next(7))
        {
            case 0 when at < source.Length:
                return source.Remove(at, Math.Min(random.Next(1, 9), source.Length - at));
            case 1:
                return source.Insert(at, Pieces[random.Next(Pieces.Length)]);
            case 2 when at < source.Length:
                return string.Concat(source.AsSpan(0, at), ((char)random.Next(0, 0x10000)).ToString(), source.AsSpan(at + 1));
            case 3 when at < source.Length:
                var end = random.Next(at, source.Length + 1);
                return source.Insert(end, source[at..end]);
            case 4 when at + 1 < source.Length:
                return string.Concat(source.AsSpan(0, at), source[at + 1].ToString(), source[at].ToString(), source.AsSpan(at + 2));
            case 5:
                return source[..at];
            default:
                return source.Insert(at, ((char)random.Next(0x20, 0x7f)).ToString());
        }
    }

    [Fact]
    public void Generated_filters_agree_with_a_reference_evaluator()
    {
        var random = new Random(1_234_567);
        var sample = Payloads[0];
        var matched = 0;
        for (var i = 0; i < 2000; i++)
        {
            var (source, _, reference) = new FilterGenerator(random).Condition(depth: 0);
            var filter = Exercise(source);
            Assert.True(filter is not null, $"generated filter did not parse: {source}");
            var expected = reference(sample);
            Assert.True(expected == filter.Matches(sample), $"{source}: expected {expected}");
            matched += expected ? 1 : 0;
        }
        Assert.InRange(matched, 200, 1800);
    }

    /// <summary>
    /// Random filters over the sample payload's plain values, each with a reference predicate written the obvious way
    /// (GetString, decimal), and parenthesized only where precedence requires: "a or b and c" is generated from
    /// or(a, and(b, c)), so the parser's precedence is what is tested.
    /// </summary>
    private sealed class FilterGenerator(Random random)
    {
        private const int Or = 0;
        private const int And = 1;
        private const int Unary = 2;

        private static readonly string[] Paths =
        [
            "$.provider", "$.data.amount", "$.data.currency", "$.data.customer.tier", "$.data.tags[0]", "$.data.tags[1]",
            "$.data.tags[2]", "$.data[\"odd key\"]", "$.data.ratio", "$.data.negative", "$.data.zero", "$.data.paid",
            "$.data.note", "$.data.items[0].qty", "$.data.items[1][\"sku\"]", "$.data.escaped", "$.data.emoji",
            "$.data.missing", "$.data.customer", "$.data.tags", "$", "$.data.amount.deeper",
        ];

        private static readonly string[] Literals =
        [
            "1200", "1200.0", "1.2e3", "0", "-0", "0.5", "-3.5", "2", "1201", "\"EUR\"", "\"eur\"", "\"gold\"", "\"\"",
            "\"a\"", "\"b\"", "\"x\"", "\"B2\"", "\"caf\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\uffff\"", "true", "false", "null",
        ];

        private static readonly string[] Operators = ["==", "!=", "<", "<=", ">", ">="];

        public (string Source, int Level, Func<JsonElement, bool> Reference) Condition(int depth)
        {
            switch (random.Next(depth >= 4 ? 3 : 8))
            {
                case 0:
                {
                    var path = Paths[random.Next(Paths.Length)];
                    var op = Operators[random.Next(Operators.Length)];
                    var literal = Literals[random.Next(Literals.Length)];
                    return ($"{path} {op} {literal}", Unary, payload => Compare(payload, path, op, literal));
                }
                case 1:
                {
                    var path = Paths[random.Next(Paths.Length)];
                    return ($"exists {path}", Unary, payload => Resolve(payload, path) is not null);
                }
                case 2:
                {
                    var path = Paths[random.Next(Paths.Length)];
                    var literals = Enumerable.Range(0, random.Next(1, 5)).Select(_ => Literals[random.Next(Literals.Length)]).ToArray();
                    return ($"{path} in [{string.Join(", ", literals)}]", Unary, payload => literals.Any(l => Compare(payload, path, "==", l)));
                }
                case 3:
                {
                    var (source, level, reference) = Condition(depth + 1);
                    return ($"not {Wrap(source, level, Unary)}", Unary, payload => !reference(payload));
                }
                case 4:
                {
                    var (source, _, reference) = Condition(depth + 1);
                    return ($"({source})", Unary, reference);
                }
                case 5 or 6:
                {
                    var (left, leftLevel, leftReference) = Condition(depth + 1);
                    var (right, rightLevel, rightReference) = Condition(depth + 1);
                    return ($"{Wrap(left, leftLevel, And)} and {Wrap(right, rightLevel, Unary)}", And, payload => leftReference(payload) && rightReference(payload));
                }
                default:
                {
                    var (left, _, leftReference) = Condition(depth + 1);
                    var (right, rightLevel, rightReference) = Condition(depth + 1);
                    return ($"{left} or {Wrap(right, rightLevel, And)}", Or, payload => leftReference(payload) || rightReference(payload));
                }
            }
        }

        /// <summary>Parentheses only where the operand binds more loosely than its place needs.</summary>
        private static string Wrap(string source, int level, int needed) => level < needed ? $"({source})" : source;

        private static JsonElement? Resolve(JsonElement payload, string path)
        {
            var current = payload;
            foreach (Match step in Regex.Matches(path, @"\.(\w+)|\[""([^""]*)""\]|\[(\d+)\]"))
            {
                if (step.Groups[3].Success)
                {
                    var index = int.Parse(step.Groups[3].Value, CultureInfo.InvariantCulture);
                    if (current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength())
                    {
                        return null;
                    }
                    current = current[index];
                }
                else
                {
                    var name = step.Groups[1].Success ? step.Groups[1].Value : step.Groups[2].Value;
                    if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                    {
                        return null;
                    }
                }
            }
            return current;
        }

        private static bool Compare(JsonElement payload, string path, string op, string literalText)
        {
            if (Resolve(payload, path) is not { } value)
            {
                return false;
            }
            using var literalDocument = JsonDocument.Parse(literalText);
            var literal = literalDocument.RootElement;
            int? order = (value.ValueKind, literal.ValueKind) switch
            {
                (JsonValueKind.Number, JsonValueKind.Number) => value.GetDecimal().CompareTo(literal.GetDecimal()),
                (JsonValueKind.String, JsonValueKind.String) => string.CompareOrdinal(value.GetString(), literal.GetString()),
                _ => null,
            };
            var equal = order == 0 || (value.ValueKind == literal.ValueKind && value.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null);
            return op switch
            {
                "==" => equal,
                "!=" => !equal,
                "<" => order < 0,
                "<=" => order <= 0,
                ">" => order > 0,
                _ => order >= 0,
            };
        }
    }
}
