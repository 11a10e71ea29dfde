namespace Relay.Management.Api.Queries;

/// <summary><c>GET /integrations</c>: <c>provider</c>, <c>activeOnly=true|false</c> (false, the default, lists all).</summary>
public sealed record IntegrationListQuery(string? Provider, bool ActiveOnly)
{
    public static QueryResult<IntegrationListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var provider = reader.Provider();
        var activeOnly = reader.Boolean("activeOnly") ?? false;
        return QueryResult<IntegrationListQuery>.From(reader, () => new IntegrationListQuery(provider, activeOnly));
    }
}
