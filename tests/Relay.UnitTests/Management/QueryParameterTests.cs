using Microsoft.AspNetCore.Http;
using Relay.Management.Api.Queries;

namespace Relay.UnitTests.Management;

public sealed class QueryParameterTests
{
    private static IQueryCollection Query(string queryString) => new QueryCollection(
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryString));

    [Fact]
    public void Event_list_defaults_are_page_1_of_20_newest_received_first()
    {
        var result = EventListQuery.Parse(Query(""));

        var query = Assert.IsType<EventListQuery>(result.Value);
        Assert.Equal(new Paging(1, 20), query.Paging);
        Assert.Equal(EventSortField.ReceivedAt, query.SortBy);
        Assert.Equal(SortDirection.Desc, query.SortOrder);
        Assert.Null(query.Provider);
        Assert.Null(query.Status);
        Assert.Null(query.EventType);
        Assert.Null(query.Subject);
        Assert.Null(query.From);
        Assert.Null(query.To);
    }

    [Fact]
    public void Event_list_reads_every_filter()
    {
        var result = EventListQuery.Parse(Query(
            "?page=3&pageSize=100&provider=ACME&status=retrying&eventType=invoice.paid&subject=cust_%25&externalEventId=evt_%2F1&from=2026-11-01&to=2026-11-20T10:15:00%2B01:00&sortBy=occurredAt&sortOrder=asc"));

        var query = Assert.IsType<EventListQuery>(result.Value);
        Assert.Equal(new Paging(3, 100), query.Paging);
        Assert.Equal(200, query.Paging.Offset);
        Assert.Equal("acme", query.Provider);
        Assert.Equal("retrying", query.Status);
        Assert.Equal("invoice.paid", query.EventType);
        Assert.Equal("cust_%", query.Subject);
        Assert.Equal("evt_/1", query.ExternalEventId);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), query.From);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 15, 0, TimeSpan.Zero), query.To);
        Assert.Equal(TimeSpan.Zero, query.To!.Value.Offset);
        Assert.Equal(EventSortField.OccurredAt, query.SortBy);
        Assert.Equal(SortDirection.Asc, query.SortOrder);
    }

    [Theory]
    [InlineData("createdAt", EventSortField.CreatedAt)]
    [InlineData("occurredAt", EventSortField.OccurredAt)]
    [InlineData("status", EventSortField.Status)]
    [InlineData("receivedAt", EventSortField.ReceivedAt)]
    public void Every_documented_sort_field_is_accepted(string sortBy, EventSortField expected)
    {
        var query = EventListQuery.Parse(Query($"?sortBy={sortBy}&sortOrder=desc")).Value;
        Assert.NotNull(query);
        Assert.Equal(expected, query.SortBy);
    }

    [Theory]
    [InlineData("page=abc", "page")]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=1.5", "page")]
    [InlineData("page=%2B1", "page")]
    [InlineData("page=%201", "page")]
    [InlineData("page=1e3", "page")]
    [InlineData("page=99999999999", "page")]
    [InlineData("page=10000001", "page")]
    [InlineData("page=1&page=2", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageSize=abc", "pageSize")]
    [InlineData("status=unknown", "status")]
    [InlineData("status=PENDING", "status")]
    [InlineData("provider=a", "provider")]
    [InlineData("provider=bad%20provider", "provider")]
    [InlineData("eventType=", null)]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-13-45", "from")]
    [InlineData("to=20261120", "to")]
    [InlineData("to=11/20/2026", "to")]
    [InlineData("from=2026-11-21&to=2026-11-20", "from")]
    [InlineData("sortBy=id", "sortBy")]
    [InlineData("sortBy=received_at", "sortBy")]
    [InlineData("sortBy=ReceivedAt", "sortBy")]
    [InlineData("sortOrder=up", "sortOrder")]
    [InlineData("sortOrder=DESC", "sortOrder")]
    [InlineData("subject=a%00b", "subject")]
    [InlineData("eventType=%00", "eventType")]
    public void Event_list_rejects_malformed_values_naming_the_parameter(string queryString, string? parameter)
    {
        var result = EventListQuery.Parse(Query("?" + queryString));

        if (parameter is null)
        {
            Assert.True(result.IsValid, "an empty value counts as not given");
            return;
        }
        Assert.False(result.IsValid);
        Assert.Null(result.Value);
        Assert.Contains(parameter, result.Errors.Keys);
        Assert.False(string.IsNullOrWhiteSpace(result.Errors[parameter]));
    }

    [Fact]
    public void Text_filters_longer_than_the_limit_are_rejected()
    {
        var longText = new string('x', QueryReader.MaxTextLength + 1);
        var result = EventListQuery.Parse(Query($"?eventType={longText}&subject={longText}"));

        Assert.False(result.IsValid);
        Assert.Equal(["eventType", "subject"], result.Errors.Keys.Order());
    }

    [Fact]
    public void A_provider_event_id_may_be_as_long_as_ingest_accepts_and_no_longer()
    {
        Assert.Equal(Relay.Ingress.Api.Providers.FieldLimits.ExternalEventId, EventListQuery.MaxExternalEventIdLength);
        var longest = new string('x', EventListQuery.MaxExternalEventIdLength);
        Assert.Equal(longest, EventListQuery.Parse(Query($"?externalEventId={longest}")).Value!.ExternalEventId);

        var result = EventListQuery.Parse(Query($"?externalEventId={longest}x"));
        Assert.Equal(["externalEventId"], result.Errors.Keys);
    }

    [Fact]
    public void Every_bad_parameter_is_reported_at_once()
    {
        var result = EventListQuery.Parse(Query("?page=x&pageSize=0&status=nope&sortBy=x&sortOrder=x&from=x&to=x"));

        Assert.Equal(["from", "page", "pageSize", "sortBy", "sortOrder", "status", "to"], result.Errors.Keys.Order());
    }

    [Theory]
    [InlineData("", null, false)]
    [InlineData("?activeOnly=true", null, true)]
    [InlineData("?activeOnly=false", null, false)]
    [InlineData("?provider=Globex&activeOnly=true", "globex", true)]
    public void Integration_list_reads_provider_and_active_only(string queryString, string? provider, bool activeOnly)
    {
        var query = IntegrationListQuery.Parse(Query(queryString)).Value;
        Assert.Equal(new IntegrationListQuery(provider, activeOnly), query);
    }

    [Theory]
    [InlineData("?activeOnly=maybe", "activeOnly")]
    [InlineData("?activeOnly=1", "activeOnly")]
    [InlineData("?activeOnly=TRUE", "activeOnly")]
    [InlineData("?provider=x", "provider")]
    public void Integration_list_rejects_malformed_values(string queryString, string parameter)
    {
        var result = IntegrationListQuery.Parse(Query(queryString));
        Assert.False(result.IsValid);
        Assert.Contains(parameter, result.Errors.Keys);
    }

    [Fact]
    public void Delivery_list_reads_status_and_event_id()
    {
        var eventId = Guid.NewGuid();
        var query = DeliveryListQuery.Parse(Query($"?status=failed&eventId={eventId}&page=2&pageSize=5")).Value;
        Assert.Equal(new DeliveryListQuery(new Paging(2, 5), "failed", eventId, null, null, null), query);
    }

    [Theory]
    [InlineData("?status=pending", "status")]
    [InlineData("?status=SUCCESS", "status")]
    [InlineData("?eventId=nope", "eventId")]
    [InlineData("?eventId=123", "eventId")]
    [InlineData("?eventId=0b5a1f3c5f0d4d1e9a1b2c3d4e5f6a7b", "eventId")]
    [InlineData("?page=0", "page")]
    [InlineData("?pageSize=101", "pageSize")]
    public void Delivery_list_rejects_malformed_values(string queryString, string parameter)
    {
        var result = DeliveryListQuery.Parse(Query(queryString));
        Assert.False(result.IsValid);
        Assert.Contains(parameter, result.Errors.Keys);
    }

    [Fact]
    public void Audit_list_reads_entity_and_action()
    {
        var entityId = Guid.NewGuid();
        var query = AuditEntryListQuery.Parse(Query($"?entityType=replay_request&entityId={entityId}&action=replay.requested")).Value;
        Assert.Equal(new AuditEntryListQuery(new Paging(1, 20), "replay_request", entityId, "replay.requested", null, null, null), query);
    }

    [Theory]
    [InlineData("?entityId=abc", "entityId")]
    [InlineData("?page=abc", "page")]
    [InlineData("?pageSize=1000", "pageSize")]
    [InlineData("?entityType=1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890x", "entityType")]
    public void Audit_list_rejects_malformed_values(string queryString, string parameter)
    {
        var result = AuditEntryListQuery.Parse(Query(queryString));
        Assert.False(result.IsValid);
        Assert.Contains(parameter, result.Errors.Keys);
    }

    [Fact]
    public void Delivery_list_reads_provider_and_time_range()
    {
        var query = DeliveryListQuery.Parse(Query("?provider=Globex&from=2026-01-01&to=2026-01-31T23:59:59Z")).Value!;
        Assert.Equal("globex", query.Provider);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), query.From);
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 23, 59, 59, TimeSpan.Zero), query.To);
    }

    [Fact]
    public void Audit_list_reads_actor_and_time_range()
    {
        var query = AuditEntryListQuery.Parse(Query("?actor=ops-user&from=2026-01-01T10:00:00%2B02:00&to=2026-01-02")).Value!;
        Assert.Equal("ops-user", query.Actor);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero), query.From);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), query.To);
    }

    [Fact]
    public void Replay_list_defaults_and_reads_every_filter()
    {
        Assert.Equal(new ReplayListQuery(new Paging(1, 20), null, null, null, null, null), ReplayListQuery.Parse(Query("")).Value);

        var eventId = Guid.NewGuid();
        var query = ReplayListQuery.Parse(Query($"?eventId={eventId}&status=failed&requestedBy=ops-user&from=2026-03-01&to=2026-03-02&page=2&pageSize=10")).Value;
        Assert.Equal(new ReplayListQuery(new Paging(2, 10), eventId, "failed", "ops-user",
            new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero)), query);
    }

    [Theory]
    [InlineData("?status=FAILED", "status")]
    [InlineData("?status=pending", "status")]
    [InlineData("?eventId=nope", "eventId")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?from=2026-03-02&to=2026-03-01", "from")]
    [InlineData("?requestedBy=a%00b", "requestedBy")]
    [InlineData("?pageSize=101", "pageSize")]
    public void Replay_list_rejects_malformed_values(string queryString, string parameter)
    {
        var result = ReplayListQuery.Parse(Query(queryString));
        Assert.False(result.IsValid);
        Assert.Contains(parameter, result.Errors.Keys);
    }

    [Theory]
    [InlineData("?provider=x", "provider")]
    [InlineData("?from=2026-02-01&to=2026-01-01", "from")]
    [InlineData("?to=soon", "to")]
    public void Delivery_list_rejects_malformed_new_filters(string queryString, string parameter)
    {
        var result = DeliveryListQuery.Parse(Query(queryString));
        Assert.False(result.IsValid);
        Assert.Contains(parameter, result.Errors.Keys);
    }

    [Theory]
    [InlineData("?from=2026-02-01&to=2026-01-01", "from")]
    [InlineData("?to=soon", "to")]
    [InlineData("?actor=a%00", "actor")]
    public void Audit_list_rejects_malformed_new_filters(string queryString, string parameter)
    {
        var result = AuditEntryListQuery.Parse(Query(queryString));
        Assert.False(result.IsValid);
        Assert.Contains(parameter, result.Errors.Keys);
    }

    [Fact]
    public void Audit_actor_is_at_most_120_characters()
    {
        Assert.True(AuditEntryListQuery.Parse(Query($"?actor={new string('a', 120)}")).IsValid);
        Assert.Contains("actor", AuditEntryListQuery.Parse(Query($"?actor={new string('a', 121)}")).Errors.Keys);
    }

    [Theory]
    [InlineData("2026-11-20", "2026-11-20T00:00:00Z")]
    [InlineData("2026-11-20T10:15:00Z", "2026-11-20T10:15:00Z")]
    [InlineData("2026-11-20T10:15:00.123Z", "2026-11-20T10:15:00.123Z")]
    [InlineData("2026-11-20T11:15:00+01:00", "2026-11-20T10:15:00Z")]
    [InlineData("2026-11-20T10:15:00", "2026-11-20T10:15:00Z")]
    public void Timestamps_are_iso_8601_and_end_up_in_utc(string value, string expectedUtc)
    {
        Assert.True(QueryReader.TryParseTimestamp(value, out var parsed));
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), parsed);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
    }

    [Theory]
    [InlineData("6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f", true)]
    [InlineData("6C8F1D2E-3B4A-4C5D-8E9F-0A1B2C3D4E5F", true)]
    [InlineData("{6c8f1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f}", false)]
    [InlineData("6c8f1d2e3b4a4c5d8e9f0a1b2c3d4e5f", false)]
    [InlineData("not-a-uuid", false)]
    [InlineData("", false)]
    public void Ids_must_be_canonical_uuids(string value, bool valid)
    {
        Assert.Equal(valid, QueryReader.TryParseUuid(value, out _));
    }

    [Fact]
    public void Offsets_of_deep_pages_do_not_overflow()
    {
        var paging = new Paging(Paging.MaxPage, Paging.MaxPageSize);
        Assert.Equal((long)(Paging.MaxPage - 1) * Paging.MaxPageSize, paging.Offset);
    }

    [Fact]
    public void Query_parameter_names_match_case_insensitively_like_aspnet_core()
    {
        Assert.Equal(5, EventListQuery.Parse(Query("?PAGESIZE=5")).Value!.Paging.PageSize);
    }
}
