namespace Relay.Management.Api.Queries;

/// <summary>The query of a route that takes no query parameters (one resource by id): any parameter is refused.</summary>
public sealed record NoQuery
{
    private static readonly NoQuery Instance = new();

    public static QueryResult<NoQuery> Parse(IQueryCollection query) => QueryResult<NoQuery>.From(new QueryReader(query), () => Instance);
}
