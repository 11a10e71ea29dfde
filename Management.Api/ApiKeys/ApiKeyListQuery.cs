using Relay.Management.Api.Queries;

namespace Relay.Management.Api.ApiKeys;

/// <summary><c>GET /api-keys</c>: cursor pagination, oldest first; <c>activeOnly=true</c> leaves revoked keys out.</summary>
public sealed record ApiKeyListQuery(CursorPaging Paging, bool ActiveOnly)
{
    public static QueryResult<ApiKeyListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = CursorPaging.Read(reader);
        var activeOnly = reader.Boolean("activeOnly") ?? false;
        return QueryResult<ApiKeyListQuery>.From(reader, () => new ApiKeyListQuery(paging, activeOnly));
    }
}
