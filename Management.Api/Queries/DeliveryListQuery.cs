namespace Relay.Management.Api.Queries;

/// <summary>
/// <c>GET /deliveries</c>: pagination, <c>status=success|failed</c>, <c>eventId</c>, <c>provider</c> (the event's
/// integration) and <c>from</c>/<c>to</c> on the attempt's time; or <c>limit</c>/<c>cursor</c> instead of the pages.
/// </summary>
public sealed record DeliveryListQuery(Paging Paging, string? Status, Guid? EventId, string? Provider, DateTimeOffset? From, DateTimeOffset? To)
{
    public static readonly string[] Statuses = ["success", "failed"];

    /// <summary>Newest first: <c>(created_at, id)</c> descending.</summary>
    public static readonly CursorOrder Order = new(CursorList.Deliveries);

    /// <summary>Set when the query pages by <c>limit</c>/<c>cursor</c> rather than <c>page</c>/<c>pageSize</c>.</summary>
    public ListCursorPaging? ByCursor { get; init; }

    public static QueryResult<DeliveryListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = reader.Paging();
        var status = reader.OneOf("status", Statuses);
        var eventId = reader.Uuid("eventId");
        var provider = reader.Provider();
        var (from, to) = reader.TimeRange();
        var byCursor = ListCursorPaging.ReadOptional(reader, Order);
        return QueryResult<DeliveryListQuery>.From(reader, () => new DeliveryListQuery(paging, status, eventId, provider, from, to) { ByCursor = byCursor });
    }
}
