namespace Relay.Management.Api.Queries;

/// <summary>
/// <c>GET /replays</c>: pagination, <c>eventId</c>, <c>status</c>, <c>requestedBy</c> (exact) and <c>from</c>/<c>to</c>
/// on the time the replay was requested; or <c>limit</c>/<c>cursor</c> instead of the pages.
/// </summary>
public sealed record ReplayListQuery(Paging Paging, Guid? EventId, string? Status, string? RequestedBy, DateTimeOffset? From, DateTimeOffset? To)
{
    public static readonly string[] Statuses = ["queued", "dispatched", "completed", "failed"];

    /// <summary>Newest first: <c>(created_at, id)</c> descending.</summary>
    public static readonly CursorOrder Order = new(CursorList.Replays);

    /// <summary>Set when the query pages by <c>limit</c>/<c>cursor</c> rather than <c>page</c>/<c>pageSize</c>.</summary>
    public ListCursorPaging? ByCursor { get; init; }

    public static QueryResult<ReplayListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = reader.Paging();
        var eventId = reader.Uuid("eventId");
        var status = reader.OneOf("status", Statuses);
        var requestedBy = reader.Text("requestedBy", maxLength: 120);
        var (from, to) = reader.TimeRange();
        var byCursor = ListCursorPaging.ReadOptional(reader, Order);
        return QueryResult<ReplayListQuery>.From(reader, () => new ReplayListQuery(paging, eventId, status, requestedBy, from, to) { ByCursor = byCursor });
    }
}
