using Microsoft.AspNetCore.Http;
using Relay.Management.Api.Queries;

namespace Relay.UnitTests.Management;

/// <summary>A parameter a route does not read is refused by name, never silently ignored.</summary>
public sealed class UnknownParameterTests
{
    private static IQueryCollection Query(string queryString) => new QueryCollection(
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryString));

    public static TheoryData<string, Func<IQueryCollection, IReadOnlyDictionary<string, string>>> Routes() => new()
    {
        { "integrations", query => IntegrationListQuery.Parse(query).Errors },
        { "events", query => EventListQuery.Parse(query).Errors },
        { "deliveries", query => DeliveryListQuery.Parse(query).Errors },
        { "audit-entries", query => AuditEntryListQuery.Parse(query).Errors },
        { "replays", query => ReplayListQuery.Parse(query).Errors },
        { "one item", query => NoQuery.Parse(query).Errors },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public void Made_up_names_are_refused_by_name(string route, Func<IQueryCollection, IReadOnlyDictionary<string, string>> parse)
    {
        foreach (var name in new[] { "after", "offset", "sort", "q", "entity_id", "page_size" })
        {
            var errors = parse(Query($"?{name}=x"));
            Assert.True(errors.ContainsKey(name), $"{route} accepted ?{name}=x");
            Assert.StartsWith("is not a supported parameter", errors[name], StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public void An_unknown_name_is_refused_even_with_an_empty_value(string route, Func<IQueryCollection, IReadOnlyDictionary<string, string>> parse)
    {
        Assert.True(parse(Query("?offset=")).ContainsKey("offset"), route);
        Assert.Empty(parse(Query("")));
    }

    [Fact]
    public void The_message_names_what_the_route_supports()
    {
        var errors = DeliveryListQuery.Parse(Query("?offset=abc")).Errors;
        Assert.Equal("is not a supported parameter; supported: page, pageSize, status, eventId, provider, from, to, limit, cursor", errors["offset"]);

        Assert.Equal("is not a supported parameter; this route takes no query parameters", NoQuery.Parse(Query("?expand=all")).Errors["expand"]);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public void Every_list_reads_limit_and_cursor_and_only_an_item_route_refuses_them(string route, Func<IQueryCollection, IReadOnlyDictionary<string, string>> parse)
    {
        var cursor = parse(Query("?cursor=abc"));
        var limit = parse(Query("?limit=5"));
        if (route == "one item")
        {
            Assert.StartsWith("is not a supported parameter", cursor["cursor"], StringComparison.Ordinal);
            Assert.StartsWith("is not a supported parameter", limit["limit"], StringComparison.Ordinal);
            return;
        }
        Assert.Equal("must be a cursor this list returned (meta.nextCursor)", cursor["cursor"]);
        Assert.Empty(limit);
        Assert.Empty(parse(Query("?cursor=")));
    }

    [Fact]
    public void Unknown_names_are_reported_with_bad_values_of_known_ones()
    {
        var result = EventListQuery.Parse(Query("?cursor=abc&status=nope&actor=me"));

        Assert.False(result.IsValid);
        Assert.Equal(["actor", "cursor", "status"], result.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("?PAGE=2&PageSize=5&Status=failed&EVENTID=6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f")]
    [InlineData("?page=2&pageSize=5&status=failed&eventId=6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f&provider=acme&from=2026-01-01&to=2026-02-01")]
    public void Known_names_still_match_case_insensitively(string queryString)
    {
        var result = DeliveryListQuery.Parse(Query(queryString));
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(error => $"{error.Key}: {error.Value}")));
        Assert.Equal(new Paging(2, 5), result.Value!.Paging);
    }

    [Fact]
    public void Every_parameter_the_contract_lists_is_still_accepted()
    {
        Assert.True(IntegrationListQuery.Parse(Query("?provider=acme&activeOnly=true")).IsValid);
        Assert.True(EventListQuery.Parse(Query(
            "?page=1&pageSize=20&provider=acme&status=failed&eventType=a.b&subject=x&from=2026-01-01&to=2026-01-02&sortBy=status&sortOrder=asc")).IsValid);
        Assert.True(DeliveryListQuery.Parse(Query($"?page=1&pageSize=20&status=success&eventId={Guid.NewGuid()}")).IsValid);
        Assert.True(AuditEntryListQuery.Parse(Query($"?page=1&pageSize=20&entityType=normalized_event&entityId={Guid.NewGuid()}&action=event.queued")).IsValid);
        Assert.True(NoQuery.Parse(Query("")).IsValid);
    }
}
