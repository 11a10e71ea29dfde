namespace Relay.Management.Api.Queries;

/// <summary><c>GET /destinations/{id}/attempts</c>: cursor pagination, newest first, <c>status=success|failed</c>.</summary>
public sealed record DestinationAttemptListQuery(ListCursorPaging Paging, string? Status)
{
    /// <summary>Newest first: <c>(created_at, id)</c> descending.</summary>
    public static readonly CursorOrder Order = new(CursorList.DestinationAttempts);

    public static QueryResult<DestinationAttemptListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = ListCursorPaging.ReadOptional(reader, Order, alsoPaged: false) ?? new ListCursorPaging(CursorPaging.DefaultLimit, null);
        var status = reader.OneOf("status", DeliveryListQuery.Statuses);
        return QueryResult<DestinationAttemptListQuery>.From(reader, () => new DestinationAttemptListQuery(paging, status));
    }
}
