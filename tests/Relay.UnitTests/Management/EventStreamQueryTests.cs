using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Streaming;

namespace Relay.UnitTests.Management;

public sealed class EventStreamQueryTests
{
    private static readonly EventStreamPosition Position = new(1_234_567, Guid.Parse("0192f1c3-7a2b-7c3d-8e4f-5a6b7c8d9e0f"));
    private static readonly EventStreamPosition Newer = new(1_234_999, Guid.Parse("0192f1c3-7a2b-7c3d-8e4f-5a6b7c8d9e10"));

    [Fact]
    public void A_position_round_trips_and_refuses_edits()
    {
        var text = Position.Encode();
        Assert.True(EventStreamPosition.TryDecode(text, out var decoded));
        Assert.Equal(Position, decoded);
        Assert.Matches("^[A-Za-z0-9_-]+$", text);
        Assert.False(EventStreamPosition.TryDecode(text[..^1], out _));
        Assert.False(EventStreamPosition.TryDecode(text + "A", out _));
        Assert.False(EventStreamPosition.TryDecode((text[0] == 'A' ? 'B' : 'A') + text[1..], out _));
        Assert.False(EventStreamPosition.TryDecode(new EventStreamPosition(-5, Guid.Empty).Encode(), out _));
    }

    [Fact]
    public void A_position_moves_up_to_the_horizon_and_never_back()
    {
        Assert.Equal(EventStreamPosition.Before(2_000_000), Position.AtLeastBefore(2_000_000));
        Assert.Equal(new EventStreamPosition(1_234_567, EventStreamPosition.LastEventId), Position.AtLeastBefore(1_234_568));
        Assert.Equal(Position, Position.AtLeastBefore(1_234_567));
        Assert.Equal(Position, Position.AtLeastBefore(1_000));
    }

    [Fact]
    public void Reads_the_list_filters_that_hold_from_acceptance_on_and_since()
    {
        var query = EventStreamQuery.Parse(Query("?provider=ACME&eventType=invoice.paid&subject=cus&from=2026-01-01&to=2026-02-01&since=2026-03-01T10:00:00Z"), StringValues.Empty).Value!;

        Assert.Equal(new EventStreamQuery("acme", "invoice.paid", "cus", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), null), query);
    }

    [Theory]
    [InlineData("?status=pending", "status")]
    [InlineData("?page=2", "page")]
    [InlineData("?cursor=abc", "cursor")]
    [InlineData("?since=yesterday", "since")]
    [InlineData("?lastEventId=abc", "lastEventId")]
    [InlineData("?provider=a", "provider")]
    public void Refuses_what_a_stream_does_not_take(string query, string parameter) =>
        Assert.Contains(parameter, EventStreamQuery.Parse(Query(query), StringValues.Empty).Errors.Keys);

    [Fact]
    public void Resumes_from_the_header_before_the_parameter()
    {
        Assert.Equal(Position, EventStreamQuery.Parse(Query($"?lastEventId={Position.Encode()}"), StringValues.Empty).Value!.Resume);
        // A browser reconnecting keeps the URL of its first request and sends the newer id as the header.
        Assert.Equal(Newer, EventStreamQuery.Parse(Query($"?lastEventId={Position.Encode()}"), new StringValues(Newer.Encode())).Value!.Resume);
        Assert.Null(EventStreamQuery.Parse(Query(""), StringValues.Empty).Value!.Resume);
    }

    [Fact]
    public void A_bad_or_repeated_header_is_refused_by_name()
    {
        Assert.Contains(EventStreamQuery.LastEventIdHeader, EventStreamQuery.Parse(Query(""), new StringValues("garbage")).Errors.Keys);
        Assert.Contains(EventStreamQuery.LastEventIdHeader, EventStreamQuery.Parse(Query(""), new StringValues([Position.Encode(), Newer.Encode()])).Errors.Keys);
        var listCursor = new ListCursor(DeliveryListQuery.Order, DateTime.UnixEpoch, Guid.Empty).Encode();
        Assert.Contains(EventStreamQuery.LastEventIdHeader, EventStreamQuery.Parse(Query(""), new StringValues(listCursor)).Errors.Keys);
    }

    [Fact]
    public void Slots_are_counted_per_caller_and_given_back_once()
    {
        var slots = new EventStreamSlots(Options.Create(new EventStreamOptions { MaxStreamsPerKey = 2 }));
        var first = slots.TryTake("key-a");
        var second = slots.TryTake("key-a");

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(slots.TryTake("key-a"));
        Assert.NotNull(slots.TryTake("key-b"));

        first!.Dispose();
        first.Dispose();
        Assert.Equal(1, slots.OpenFor("key-a"));
        Assert.NotNull(slots.TryTake("key-a"));
        Assert.Null(slots.TryTake("key-a"));
    }

    private static IQueryCollection Query(string queryString) => new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryString));
}
