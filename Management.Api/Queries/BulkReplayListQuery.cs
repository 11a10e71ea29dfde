namespace Relay.Management.Api.Queries;

/// <summary><c>GET /replays/bulk</c>: cursor pagination (newest first) and <c>status</c>.</summary>
public sealed record BulkReplayListQuery(CursorPaging Paging, string? Status)
{
    public static readonly string[] Statuses = ["queued", "running", "completed", "cancelled", "failed"];

    public static QueryResult<BulkReplayListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = CursorPaging.Read(reader);
        var status = reader.OneOf("status", Statuses);
        return QueryResult<BulkReplayListQuery>.From(reader, () => new BulkReplayListQuery(paging, status));
    }
}
