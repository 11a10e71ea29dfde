using Relay.Management.Api.Queries;

namespace Relay.Management.Api.ApiKeys;

/// <summary><c>GET /api-keys</c>: cursor pagination, oldest first; <c>activeOnly=true</c> leaves revoked keys out.</summary>
public sealed record ApiKeyListQuery(ListCursorPaging Paging, bool ActiveOnly)
{
    /// <summary>Oldest first: <c>(created_at, id)</c>.</summary>
    public static readonly CursorOrder Order = new(CursorList.ApiKeys);

    public static QueryResult<ApiKeyListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = ListCursorPaging.Read(reader, Order);
        var activeOnly = reader.Boolean("activeOnly") ?? false;
        return QueryResult<ApiKeyListQuery>.From(reader, () => new ApiKeyListQuery(paging, activeOnly));
    }
}
