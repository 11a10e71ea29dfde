using System.Text;
using System.Text.Json;
using Relay.Infrastructure.Destinations;

namespace Relay.UnitTests.Destinations;

public sealed class PayloadFilterEvaluationTests
{
    // The normalized payload of an accepted event, with values of every kind and a few awkward ones.
    internal const string SamplePayload = """
        {
          "provider": "acme", "eventType": "invoice.paid", "eventId": "evt_1",
          "data": {
            "amount": 1200, "currency": "EUR", "customer": { "tier": "gold" }, "tags": ["a", "b"],
            "odd key": "x", "we\u0069rd": 1, "ratio": 0.5, "negative": -3.5, "zero": -0, "paid": true, "refunded": false,
            "note": null, "empty": "", "object": {}, "array": [],
            "items": [ { "sku": "A1", "qty": 2 }, { "sku": "B2", "qty": 0 } ],
            "huge": 1e400, "tiny": 1e-40, "precise": 9007199254740993, "pastDecimal": 79228162514264337593543950336,
            "escaped": "caf\u00e9", "emoji": "\ud83d\ude00", "unpaired": "\ud800", "quote": "say \"hi\"",
            "dup": 1, "dup": 2
          }
        }
        """;

    private static readonly JsonDocument Sample = JsonDocument.Parse(SamplePayload);

    internal static PayloadFilter Parse(string source)
    {
        Assert.True(PayloadFilter.TryParse(source, out var filter, out var error), $"{source}: {error}");
        Assert.Null(error);
        return filter;
    }

    private static bool Matches(string source, string payload = SamplePayload)
    {
        using var document = JsonDocument.Parse(payload);
        return Parse(source).Matches(document.RootElement);
    }

    [Theory]
    [InlineData("$.data.amount == 1200", true)]
    [InlineData("$.data.amount == 1200.0", true)]
    [InlineData("$.data.amount == 12e2", true)]
    [InlineData("$.data.amount == 1.2E+3", true)]
    [InlineData("$.data.amount == 1201", false)]
    [InlineData("$.data.amount != 1201", true)]
    [InlineData("$.data.amount != 1200", false)]
    [InlineData("$.data.amount > 1199.99", true)]
    [InlineData("$.data.amount > 1200", false)]
    [InlineData("$.data.amount >= 1200", true)]
    [InlineData("$.data.amount >= 1200.01", false)]
    [InlineData("$.data.amount < 1200.01", true)]
    [InlineData("$.data.amount < 1200", false)]
    [InlineData("$.data.amount <= 1200", true)]
    [InlineData("$.data.amount <= 1199", false)]
    [InlineData("$.data.amount > -1200", true)]
    [InlineData("$.data.currency == \"EUR\"", true)]
    [InlineData("$.data.currency == \"eur\"", false)]
    [InlineData("$.data.currency != \"USD\"", true)]
    [InlineData("$.data.currency != \"EUR\"", false)]
    [InlineData("$.data.currency > \"EUA\"", true)]
    [InlineData("$.data.currency > \"EU\"", true)]
    [InlineData("$.data.currency > \"EUR\"", false)]
    [InlineData("$.data.currency >= \"EUR\"", true)]
    [InlineData("$.data.currency < \"EURO\"", true)]
    [InlineData("$.data.currency < \"eur\"", true)]
    [InlineData("$.data.currency <= \"EUR\"", true)]
    [InlineData("$.data.currency <= \"EUQ\"", false)]
    [InlineData("$.data.paid == true", true)]
    [InlineData("$.data.paid == false", false)]
    [InlineData("$.data.paid != false", true)]
    [InlineData("$.data.refunded == false", true)]
    [InlineData("$.data.note == null", true)]
    [InlineData("$.data.note != null", false)]
    public void Comparisons_of_the_same_type_compare_values(string source, bool expected)
    {
        Assert.Equal(expected, Parse(source).Matches(Sample.RootElement));
    }

    [Theory]
    [InlineData("$.data.amount == \"1200\"", false)]
    [InlineData("$.data.amount != \"1200\"", true)]
    [InlineData("$.data.currency == 1", false)]
    [InlineData("$.data.currency != 1", true)]
    [InlineData("$.data.paid == 1", false)]
    [InlineData("$.data.paid != 1", true)]
    [InlineData("$.data.paid == \"true\"", false)]
    [InlineData("$.data.note == false", false)]
    [InlineData("$.data.note != false", true)]
    [InlineData("$.data.note == 0", false)]
    [InlineData("$.data.empty == null", false)]
    [InlineData("$.data.amount == null", false)]
    [InlineData("$.data.amount != null", true)]
    // Ordering exists only between two numbers or two strings.
    [InlineData("$.data.amount > \"1\"", false)]
    [InlineData("$.data.amount < \"9999\"", false)]
    [InlineData("$.data.currency > 1", false)]
    [InlineData("$.data.paid > false", false)]
    [InlineData("$.data.paid >= true", false)]
    [InlineData("$.data.note <= null", false)]
    [InlineData("$.data.note < 1", false)]
    // An object or an array equals no literal.
    [InlineData("$.data.customer == null", false)]
    [InlineData("$.data.customer != null", true)]
    [InlineData("$.data.object == null", false)]
    [InlineData("$.data.tags == \"a\"", false)]
    [InlineData("$.data.tags != \"a\"", true)]
    [InlineData("$.data.array == null", false)]
    [InlineData("$.data.tags > 1", false)]
    [InlineData("$.data.customer < \"z\"", false)]
    [InlineData("$.data.tags in [\"a\", \"b\"]", false)]
    public void Comparisons_across_types_are_false_and_not_equal_is_true(string source, bool expected)
    {
        Assert.Equal(expected, Parse(source).Matches(Sample.RootElement));
    }

    [Theory]
    [InlineData("$.data.missing == 1")]
    [InlineData("$.data.missing != 1")]
    [InlineData("$.data.missing == null")]
    [InlineData("$.data.missing != null")]
    [InlineData("$.data.missing > 1")]
    [InlineData("$.data.missing >= 1")]
    [InlineData("$.data.missing < \"a\"")]
    [InlineData("$.data.missing <= \"a\"")]
    [InlineData("$.data.missing in [1, null, \"a\", true]")]
    [InlineData("exists $.data.missing")]
    [InlineData("$.nothing.deeper.still == 1")]
    [InlineData("$.data.amount.value == 1200")]        // a step into a number
    [InlineData("$.data.currency[0] == \"E\"")]        // an index into a string
    [InlineData("$.data.tags[2] != \"c\"")]            // past the end
    [InlineData("$.data.tags[2147483647] != 1")]
    [InlineData("$.data.tags.length != 0")]            // a property of an array
    [InlineData("$.data.tags[\"0\"] != \"a\"")]        // a name, not an index
    [InlineData("$.data.customer[0] != 1")]            // an index into an object
    [InlineData("$.Data.amount == 1200")]              // names are case-sensitive
    public void A_missing_path_makes_every_comparison_false_not_equal_included(string source)
    {
        Assert.False(Parse(source).Matches(Sample.RootElement));
        Assert.True(Parse($"not ({source})").Matches(Sample.RootElement));
    }

    [Theory]
    [InlineData("exists $", true)]
    [InlineData("exists $.data", true)]
    [InlineData("exists $.data.note", true)]               // present, though null
    [InlineData("exists $.data.object", true)]
    [InlineData("exists $.data.tags[1]", true)]
    [InlineData("exists $.data.tags[2]", false)]
    [InlineData("exists $.data[\"odd key\"]", true)]
    [InlineData("exists $.data.missing", false)]
    [InlineData("not exists $.data.missing", true)]
    [InlineData("not $.data.missing == 1", true)]          // not inverts; it is not !=
    [InlineData("not $.data.amount == 1200", false)]
    public void Exists_asks_whether_the_path_leads_somewhere(string source, bool expected)
    {
        Assert.Equal(expected, Parse(source).Matches(Sample.RootElement));
    }

    [Theory]
    [InlineData("$.provider == \"acme\"", true)]
    [InlineData("$.data.customer.tier == \"gold\"", true)]
    [InlineData("$.data[\"odd key\"] == \"x\"", true)]
    [InlineData("$[\"data\"][\"currency\"] == \"EUR\"", true)]
    [InlineData("$.data[\"customer\"].tier == \"gold\"", true)]
    [InlineData("$.data.tags[0] == \"a\"", true)]
    [InlineData("$.data.tags[1] == \"b\"", true)]
    [InlineData("$.data.items[1].sku == \"B2\"", true)]
    [InlineData("$.data.items[0][\"qty\"] == 2", true)]
    [InlineData("$.data.weird == 1", true)]                    // written escaped in the payload
    [InlineData("$.data[\"we\\u0069rd\"] == 1", true)]          // escaped in the filter
    [InlineData("$.data[\"odd\\u0020key\"] == \"x\"", true)]
    [InlineData("$.data.dup == 2", true)]                      // the last of duplicate names, as in jsonb
    [InlineData("$.data._private == 1", false)]
    public void Paths_step_through_properties_and_array_indexes(string source, bool expected)
    {
        Assert.Equal(expected, Parse(source).Matches(Sample.RootElement));
    }

    [Theory]
    [InlineData("$.data.currency in [\"USD\", \"EUR\"]", true)]
    [InlineData("$.data.currency in [\"USD\"]", false)]
    [InlineData("$.data.currency in [1, null, true, \"EUR\"]", true)]
    [InlineData("$.data.amount in [1, 1200.0]", true)]
    [InlineData("$.data.amount in [\"1200\"]", false)]
    [InlineData("$.data.note in [null]", true)]
    [InlineData("$.data.note in [false, 0, \"\"]", false)]
    [InlineData("$.data.paid in [false, true]", true)]
    [InlineData("$.data.empty in [\"\"]", true)]
    [InlineData("$.data.escaped in [\"cafe\", \"café\"]", true)]
    [InlineData("not $.data.currency in [\"USD\"]", true)]
    public void In_is_true_when_the_value_equals_any_literal(string source, bool expected)
    {
        Assert.Equal(expected, Parse(source).Matches(Sample.RootElement));
    }

    [Theory]
    [InlineData("$.data.ratio == 0.5", true)]
    [InlineData("$.data.ratio == 5e-1", true)]
    [InlineData("$.data.ratio == 0.50000000000000000000000000000000001", false)]
    [InlineData("$.data.negative < -3", true)]
    [InlineData("$.data.negative > -4", true)]
    [InlineData("$.data.negative == -35e-1", true)]
    [InlineData("$.data.zero == 0", true)]
    [InlineData("$.data.zero == -0.0", true)]
    [InlineData("$.data.zero >= 0", true)]
    // Past double: 1e400 is not infinity, 1e-40 is not 0, 2^53 + 1 is not 2^53.
    [InlineData("$.data.huge == 1e400", true)]
    [InlineData("$.data.huge > 1e399", true)]
    [InlineData("$.data.huge < 1e401", true)]
    [InlineData("$.data.huge == 10e399", true)]
    [InlineData("$.data.tiny != 0", true)]
    [InlineData("$.data.tiny > 0", true)]
    [InlineData("$.data.tiny < 1e-39", true)]
    [InlineData("$.data.tiny == 0.0000000000000000000000000000000000000001", true)]
    [InlineData("$.data.precise == 9007199254740993", true)]
    [InlineData("$.data.precise == 9007199254740992", false)]
    [InlineData("$.data.precise > 9007199254740992", true)]
    // Past decimal.MaxValue.
    [InlineData("$.data.pastDecimal > 79228162514264337593543950335", true)]
    [InlineData("$.data.pastDecimal == 7.9228162514264337593543950336e28", true)]
    public void Numbers_compare_by_exact_value(string source, bool expected)
    {
        Assert.Equal(expected, Parse(source).Matches(Sample.RootElement));
    }

    [Theory]
    [InlineData("$.data.escaped == \"café\"", true)]
    [InlineData("$.data.escaped == \"caf\\u00e9\"", true)]
    [InlineData("$.data.escaped == \"cafe\\u0301\"", false)]   // the same text decomposed: ordinal, not normalized
    [InlineData("$.data.escaped > \"cafe\"", true)]
    [InlineData("$.data.escaped < \"cafz\"", false)]
    [InlineData("$.data.quote == \"say \\\"hi\\\"\"", true)]
    [InlineData("$.data.emoji == \"\\ud83d\\ude00\"", true)]
    [InlineData("$.data.emoji == \"😀\"", true)]
    // Ordinal is UTF-16 code units: a surrogate pair sorts below U+FFFF (by code point it would sort above).
    [InlineData("$.data.emoji < \"\\uffff\"", true)]
    public void Strings_compare_ordinally_with_escapes_resolved(string source, bool expected)
    {
        Assert.Equal(expected, Parse(source).Matches(Sample.RootElement));
    }

    [Theory]
    [InlineData("$.data.unpaired == \"\\ufffd\"", false)]
    [InlineData("$.data.unpaired != \"\\ufffd\"", true)]
    [InlineData("$.data.unpaired in [\"\", \"\\ufffd\"]", false)]
    [InlineData("exists $.data.unpaired", true)]
    [InlineData("$.data.unpaired < \"a\"", false)]
    [InlineData("$.data.unpaired > \"a\"", false)]
    [InlineData("$.data.unpaired > \"\"", true)]                // anything sorts after the empty string
    public void A_string_that_is_not_text_equals_no_literal(string source, bool expected)
    {
        Assert.Equal(expected, Parse(source).Matches(Sample.RootElement));
    }

    [Fact]
    public void A_string_that_is_not_UTF8_equals_no_literal()
    {
        // System.Text.Json accepts invalid UTF-8 inside a string; GetString would throw on it.
        var bytes = Encoding.UTF8.GetBytes("{\"s\":\"a?b\"}");
        bytes[7] = 0xC3;
        using var document = JsonDocument.Parse(bytes);
        var payload = document.RootElement;
        Assert.False(Parse("$.s == \"a\\ufffdb\"").Matches(payload));
        Assert.True(Parse("$.s != \"a\\ufffdb\"").Matches(payload));
        Assert.True(Parse("$.s > \"\"").Matches(payload));
        Assert.True(Parse("$.s > \"a\"").Matches(payload));         // longer, whatever follows
        Assert.False(Parse("$.s > \"aa\"").Matches(payload));       // decided only at the invalid byte
        Assert.True(Parse("$.s < \"b\"").Matches(payload));         // decided at the first character
    }

    [Fact]
    public void A_property_name_that_is_not_text_does_not_hide_the_others()
    {
        // JsonElement.TryGetProperty throws when it meets "\udc00" on its way.
        using var document = JsonDocument.Parse("""{"a": 1, "\udc00": 2, "b\u0000": 3}""");
        Assert.True(Parse("$.a == 1").Matches(document.RootElement));
        Assert.True(Parse("$[\"b\\u0000\"] == 3").Matches(document.RootElement));
        Assert.False(Parse("exists $.c").Matches(document.RootElement));
        Assert.False(Parse("exists $[\"\\ufffd\"]").Matches(document.RootElement));
    }

    [Fact]
    public void A_long_escaped_string_is_compared_by_its_prefix_without_being_copied()
    {
        var tail = new string('b', 100_000);
        using var document = JsonDocument.Parse($"{{\"s\":\"\\u0041{tail}\"}}");
        var payload = document.RootElement;
        var longestLiteral = "A" + tail[..(PayloadFilter.MaxStringLength - 1)];
        Assert.False(Parse("$.s == \"Ab\"").Matches(payload));
        Assert.True(Parse("$.s != \"Ab\"").Matches(payload));
        Assert.True(Parse("$.s > \"Ab\"").Matches(payload));
        Assert.True(Parse("$.s < \"Ac\"").Matches(payload));
        Assert.False(Parse($"$.s == \"{longestLiteral}\"").Matches(payload));
        Assert.True(Parse($"$.s > \"{longestLiteral}\"").Matches(payload));
        Assert.True(Parse($"$.s < \"{longestLiteral[..^1]}c\"").Matches(payload));
        Assert.False(Parse($"$.s in [\"{longestLiteral}\", \"A\"]").Matches(payload));
    }

    [Theory]
    // a or (b and c), with a true and b, c false
    [InlineData("$.provider == \"acme\" or $.provider == \"x\" and $.provider == \"y\"", true)]
    [InlineData("($.provider == \"acme\" or $.provider == \"x\") and $.provider == \"y\"", false)]
    // (a and b) or c
    [InlineData("$.provider == \"x\" and $.provider == \"y\" or $.provider == \"acme\"", true)]
    [InlineData("$.provider == \"x\" and ($.provider == \"y\" or $.provider == \"acme\")", false)]
    // (not a) and b, with a and b false
    [InlineData("not $.provider == \"x\" and $.provider == \"y\"", false)]
    [InlineData("not ($.provider == \"x\" and $.provider == \"y\")", true)]
    [InlineData("not not $.provider == \"acme\"", true)]
    [InlineData("not not not $.provider == \"acme\"", false)]
    [InlineData("not ($.provider == \"x\" or $.provider == \"acme\")", false)]
    [InlineData("not $.provider == \"x\" or $.provider == \"y\"", true)]
    [InlineData("$.data.amount > 1000 and $.data.currency == \"EUR\" and $.data.customer.tier in [\"gold\", \"platinum\"]", true)]
    [InlineData("$.data.amount > 5000 or $.data.customer.tier == \"gold\" and not exists $.data.refundedAt", true)]
    [InlineData("((($.data.amount == 1200)))", true)]
    public void Not_binds_tighter_than_and_which_binds_tighter_than_or(string source, bool expected)
    {
        Assert.Equal(expected, Parse(source).Matches(Sample.RootElement));
    }

    [Theory]
    [InlineData("1", "$ == 1", true)]
    [InlineData("1", "$ == 1.0", true)]
    [InlineData("1", "$.x == 1", false)]
    [InlineData("1", "$[0] == 1", false)]
    [InlineData("\"s\"", "$ == \"s\"", true)]
    [InlineData("\"s\"", "$[0] == \"s\"", false)]
    [InlineData("[1, \"two\"]", "$[1] == \"two\"", true)]
    [InlineData("[1, \"two\"]", "$.length == 2", false)]
    [InlineData("[]", "exists $[0]", false)]
    [InlineData("null", "$ == null", true)]
    [InlineData("null", "exists $", true)]
    [InlineData("null", "$.x != 1", false)]
    [InlineData("true", "$ == true", true)]
    [InlineData("{}", "exists $.provider", false)]
    public void Any_root_works(string payload, string source, bool expected)
    {
        Assert.Equal(expected, Matches(source, payload));
    }

    [Fact]
    public void A_default_element_is_a_payload_where_nothing_exists()
    {
        Assert.False(Parse("exists $").Matches(default));
        Assert.False(Parse("$ == null").Matches(default));
        Assert.False(Parse("$ != null").Matches(default));
        Assert.True(Parse("not exists $.x").Matches(default));
    }

    [Fact]
    public void An_element_of_a_disposed_document_matches_nothing_instead_of_throwing()
    {
        var document = JsonDocument.Parse(SamplePayload);
        var payload = document.RootElement;
        document.Dispose();
        Assert.False(Parse("$.provider == \"acme\"").Matches(payload));
        Assert.False(Parse("not exists $.provider").Matches(payload));
    }

    [Fact]
    public void Deep_and_large_payloads_cost_only_the_path_steps()
    {
        // Deeper than System.Text.Json allows by default; deeper still only slows JsonDocument.Parse itself.
        const int depth = 5_000;
        using var deep = JsonDocument.Parse(new string('[', depth) + "1" + new string(']', depth), new JsonDocumentOptions { MaxDepth = depth + 1 });
        Assert.True(Parse("exists $" + string.Concat(Enumerable.Repeat("[0]", PayloadFilter.MaxPathSegments))).Matches(deep.RootElement));
        Assert.False(Parse("$ == 1").Matches(deep.RootElement));
        Assert.True(Parse("$ != 1").Matches(deep.RootElement));

        using var wide = JsonDocument.Parse("{\"items\":[" + string.Join(",", Enumerable.Range(0, 100_000)) + "],\"last\":true}");
        Assert.True(Parse("$.items[99999] == 99999 and $.last == true").Matches(wide.RootElement));
        Assert.False(Parse("exists $.items[100000]").Matches(wide.RootElement));
    }

    [Fact]
    public void Evaluation_allocates_nothing()
    {
        var filters = new[]
        {
            "$.data.amount > 1000 and $.data.currency in [\"USD\", \"EUR\"]",
            "$.data.customer.tier == \"gold\" or not exists $.data.refundedAt",
            "$.data.escaped == \"café\" and $.data.escaped >= \"ca\" and $.data.emoji != \"x\"",
            "$.data.unpaired != \"a\" and $.data.unpaired > \"\"",
            "$.data.items[1][\"qty\"] == 0 and $.data.tags[0] < \"b\" and $.data.weird == 1",
            "$.data.huge > 1e399 and $.data.tiny != 0 and $.data.note == null and $.data.dup == 2",
        }.Select(Parse).ToArray();
        var payload = Sample.RootElement;
        for (var i = 0; i < 200; i++)
        {
            foreach (var filter in filters)
            {
                filter.Matches(payload);
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var matched = 0;
        for (var i = 0; i < 1000; i++)
        {
            foreach (var filter in filters)
            {
                matched += filter.Matches(payload) ? 1 : 0;
            }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(6000, matched);
    }
}
