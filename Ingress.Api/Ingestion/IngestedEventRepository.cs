using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>Writes newly received webhooks and everything that goes with them.</summary>
public sealed class IngestedEventRepository(NpgsqlDataSource dataSource)
{
    // One statement for a whole batch, so one round trip and one implicit transaction (committed or not: safe to
    // retry): the raw webhooks, the normalized events, their queued jobs, two audit entries each and the outbox rows.
    // A published event (POST /api/v1/events) is written the same way; its first audit entry is event.published,
    // by the API key that published it, instead of webhook.received.
    // Each column comes as one array ($n, positional, so Npgsql sends the text as it is and the statement, the same
    // for every batch size, is prepared once per connection). ON CONFLICT on the idempotency key leaves a key already
    // stored out of every later insert. raw_body is the body's bytes as they came; raw_payload, its jsonb form for SQL,
    // is made from them on the server, where jsonb can hold them. The audit details are built here from the columns
    // rather than serialised per webhook by the caller. Rows go in in the input's order: each webhook's
    // webhook.received entry gets a lower id than its event.normalized one. The event's trace id is the one of the
    // request that brought it in, read from the outbox row's traceparent (00-<trace id>-<span id>-<flags>, taken from
    // Activity.Current) rather than sent as one more array.
    private const string InsertBatchSql =
        """
        WITH input AS (
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::bytea[],
                                 $10::boolean[], $11::text[], $12::timestamptz[], $13::text[], $14::text[], $15::timestamptz[], $16::jsonb[], $17::text[],
                                 $18::text[], $19::jsonb[], $20::text[], $21::uuid[], $22::text[], $23::jsonb[], $24::text[], $25::text[]) WITH ORDINALITY
                AS input (webhook_id, event_id, job_id, integration_id, provider, external_event_id, idempotency_key, request_headers, raw_body,
                          raw_body_fits_jsonb, source_ip, received_at, event_type, subject, occurred_at, normalized_payload, correlation_id,
                          outbox_message_type, outbox_payload, outbox_audit_entity_type, outbox_audit_entity_id, outbox_audit_action, outbox_audit_details, outbox_trace_parent,
                          published_by, position)
        ), webhook AS (
            INSERT INTO webhook_events (id, integration_id, provider, external_event_id, idempotency_key, signature_valid, request_headers, raw_body, raw_payload, source_ip, received_at)
            SELECT webhook_id, integration_id, provider, external_event_id, idempotency_key, true, request_headers,
                   raw_body, CASE WHEN raw_body_fits_jsonb THEN CAST(convert_from(raw_body, 'UTF8') AS jsonb) END, CAST(source_ip AS inet), received_at
            FROM input ORDER BY position
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING id
        ), stored AS (
            SELECT input.* FROM input JOIN webhook ON webhook.id = input.webhook_id
        ), event AS (
            INSERT INTO normalized_events (id, webhook_event_id, integration_id, provider, event_type, subject, occurred_at, normalized_payload, status, correlation_id, received_at, next_attempt_at, created_at, updated_at, trace_id)
            SELECT event_id, webhook_id, integration_id, provider, event_type, subject, occurred_at, normalized_payload, 'pending', correlation_id, received_at, received_at, received_at, received_at,
                   substr(outbox_trace_parent, 4, 32)
            FROM stored ORDER BY position
        ), job AS (
            INSERT INTO processing_jobs (id, normalized_event_id, queue_name, triggered_by, status, attempt_no, scheduled_at, created_at)
            SELECT job_id, event_id, 'event-accepted', 'webhook', 'queued', 1, received_at, received_at
            FROM stored ORDER BY position
        ), audit AS (
            INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at, api_key_id)
            SELECT entry.entity_type, entry.entity_id, entry.action, entry.actor, entry.details, stored.received_at, stored.published_by
            FROM stored CROSS JOIN LATERAL (VALUES
                (1, 'webhook_event', stored.webhook_id, CASE WHEN stored.published_by IS NULL THEN 'webhook.received' ELSE 'event.published' END,
                 coalesce(stored.published_by, stored.provider),
                 jsonb_build_object('provider', stored.provider, 'externalEventId', stored.external_event_id, 'idempotencyKey', stored.idempotency_key,
                                    'sourceIp', stored.source_ip, 'correlationId', stored.correlation_id)),
                (2, 'normalized_event', stored.event_id, 'event.normalized', 'system',
                 jsonb_build_object('eventType', stored.event_type, 'subject', stored.subject, 'correlationId', stored.correlation_id)))
                AS entry (position, entity_type, entity_id, action, actor, details)
            ORDER BY stored.position, entry.position
        ), outbox AS (
            INSERT INTO outbox_messages (message_type, payload, audit_entity_type, audit_entity_id, audit_action, audit_details, trace_parent)
            SELECT outbox_message_type, outbox_payload, outbox_audit_entity_type, outbox_audit_entity_id, outbox_audit_action, outbox_audit_details, outbox_trace_parent
            FROM stored ORDER BY position
        )
        SELECT id FROM webhook
        """;

    private const string EventIdsByIdempotencyKeySql =
        """
        SELECT w.idempotency_key, e.id FROM webhook_events w JOIN normalized_events e ON e.webhook_event_id = w.id
        WHERE w.idempotency_key = ANY(@idempotencyKeys)
        """;

    /// <summary>
    /// Writes a batch in one transaction and answers each webhook, in the batch's order: stored, or a duplicate of
    /// the event that holds its idempotency key (stored earlier, or earlier in this batch).
    /// </summary>
    public async Task<IReadOnlyList<StoredEvent>> WriteBatchAsync(IReadOnlyList<NewEvent> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await WriteBatchAsync(connection, null, batch, cancellationToken);
    }

    /// <summary>The same write on the caller's connection, inside its transaction when one is given (it commits).</summary>
    public async Task<IReadOnlyList<StoredEvent>> WriteBatchAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<NewEvent> batch, CancellationToken cancellationToken)
    {
        var toWrite = IngestBatch.ToWrite(batch);
        await using var command = new NpgsqlCommand(InsertBatchSql, connection, transaction);
        AddColumns(command, toWrite);
        var inserted = new HashSet<Guid>(toWrite.Count);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                inserted.Add(reader.GetGuid(0));
            }
        }
        // A key already stored (the Redis fast path missed it, or its first request is committing right now): the
        // statement above waited for that row's transaction, so this new snapshot sees it.
        var notInserted = IngestBatch.KeysNotInserted(toWrite, inserted);
        var storedEventIds = notInserted.Length == 0
            ? new Dictionary<string, Guid>()
            : await FindEventIdsAsync(connection, transaction, notInserted, cancellationToken);
        return IngestBatch.Answer(batch, inserted, storedEventIds);
    }

    public async Task<Guid?> FindEventIdByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await FindEventIdsAsync(connection, null, [idempotencyKey], cancellationToken)).TryGetValue(idempotencyKey, out var eventId) ? eventId : null;
    }

    private static async Task<Dictionary<string, Guid>> FindEventIdsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string[] idempotencyKeys, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string IdempotencyKey, Guid EventId)>(new CommandDefinition(
            EventIdsByIdempotencyKeySql, new { idempotencyKeys }, transaction, cancellationToken: cancellationToken));
        return rows.ToDictionary(row => row.IdempotencyKey, row => row.EventId, StringComparer.Ordinal);
    }

    /// <summary>The statement's parameters, in its $n order: one array per column, one element per webhook.</summary>
    private static void AddColumns(NpgsqlCommand command, List<NewEvent> events)
    {
        Add(command, events, e => e.WebhookId);
        Add(command, events, e => e.EventId);
        Add(command, events, e => e.JobId);
        Add(command, events, e => e.IntegrationId);
        Add(command, events, e => e.Provider);
        Add(command, events, e => e.ExternalEventId);
        Add(command, events, e => e.IdempotencyKey);
        Add(command, events, e => e.RequestHeaders, NpgsqlDbType.Jsonb);
        Add(command, events, e => e.RawBody);
        Add(command, events, e => e.RawBodyFitsJsonb);
        Add(command, events, e => e.SourceIp);
        Add(command, events, e => e.ReceivedAt);
        Add(command, events, e => e.EventType);
        Add(command, events, e => e.Subject);
        Add(command, events, e => e.OccurredAt);
        Add(command, events, e => e.NormalizedPayload, NpgsqlDbType.Jsonb);
        Add(command, events, e => e.CorrelationId);
        Add(command, events, e => e.Outbox.MessageType);
        Add(command, events, e => e.Outbox.Payload, NpgsqlDbType.Jsonb);
        Add(command, events, e => e.Outbox.AuditEntityType);
        Add(command, events, e => e.Outbox.AuditEntityId);
        Add(command, events, e => e.Outbox.AuditAction);
        Add(command, events, e => e.Outbox.AuditDetails, NpgsqlDbType.Jsonb);
        Add(command, events, e => e.Outbox.TraceParent);
        Add(command, events, e => e.PublishedBy);
    }

    private static void Add<T>(NpgsqlCommand command, List<NewEvent> events, Func<NewEvent, T> column, NpgsqlDbType? elementType = null)
    {
        var values = new T[events.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = column(events[i]);
        }
        var parameter = new NpgsqlParameter<T[]> { TypedValue = values };
        if (elementType is { } type)
        {
            parameter.NpgsqlDbType = NpgsqlDbType.Array | type;
        }
        command.Parameters.Add(parameter);
    }
}
