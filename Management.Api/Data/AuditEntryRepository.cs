using Npgsql;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Data;

/// <summary>Reads the audit trail, newest first.</summary>
public sealed class AuditEntryRepository(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, entity_type, entity_id, action, actor, details::text AS details, created_at, api_key_id";

    public async Task<PageOf<AuditEntryView>> ListAsync(AuditEntryListQuery query, CancellationToken cancellationToken)
    {
        var filter = new SqlFilter()
            .When(query.EntityType, "entity_type = @EntityType", "EntityType")
            .When(query.EntityId, "entity_id = @EntityId", "EntityId")
            .When(query.Action, "action = @Action", "Action")
            .When(query.Actor, "actor = @Actor", "Actor")
            .When(query.ApiKeyId, "api_key_id = @ApiKeyId", "ApiKeyId")
            .Within(query.From, query.To, "created_at");
        var page = await filter.ReadPageAsync<AuditRow>(dataSource, Columns, "audit_entries", "created_at DESC, id DESC", query.Paging, cancellationToken);
        return page.Select(row => row.ToView());
    }

    private sealed record AuditRow(long Id, string EntityType, Guid EntityId, string Action, string Actor, string Details, DateTime CreatedAt, string? ApiKeyId)
    {
        public AuditEntryView ToView() => new(Id, EntityType, EntityId, Action, Actor, JsonColumn.Parse(Details), CreatedAt, ApiKeyId);
    }
}
