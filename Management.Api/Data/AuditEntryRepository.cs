using Dapper;
using Npgsql;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Data;

/// <summary>Reads the audit trail, newest first.</summary>
public sealed class AuditEntryRepository(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, entity_type, entity_id, action, actor, details::text AS details, created_at";

    public async Task<PageOf<AuditEntryView>> ListAsync(AuditEntryListQuery query, CancellationToken cancellationToken)
    {
        var filter = new SqlFilter()
            .When(query.EntityType, "entity_type = @EntityType", "EntityType")
            .When(query.EntityId, "entity_id = @EntityId", "EntityId")
            .When(query.Action, "action = @Action", "Action");
        filter.Parameters.Add("Limit", query.Paging.PageSize);
        filter.Parameters.Add("Offset", query.Paging.Offset);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT {Columns} FROM audit_entries {filter.Where}
            ORDER BY created_at DESC, id DESC
            LIMIT @Limit OFFSET @Offset;
            SELECT count(*) FROM audit_entries {filter.Where};
            """, filter.Parameters, cancellationToken: cancellationToken));
        var rows = await results.ReadAsync<AuditRow>();
        var total = await results.ReadSingleAsync<long>();
        return new PageOf<AuditEntryView>(rows.Select(row => row.ToView()).ToList(), total);
    }

    private sealed record AuditRow(long Id, string EntityType, Guid EntityId, string Action, string Actor, string Details, DateTime CreatedAt)
    {
        public AuditEntryView ToView() => new(Id, EntityType, EntityId, Action, Actor, JsonColumn.Parse(Details), CreatedAt);
    }
}
