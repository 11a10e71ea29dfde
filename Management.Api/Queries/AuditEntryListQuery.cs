namespace Relay.Management.Api.Queries;

/// <summary>
/// <c>GET /audit-entries</c>: pagination, <c>entityType</c>, <c>entityId</c> (UUID), <c>action</c> and <c>actor</c>
/// (exact), <c>apiKeyId</c> (an API key's id or "bootstrap", exact), <c>from</c>/<c>to</c> on the entry's time.
/// </summary>
public sealed record AuditEntryListQuery(
    Paging Paging, string? EntityType, Guid? EntityId, string? Action, string? Actor, DateTimeOffset? From, DateTimeOffset? To, string? ApiKeyId = null)
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
        var apiKeyId = reader.Text("apiKeyId", maxLength: 64);
        return QueryResult<AuditEntryListQuery>.From(reader, () => new AuditEntryListQuery(paging, entityType, entityId, action, actor, from, to, apiKeyId));
    }
}
