namespace Relay.Management.Api.Queries;

/// <summary>
/// <c>GET /audit-entries</c>: pagination, <c>entityType</c>, <c>entityId</c> (UUID), <c>action</c> and <c>actor</c>
/// (exact), <c>apiKeyId</c> (an API key's id or "bootstrap", exact), <c>from</c>/<c>to</c> on the entry's time; or
/// <c>limit</c>/<c>cursor</c> instead of the pages.
/// </summary>
public sealed record AuditEntryListQuery(
    Paging Paging, string? EntityType, Guid? EntityId, string? Action, string? Actor, DateTimeOffset? From, DateTimeOffset? To, string? ApiKeyId = null)
{
    /// <summary>Newest first: <c>(created_at, id)</c> descending.</summary>
    public static readonly CursorOrder Order = new(CursorList.AuditEntries);

    /// <summary>Set when the query pages by <c>limit</c>/<c>cursor</c> rather than <c>page</c>/<c>pageSize</c>.</summary>
    public ListCursorPaging? ByCursor { get; init; }

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
        var apiKeyId = reader.Text("apiKeyId", maxLength: 64);
        var byCursor = ListCursorPaging.ReadOptional(reader, Order);
        return QueryResult<AuditEntryListQuery>.From(reader, () => new AuditEntryListQuery(paging, entityType, entityId, action, actor, from, to, apiKeyId) { ByCursor = byCursor });
    }
}
