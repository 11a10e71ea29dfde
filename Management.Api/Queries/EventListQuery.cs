namespace Relay.Management.Api.Queries;

/// <summary>
/// <c>GET /events</c>: pagination, filters (the provider's event id among them) and a whitelisted sort; or
/// <c>limit</c>/<c>cursor</c> instead of the pages, a cursor holding a position in the sort it was returned for.
/// </summary>
public sealed record EventListQuery(
    Paging Paging,
    string? Provider,
    string? Status,
    string? EventType,
    string? Subject,
    string? ExternalEventId,
    DateTimeOffset? From,
    DateTimeOffset? To,
    EventSortField SortBy,
    SortDirection SortOrder)
{
    /// <summary>As long as ingest lets a provider's event id be (Ingress.Api's FieldLimits.ExternalEventId), so every stored id can be asked for.</summary>
    public const int MaxExternalEventIdLength = 255;

    public static readonly IReadOnlyDictionary<string, EventSortField> SortFields = new Dictionary<string, EventSortField>(StringComparer.Ordinal)
    {
        ["createdAt"] = EventSortField.CreatedAt,
        ["occurredAt"] = EventSortField.OccurredAt,
        ["status"] = EventSortField.Status,
        ["receivedAt"] = EventSortField.ReceivedAt,
    };

    public static readonly IReadOnlyDictionary<string, SortDirection> SortOrders = new Dictionary<string, SortDirection>(StringComparer.Ordinal)
    {
        ["asc"] = SortDirection.Asc,
        ["desc"] = SortDirection.Desc,
    };

    /// <summary>Set when the query pages by <c>limit</c>/<c>cursor</c> rather than <c>page</c>/<c>pageSize</c>.</summary>
    public ListCursorPaging? ByCursor { get; init; }

    public CursorOrder Order => CursorOrder.Events(SortBy, SortOrder);

    public static QueryResult<EventListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = reader.Paging();
        var provider = reader.Provider();
        var status = reader.OneOf("status", EventStatuses.All);
        var eventType = reader.Text("eventType");
        var subject = reader.Text("subject");
        var externalEventId = reader.Text("externalEventId", MaxExternalEventIdLength);
        var (from, to) = reader.TimeRange();
        var sortBy = reader.OneOf("sortBy", SortFields.Keys.ToArray());
        var sortOrder = reader.OneOf("sortOrder", SortOrders.Keys.ToArray());
        var field = sortBy is null ? EventSortField.ReceivedAt : SortFields[sortBy];
        var direction = sortOrder is null ? SortDirection.Desc : SortOrders[sortOrder];
        var byCursor = ListCursorPaging.ReadOptional(reader, CursorOrder.Events(field, direction));
        return QueryResult<EventListQuery>.From(reader, () => new EventListQuery(paging, provider, status, eventType, subject, externalEventId, from, to, field, direction)
        {
            ByCursor = byCursor,
        });
    }
}
