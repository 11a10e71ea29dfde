using Dapper;
using Npgsql;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Data;

/// <summary>Reads delivery attempts, newest first.</summary>
public sealed class DeliveryAttemptRepository(NpgsqlDataSource dataSource)
{
    public const string Columns =
        "id, normalized_event_id, integration_id, attempt_no, status, http_status, response_body, error_message, duration_ms, created_at";

    public async Task<PageOf<DeliveryAttemptView>> ListAsync(DeliveryListQuery query, CancellationToken cancellationToken)
    {
        var filter = new SqlFilter()
            .When(query.Status, "status = @Status", "Status")
            .When(query.EventId, "normalized_event_id = @EventId", "EventId");
        filter.Parameters.Add("Limit", query.Paging.PageSize);
        filter.Parameters.Add("Offset", query.Paging.Offset);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT {Columns} FROM delivery_attempts {filter.Where}
            ORDER BY created_at DESC, id DESC
            LIMIT @Limit OFFSET @Offset;
            SELECT count(*) FROM delivery_attempts {filter.Where};
            """, filter.Parameters, cancellationToken: cancellationToken));
        var rows = (await results.ReadAsync<DeliveryAttemptView>()).AsList();
        var total = await results.ReadSingleAsync<long>();
        return new PageOf<DeliveryAttemptView>(rows, total);
    }
}
