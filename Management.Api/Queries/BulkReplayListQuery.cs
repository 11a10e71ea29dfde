namespace Relay.Management.Api.Queries;

/// <summary><c>GET /replays/bulk</c>: cursor pagination (newest first) and <c>status</c>.</summary>
public sealed record BulkReplayListQuery(ListCursorPaging Paging, string? Status)
{
    /// <summary>Newest first: <c>(created_at, id)</c> descending.</summary>
    public static readonly CursorOrder Order = new(CursorList.BulkReplays);

    public static readonly string[] Statuses = ["queued", "running", "completed", "cancelled", "failed"];

    public static QueryResult<BulkReplayListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = ListCursorPaging.Read(reader, Order);
        var status = reader.OneOf("status", Statuses);
        return QueryResult<BulkReplayListQuery>.From(reader, () => new BulkReplayListQuery(paging, status));
    }
}
