namespace Relay.Management.Api.Queries;

/// <summary><c>GET /integrations/{id}/destinations</c>: cursor pagination, oldest first.</summary>
public sealed record DestinationListQuery(CursorPaging Paging)
{
    public static QueryResult<DestinationListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = CursorPaging.Read(reader);
        return QueryResult<DestinationListQuery>.From(reader, () => new DestinationListQuery(paging));
    }
}
