using Microsoft.AspNetCore.Http;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Streaming;

namespace Relay.UnitTests.Management;

public sealed class ListCursorTests
{
    private static readonly DateTime At = new DateTime(2026, 11, 30, 16, 53, 21, DateTimeKind.Utc).AddTicks(1_234_560);
    private static readonly Guid Id = Guid.Parse("0192f1c3-7a2b-7c3d-8e4f-5a6b7c8d9e0f");

    public static TheoryData<ListCursor> Cursors() => new()
    {
        new ListCursor(DeliveryListQuery.Order, At, Id),
        new ListCursor(AuditEntryListQuery.Order, At, 9_007_199_254_740_993L),
        new ListCursor(IntegrationListQuery.Order, "acme-eu_2", Id),
        new ListCursor(CursorOrder.Events(EventSortField.Status, SortDirection.Asc), "processing", Id),
        new ListCursor(CursorOrder.Events(EventSortField.OccurredAt, SortDirection.Desc), DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc), Id),
        new ListCursor(CursorOrder.Events(EventSortField.OccurredAt, SortDirection.Asc), DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc), Id),
        new ListCursor(ReplayListQuery.Order, DateTime.UnixEpoch, Guid.Empty),
    };

    [Theory]
    [MemberData(nameof(Cursors))]
    public void Round_trips_every_kind_of_key(ListCursor cursor)
    {
        var text = cursor.Encode();

        Assert.True(ListCursor.TryDecode(text, out var decoded));
        Assert.Equal(cursor, decoded);
        Assert.Matches("^[A-Za-z0-9_-]+$", text);
    }

    [Fact]
    public void A_text_key_keeps_non_ascii_characters()
    {
        var cursor = new ListCursor(IntegrationListQuery.Order, "prövider", Id);
        Assert.True(ListCursor.TryDecode(cursor.Encode(), out var decoded));
        Assert.Equal("prövider", decoded!.Key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("zzz")]
    [InlineData("AAAA")]
    [InlineData("not-a-cursor")]
    public void Refuses_anything_it_did_not_write(string text) => Assert.False(ListCursor.TryDecode(text, out _));

    [Fact]
    public void Refuses_an_edited_or_truncated_cursor_and_the_other_formats()
    {
        var text = new ListCursor(DeliveryListQuery.Order, At, Id).Encode();
        Assert.False(ListCursor.TryDecode(text[..^1], out _));
        Assert.False(ListCursor.TryDecode(text + "A", out _));
        Assert.False(ListCursor.TryDecode(text + "=", out _));
        // The first character carries the version byte.
        Assert.False(ListCursor.TryDecode((text[0] == 'A' ? 'B' : 'A') + text[1..], out _));
        Assert.False(ListCursor.TryDecode(new Cursor(At, Id).Encode(), out _));
        Assert.False(Cursor.TryDecode(text, out _));
        Assert.False(ListCursor.TryDecode(new EventStreamPosition(42, Id).Encode(), out _));
        Assert.False(EventStreamPosition.TryDecode(text, out _));
    }

    [Fact]
    public void A_query_with_neither_limit_nor_cursor_pages_as_the_seed_contract_has_it()
    {
        var query = DeliveryListQuery.Parse(Query("?page=2&pageSize=5")).Value!;
        Assert.Null(query.ByCursor);
        Assert.Equal(new Paging(2, 5), query.Paging);
    }

    [Fact]
    public void Limit_alone_starts_cursor_paging_and_a_cursor_continues_it()
    {
        Assert.Equal(new ListCursorPaging(7, null), DeliveryListQuery.Parse(Query("?limit=7")).Value!.ByCursor);
        var cursor = new ListCursor(DeliveryListQuery.Order, At, Id);
        Assert.Equal(new ListCursorPaging(20, cursor), DeliveryListQuery.Parse(Query($"?cursor={cursor.Encode()}")).Value!.ByCursor);
    }

    [Theory]
    [InlineData("?page=2&cursor={0}", "cursor")]
    [InlineData("?pageSize=5&limit=5", "limit")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?cursor={0}&cursor={0}", "cursor")]
    public void Paging_by_page_and_by_cursor_do_not_mix(string query, string parameter)
    {
        var cursor = new ListCursor(DeliveryListQuery.Order, At, Id).Encode();
        Assert.Contains(parameter, DeliveryListQuery.Parse(Query(string.Format(System.Globalization.CultureInfo.InvariantCulture, query, cursor))).Errors.Keys);
    }

    [Fact]
    public void A_cursor_from_another_list_or_another_sort_is_refused()
    {
        var deliveries = new ListCursor(DeliveryListQuery.Order, At, Id).Encode();
        var eventsByReceivedAt = new ListCursor(CursorOrder.Events(EventSortField.ReceivedAt, SortDirection.Desc), At, Id).Encode();

        Assert.Contains("another list", ReplayListQuery.Parse(Query($"?cursor={deliveries}")).Errors["cursor"], StringComparison.Ordinal);
        Assert.Contains("another list", EventListQuery.Parse(Query($"?cursor={deliveries}")).Errors["cursor"], StringComparison.Ordinal);
        Assert.True(EventListQuery.Parse(Query($"?cursor={eventsByReceivedAt}")).IsValid);
        Assert.True(EventListQuery.Parse(Query($"?cursor={eventsByReceivedAt}&sortBy=receivedAt&sortOrder=desc")).IsValid);
        Assert.Contains("another sort", EventListQuery.Parse(Query($"?cursor={eventsByReceivedAt}&sortBy=createdAt")).Errors["cursor"], StringComparison.Ordinal);
        Assert.Contains("another sort", EventListQuery.Parse(Query($"?cursor={eventsByReceivedAt}&sortOrder=asc")).Errors["cursor"], StringComparison.Ordinal);
        // The destinations list's cursors name no list; every other list refuses them.
        Assert.False(AuditEntryListQuery.Parse(Query($"?cursor={new Cursor(At, Id).Encode()}")).IsValid);
        Assert.False(DestinationListQuery.Parse(Query($"?cursor={deliveries}")).IsValid);
        Assert.False(DestinationAttemptListQuery.Parse(Query($"?cursor={new Cursor(At, Id).Encode()}")).IsValid);
    }

    [Fact]
    public void A_cursor_whose_key_is_not_of_its_lists_type_is_refused()
    {
        // Well formed and of the right list, but forged: a text key where the deliveries sort by time, a UUID where audit ids are numbers.
        var textKey = new ListCursor(DeliveryListQuery.Order, "2026-01-01", Id).Encode();
        var uuidId = new ListCursor(AuditEntryListQuery.Order, At, Id).Encode();
        Assert.Contains("cursor", DeliveryListQuery.Parse(Query($"?cursor={textKey}")).Errors.Keys);
        Assert.Contains("cursor", AuditEntryListQuery.Parse(Query($"?cursor={uuidId}")).Errors.Keys);
    }

    [Fact]
    public void The_integration_list_pages_by_cursor_but_not_by_page()
    {
        Assert.Equal(new ListCursorPaging(1, null), IntegrationListQuery.Parse(Query("?limit=1")).Value!.ByCursor);
        Assert.Null(IntegrationListQuery.Parse(Query("?activeOnly=true")).Value!.ByCursor);
        Assert.StartsWith("is not a supported parameter", IntegrationListQuery.Parse(Query("?limit=1&page=2")).Errors["page"], StringComparison.Ordinal);
    }

    private static IQueryCollection Query(string queryString) => new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryString));
}
