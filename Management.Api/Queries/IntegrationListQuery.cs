namespace Relay.Management.Api.Queries;

/// <summary>
/// <c>GET /integrations</c>: <c>provider</c>, <c>activeOnly=true|false</c> (false, the default, lists all); the whole
/// list at once, or pages of it by <c>limit</c>/<c>cursor</c>.
/// </summary>
public sealed record IntegrationListQuery(string? Provider, bool ActiveOnly)
{
    /// <summary>By provider: <c>(provider, id)</c> ascending.</summary>
    public static readonly CursorOrder Order = new(CursorList.Integrations);

    /// <summary>Set when the query pages by <c>limit</c>/<c>cursor</c>; otherwise the list is answered whole.</summary>
    public ListCursorPaging? ByCursor { get; init; }

    public static QueryResult<IntegrationListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var provider = reader.Provider();
        var activeOnly = reader.Boolean("activeOnly") ?? false;
        var byCursor = ListCursorPaging.ReadOptional(reader, Order, alsoPaged: false);
        return QueryResult<IntegrationListQuery>.From(reader, () => new IntegrationListQuery(provider, activeOnly) { ByCursor = byCursor });
    }
}
