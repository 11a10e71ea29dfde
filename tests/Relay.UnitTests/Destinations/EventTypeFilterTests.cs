using Relay.Infrastructure.Destinations;

namespace Relay.UnitTests.Destinations;

public sealed class EventTypeFilterTests
{
    private static EventTypeFilter Create(params string[] patterns)
    {
        Assert.True(EventTypeFilter.TryCreate(patterns, out var filter, out var error), error);
        Assert.Null(error);
        return filter;
    }

    private static string Rejection(IReadOnlyList<string>? patterns)
    {
        Assert.False(EventTypeFilter.TryCreate(patterns, out var filter, out var error));
        Assert.Null(filter);
        return error;
    }

    [Theory]
    // exact names
    [InlineData("invoice.paid", "invoice.paid", true)]
    [InlineData("invoice.paid", "invoice.paid.late", false)]
    [InlineData("invoice.paid", "invoice.pai", false)]
    [InlineData("invoice.paid", "Invoice.paid", false)]
    [InlineData("invoice.paid", "", false)]
    [InlineData("push", "push", true)]
    [InlineData("orders/create", "orders/create", true)]
    [InlineData("a:b_c-d", "a:b_c-d", true)]
    // prefix wildcards: whole segments only, at least one more character
    [InlineData("invoice.*", "invoice.paid", true)]
    [InlineData("invoice.*", "invoice.line.added", true)]
    [InlineData("invoice.*", "invoice", false)]
    [InlineData("invoice.*", "invoice.", false)]
    [InlineData("invoice.*", "invoicex.paid", false)]
    [InlineData("invoice.*", "Invoice.paid", false)]
    [InlineData("invoice.*", "xinvoice.paid", false)]
    [InlineData("invoice.line.*", "invoice.line.added", true)]
    [InlineData("invoice.line.*", "invoice.paid", false)]
    // everything
    [InlineData("*", "invoice.paid", true)]
    [InlineData("*", "", true)]
    public void A_pattern_matches_what_its_form_says(string pattern, string eventType, bool expected)
    {
        var filter = Create(pattern);
        Assert.Equal(expected, filter.Matches(eventType));
        Assert.Equal(expected, filter.Matches(eventType.AsSpan()));
    }

    [Fact]
    public void A_type_matches_when_any_pattern_does()
    {
        var filter = Create("invoice.paid", "customer.*", "push");
        Assert.False(filter.MatchesEveryType);
        Assert.True(filter.Matches("invoice.paid"));
        Assert.True(filter.Matches("customer.created"));
        Assert.True(filter.Matches("push"));
        Assert.False(filter.Matches("invoice.voided"));
        Assert.False(filter.Matches("customer"));
        Assert.False(filter.Matches((string?)null));
    }

    [Fact]
    public void No_patterns_mean_every_type()
    {
        foreach (var patterns in new[] { null, Array.Empty<string>() })
        {
            Assert.True(EventTypeFilter.TryCreate(patterns, out var filter, out var error));
            Assert.Null(error);
            Assert.True(filter.MatchesEveryType);
            Assert.Empty(filter.Patterns);
            Assert.True(filter.Matches("anything.at.all"));
            Assert.True(filter.Matches((string?)null));
        }
        Assert.True(EventTypeFilter.Everything.Matches("x"));
    }

    [Fact]
    public void A_star_among_other_patterns_matches_every_type()
    {
        var filter = Create("invoice.paid", "*");
        Assert.True(filter.MatchesEveryType);
        Assert.True(filter.Matches("push"));
        Assert.Equal(["invoice.paid", "*"], filter.Patterns);
    }

    [Fact]
    public void Duplicates_are_collapsed_keeping_the_first_occurrence_in_place()
    {
        var filter = Create("b.*", "a", "b.*", "c", "a");
        Assert.Equal(["b.*", "a", "c"], filter.Patterns);
    }

    [Fact]
    public void Patterns_that_differ_only_in_case_are_different_patterns()
    {
        var filter = Create("Invoice.paid", "invoice.paid");
        Assert.Equal(["Invoice.paid", "invoice.paid"], filter.Patterns);
    }

    [Theory]
    [InlineData("", "event type pattern 1 is empty")]
    [InlineData(".", "event type pattern 1 has an empty segment at position 1")]
    [InlineData(".paid", "event type pattern 1 has an empty segment at position 1")]
    [InlineData("invoice.", "event type pattern 1 has an empty segment at position 9")]
    [InlineData("invoice..paid", "event type pattern 1 has an empty segment at position 9")]
    [InlineData("invoice..*", "event type pattern 1 has an empty segment at position 9")]
    [InlineData(".*", "event type pattern 1 has an empty segment at position 1")]
    [InlineData("**", "event type pattern 1 has '*' at position 1")]
    [InlineData("*.*", "event type pattern 1 has '*' at position 1")]
    [InlineData("*.paid", "event type pattern 1 has '*' at position 1")]
    [InlineData("invoice*", "event type pattern 1 has '*' at position 8")]
    [InlineData("invoice.*.paid", "event type pattern 1 has '*' at position 9")]
    [InlineData("invoice.p*", "event type pattern 1 has '*' at position 10")]
    [InlineData("invoice.paid ", "event type pattern 1 has the character U+0020 at position 13")]
    [InlineData(" invoice.paid", "event type pattern 1 has the character U+0020 at position 1")]
    [InlineData("invoice\t.paid", "event type pattern 1 has the character U+0009 at position 8")]
    [InlineData("invoice#paid", "event type pattern 1 has '#' at position 8")]
    [InlineData("invoice?", "event type pattern 1 has '?' at position 8")]
    [InlineData("facture.payée", "event type pattern 1 has the character U+00E9 at position 12")]
    [InlineData("a\u0000b", "event type pattern 1 has the character U+0000 at position 2")]
    public void Invalid_patterns_are_rejected_naming_the_problem_and_its_position(string pattern, string expectedStart)
    {
        var error = Rejection([pattern]);
        Assert.StartsWith(expectedStart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_error_names_the_pattern_by_its_number()
    {
        Assert.Equal("event type pattern 3 has an empty segment at position 3 (segments are separated by '.')",
            Rejection(["a", "b.*", "c..d"]));
        Assert.Equal("event type pattern 2 is null", Rejection(["a", null!]));
    }

    [Fact]
    public void A_pattern_may_be_200_characters_but_not_201()
    {
        var longest = new string('a', EventTypeFilter.MaxPatternLength);
        Assert.Equal([longest], Create(longest).Patterns);
        var longestPrefix = new string('a', EventTypeFilter.MaxPatternLength - 2) + ".*";
        Assert.True(Create(longestPrefix).Matches(longestPrefix[..^1] + "x"));

        Assert.Equal("event type pattern 1 is 201 characters long; the limit is 200", Rejection([longest + "a"]));
    }

    [Fact]
    public void A_list_may_hold_50_patterns_but_not_51()
    {
        var fifty = Enumerable.Range(0, EventTypeFilter.MaxPatterns).Select(i => $"type.{i}").ToArray();
        var filter = Create(fifty);
        Assert.Equal(50, filter.Patterns.Count);
        Assert.True(filter.Matches("type.49"));
        Assert.False(filter.Matches("type.50"));

        Assert.Equal("at most 50 event type patterns are allowed; got 51", Rejection([.. fifty, "type.50"]));
    }

    [Fact]
    public void The_limit_counts_patterns_as_given_before_duplicates_collapse()
    {
        Assert.StartsWith("at most 50", Rejection(Enumerable.Repeat("same", 51).ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        var filter = Create("invoice.paid", "customer.*", "orders/create");
        var types = new[] { "invoice.paid", "customer.created", "push", "customer", "orders/create" };
        for (var i = 0; i < 100; i++)
        {
            foreach (var type in types)
            {
                filter.Matches(type);
            }
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        var matched = 0;
        for (var i = 0; i < 1000; i++)
        {
            foreach (var type in types)
            {
                matched += filter.Matches(type) ? 1 : 0;
            }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(3000, matched);
    }
}
