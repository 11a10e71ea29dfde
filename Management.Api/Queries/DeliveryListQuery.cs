namespace Relay.Management.Api.Queries;

/// <summary>
/// <c>GET /deliveries</c>: pagination, <c>status=success|failed</c>, <c>eventId</c>, <c>provider</c> (the event's
/// integration) and <c>from</c>/<c>to</c> on the attempt's time.
/// </summary>
public sealed record DeliveryListQuery(Paging Paging, string? Status, Guid? EventId, string? Provider, DateTimeOffset? From, DateTimeOffset? To)
{
    public static readonly string[] Statuses = ["success", "failed"];

    public static QueryResult<DeliveryListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = reader.Paging();
        var status = reader.OneOf("status", Statuses);
        var eventId = reader.Uuid("eventId");
        var provider = reader.Provider();
        var (from, to) = reader.TimeRange();
        return QueryResult<DeliveryListQuery>.From(reader, () => new DeliveryListQuery(paging, status, eventId, provider, from, to));
    }
}
