namespace Relay.Management.Api.Queries;

/// <summary><c>GET /stats/activity</c>: the last <c>minutes</c> (1-1440, default 60), optionally of one <c>integrationId</c>.</summary>
public sealed record ActivityQuery(int Minutes, Guid? IntegrationId)
{
    public const int DefaultMinutes = 60;
    public const int MaxMinutes = 1440;

    public static QueryResult<ActivityQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var minutes = reader.Integer("minutes", DefaultMinutes, min: 1, max: MaxMinutes);
        var integrationId = reader.Uuid("integrationId");
        return QueryResult<ActivityQuery>.From(reader, () => new ActivityQuery(minutes, integrationId));
    }
}
