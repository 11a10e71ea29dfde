namespace Relay.Management.Api.Queries;

/// <summary>
/// <c>GET /replays</c>: pagination, <c>eventId</c>, <c>status</c>, <c>requestedBy</c> (exact) and <c>from</c>/<c>to</c>
/// on the time the replay was requested.
/// </summary>
public sealed record ReplayListQuery(Paging Paging, Guid? EventId, string? Status, string? RequestedBy, DateTimeOffset? From, DateTimeOffset? To)
{
    public static readonly string[] Statuses = ["queued", "dispatched", "completed", "failed"];

    public static QueryResult<ReplayListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = reader.Paging();
        var eventId = reader.Uuid("eventId");
        var status = reader.OneOf("status", Statuses);
        var requestedBy = reader.Text("requestedBy", maxLength: 120);
        var (from, to) = reader.TimeRange();
        return QueryResult<ReplayListQuery>.From(reader, () => new ReplayListQuery(paging, eventId, status, requestedBy, from, to));
    }
}
