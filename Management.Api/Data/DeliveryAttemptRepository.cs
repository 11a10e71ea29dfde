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
            .When(query.EventId, "normalized_event_id = @EventId", "EventId")
            // The attempt's integration is its event's; an unknown provider matches nothing.
            .When(query.Provider, "integration_id IN (SELECT id FROM integrations WHERE provider = @Provider)", "Provider")
            .Within(query.From, query.To, "created_at");
        return await filter.ReadPageAsync<DeliveryAttemptView>(dataSource, Columns, "delivery_attempts", "created_at DESC, id DESC", query.Paging, cancellationToken);
    }
}
