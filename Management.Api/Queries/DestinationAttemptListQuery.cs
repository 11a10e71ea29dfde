namespace Relay.Management.Api.Queries;

/// <summary><c>GET /destinations/{id}/attempts</c>: cursor pagination, newest first, <c>status=success|failed</c>.</summary>
public sealed record DestinationAttemptListQuery(CursorPaging Paging, string? Status)
{
    public static QueryResult<DestinationAttemptListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = CursorPaging.Read(reader);
        var status = reader.OneOf("status", DeliveryListQuery.Statuses);
        return QueryResult<DestinationAttemptListQuery>.From(reader, () => new DestinationAttemptListQuery(paging, status));
    }
}
