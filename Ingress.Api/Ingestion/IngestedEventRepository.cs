using Dapper;
using Npgsql;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>Writes a newly received webhook and everything that goes with it.</summary>
public sealed class IngestedEventRepository(NpgsqlDataSource dataSource)
{
    // One statement, so one round trip and one implicit transaction: the raw webhook, the normalized event,
    // its queued job, two audit entries and the outbox row. ON CONFLICT on the idempotency key makes every
    // later insert select from nothing, so a duplicate writes no row at all. raw_body is the body's bytes as they came;
    // raw_payload, its jsonb form for SQL, is made from them on the server, where jsonb can hold them.
    private const string InsertSql =
        """
        WITH webhook AS (
            INSERT INTO webhook_events (id, integration_id, provider, external_event_id, idempotency_key, signature_valid, request_headers, raw_body, raw_payload, source_ip, received_at)
            VALUES (@WebhookId, @IntegrationId, @Provider, @ExternalEventId, @IdempotencyKey, true, CAST(@RequestHeaders AS jsonb),
                    @RawBody, CASE WHEN @RawBodyFitsJsonb THEN CAST(convert_from(@RawBody, 'UTF8') AS jsonb) END, CAST(@SourceIp AS inet), @ReceivedAt)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING id
        ), event AS (
            INSERT INTO normalized_events (id, webhook_event_id, integration_id, provider, event_type, subject, occurred_at, normalized_payload, status, correlation_id, received_at, next_attempt_at, created_at, updated_at)
            SELECT @EventId, webhook.id, @IntegrationId, @Provider, @EventType, @Subject, @OccurredAt, CAST(@NormalizedPayload AS jsonb), 'pending', @CorrelationId, @ReceivedAt, @ReceivedAt, @ReceivedAt, @ReceivedAt
            FROM webhook
            RETURNING id
        ), job AS (
            INSERT INTO processing_jobs (id, normalized_event_id, queue_name, triggered_by, status, attempt_no, scheduled_at, created_at)
            SELECT @JobId, event.id, 'event-accepted', 'webhook', 'queued', 1, @ReceivedAt, @ReceivedAt FROM event
        ), audit AS (
            INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at)
            SELECT entry.entity_type, entry.entity_id, entry.action, entry.actor, entry.details, @ReceivedAt
            FROM (VALUES (1, 'webhook_event', @WebhookId, 'webhook.received', @Provider, CAST(@ReceivedAuditDetails AS jsonb)),
                         (2, 'normalized_event', @EventId, 'event.normalized', 'system', CAST(@NormalizedAuditDetails AS jsonb)))
                 AS entry (position, entity_type, entity_id, action, actor, details)
            WHERE EXISTS (SELECT 1 FROM event)
            ORDER BY entry.position
        ), outbox AS (
            INSERT INTO outbox_messages (message_type, payload, audit_entity_type, audit_entity_id, audit_action, audit_details, trace_parent)
            SELECT @OutboxMessageType, CAST(@OutboxPayload AS jsonb), @OutboxAuditEntityType, @OutboxAuditEntityId, @OutboxAuditAction, CAST(@OutboxAuditDetails AS jsonb), @OutboxTraceParent
            FROM event
        )
        SELECT id FROM event
        """;

    /// <summary>Returns true when the event was stored, false when its idempotency key already existed.</summary>
    public async Task<bool> TryInsertAsync(NewEvent newEvent, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parameters = new DynamicParameters(newEvent);
        parameters.AddDynamicParams(new
        {
            OutboxMessageType = newEvent.Outbox.MessageType,
            OutboxPayload = newEvent.Outbox.Payload,
            OutboxAuditEntityType = newEvent.Outbox.AuditEntityType,
            OutboxAuditEntityId = newEvent.Outbox.AuditEntityId,
            OutboxAuditAction = newEvent.Outbox.AuditAction,
            OutboxAuditDetails = newEvent.Outbox.AuditDetails,
            OutboxTraceParent = newEvent.Outbox.TraceParent,
        });
        var inserted = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(InsertSql, parameters, cancellationToken: cancellationToken));
        return inserted is not null;
    }

    public async Task<Guid?> FindEventIdByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            """
            SELECT e.id FROM webhook_events w JOIN normalized_events e ON e.webhook_event_id = w.id
            WHERE w.idempotency_key = @idempotencyKey
            """, new { idempotencyKey }, cancellationToken: cancellationToken));
    }
}
