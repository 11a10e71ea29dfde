namespace Relay.Management.Api.Queries;

public enum SortDirection
{
    Asc,
    Desc,
}

public enum EventSortField
{
    ReceivedAt,
    CreatedAt,
    OccurredAt,
    Status,
}

public static class EventStatuses
{
    public static readonly string[] All = ["pending", "processing", "processed", "retrying", "failed"];
}

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

/// <summary><c>GET /events</c>: pagination, filters and a whitelisted sort.</summary>
public sealed record EventListQuery(
    Paging Paging,
    string? Provider,
    string? Status,
    string? EventType,
    string? Subject,
    DateTimeOffset? From,
    DateTimeOffset? To,
    EventSortField SortBy,
    SortDirection SortOrder)
{
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

    public static QueryResult<EventListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = reader.Paging();
        var provider = reader.Provider();
        var status = reader.OneOf("status", EventStatuses.All);
        var eventType = reader.Text("eventType");
        var subject = reader.Text("subject");
        var (from, to) = reader.TimeRange();
        var sortBy = reader.OneOf("sortBy", SortFields.Keys.ToArray());
        var sortOrder = reader.OneOf("sortOrder", SortOrders.Keys.ToArray());
        return QueryResult<EventListQuery>.From(reader, () => new EventListQuery(
            paging, provider, status, eventType, subject, from, to,
            sortBy is null ? EventSortField.ReceivedAt : SortFields[sortBy],
            sortOrder is null ? SortDirection.Desc : SortOrders[sortOrder]));
    }
}

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

/// <summary>
/// <c>GET /audit-entries</c>: pagination, <c>entityType</c>, <c>entityId</c> (UUID), <c>action</c> and <c>actor</c>
/// (exact), <c>from</c>/<c>to</c> on the entry's time.
/// </summary>
public sealed record AuditEntryListQuery(
    Paging Paging, string? EntityType, Guid? EntityId, string? Action, string? Actor, DateTimeOffset? From, DateTimeOffset? To)
{
    public static QueryResult<AuditEntryListQuery> Parse(IQueryCollection query)
    {
        var reader = new QueryReader(query);
        var paging = reader.Paging();
        var entityType = reader.Text("entityType", maxLength: 100);
        var entityId = reader.Uuid("entityId");
        var action = reader.Text("action", maxLength: 100);
        // As long as a replay's requestedBy, the longest actor Relay writes.
        var actor = reader.Text("actor", maxLength: 120);
        var (from, to) = reader.TimeRange();
        return QueryResult<AuditEntryListQuery>.From(reader, () => new AuditEntryListQuery(paging, entityType, entityId, action, actor, from, to));
    }
}
