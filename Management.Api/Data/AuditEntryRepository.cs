using Npgsql;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Data;

/// <summary>Reads the audit trail, newest first.</summary>
public sealed class AuditEntryRepository(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, entity_type, entity_id, action, actor, details::text AS details, created_at, api_key_id";

    public async Task<PageOf<AuditEntryView>> ListAsync(AuditEntryListQuery query, CancellationToken cancellationToken)
    {
        var page = await Filter(query).ReadPageAsync<AuditRow>(dataSource, Columns, "audit_entries", "created_at DESC, id DESC", query.Paging, cancellationToken);
        return page.Select(row => row.ToView());
    }

    /// <summary>The page after the cursor, newest first; entries written meanwhile land before the first page.</summary>
    public async Task<CursorPage<AuditEntryView>> ListByCursorAsync(AuditEntryListQuery query, ListCursorPaging paging, CancellationToken cancellationToken)
    {
        var rows = await Filter(query).ReadAfterAsync<AuditRow>(dataSource, Columns, "audit_entries", "created_at", "id", SortDirection.Desc, paging, cancellationToken);
        return CursorPage<AuditEntryView>.From(rows, paging.Limit, row => new ListCursor(AuditEntryListQuery.Order, row.CreatedAt, row.Id).Encode(), row => row.ToView());
    }

    private static SqlFilter Filter(AuditEntryListQuery query) =>
        new SqlFilter()
            .When(query.EntityType, "entity_type = @EntityType", "EntityType")
            .When(query.EntityId, "entity_id = @EntityId", "EntityId")
            .When(query.Action, "action = @Action", "Action")
            .When(query.Actor, "actor = @Actor", "Actor")
            .When(query.ApiKeyId, "api_key_id = @ApiKeyId", "ApiKeyId")
            .Within(query.From, query.To, "created_at");

    private sealed record AuditRow(long Id, string EntityType, Guid EntityId, string Action, string Actor, string Details, DateTime CreatedAt, string? ApiKeyId)
    {
        public AuditEntryView ToView() => new(Id, EntityType, EntityId, Action, Actor, JsonColumn.Parse(Details), CreatedAt, ApiKeyId);
    }
}
