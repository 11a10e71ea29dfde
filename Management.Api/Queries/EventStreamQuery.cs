using Microsoft.Extensions.Primitives;
using Relay.Management.Api.Streaming;

namespace Relay.Management.Api.Queries;

/// <summary>
/// <c>GET /events/stream</c>: the filters of <c>GET /events</c> that hold for an event from the moment it is accepted
/// (<c>provider</c>, <c>eventType</c>, <c>subject</c>, <c>from</c>/<c>to</c> on occurredAt; not <c>status</c>, which
/// changes after), <c>since</c> (on receivedAt) for a stream that starts in the past, and where to resume: the
/// <c>Last-Event-ID</c> header, or the <c>lastEventId</c> parameter for clients that cannot set headers. The header
/// wins: a browser reconnecting sends the newer id as the header and keeps the parameter of its first request.
/// </summary>
public sealed record EventStreamQuery(
    string? Provider, string? EventType, string? Subject, DateTimeOffset? From, DateTimeOffset? To, DateTimeOffset? Since, EventStreamPosition? Resume)
{
    public const string LastEventIdHeader = "Last-Event-ID";
    public const string LastEventIdParameter = "lastEventId";

    public static QueryResult<EventStreamQuery> Parse(IQueryCollection query, StringValues lastEventIdHeader)
    {
        var reader = new QueryReader(query);
        var provider = reader.Provider();
        var eventType = reader.Text("eventType");
        var subject = reader.Text("subject");
        var (from, to) = reader.TimeRange();
        var since = reader.Timestamp("since");
        var parameter = reader.Raw(LastEventIdParameter);
        EventStreamPosition? resume = null;
        if (lastEventIdHeader.Count > 1)
        {
            reader.Fail(LastEventIdHeader, "must be given at most once");
        }
        else if (!StringValues.IsNullOrEmpty(lastEventIdHeader))
        {
            resume = ReadPosition(reader, LastEventIdHeader, lastEventIdHeader.ToString());
        }
        else if (parameter is not null)
        {
            resume = ReadPosition(reader, LastEventIdParameter, parameter);
        }
        return QueryResult<EventStreamQuery>.From(reader, () => new EventStreamQuery(provider, eventType, subject, from, to, since, resume));
    }

    private static EventStreamPosition? ReadPosition(QueryReader reader, string name, string text)
    {
        if (EventStreamPosition.TryDecode(text, out var position))
        {
            return position;
        }
        reader.Fail(name, "must be the id of a message this stream sent");
        return null;
    }
}
