using System.Data;
using Dapper;
using Npgsql;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Data;

/// <summary>Reads normalized events with their raw webhook, delivery attempts, processing jobs and replay requests.</summary>
public sealed class EventQueryRepository(NpgsqlDataSource dataSource)
{
    private const string EventColumns =
        """
        id, webhook_event_id, integration_id, provider, event_type, subject, occurred_at,
        normalized_payload::text AS normalized_payload, status, processing_attempts, last_error, last_processed_at,
        created_at, updated_at, received_at
        """;

    private const string JobColumns =
        "id, normalized_event_id, queue_name, triggered_by, status, attempt_no, scheduled_at, started_at, completed_at, error_message, created_at";

    public const int DetailJobLimit = 20;
    public const int DetailReplayLimit = 20;
    public const int StatusJobLimit = 10;

    public async Task<PageOf<EventView>> ListAsync(EventListQuery query, CancellationToken cancellationToken)
    {
        var filter = new SqlFilter()
            .When(query.Provider, "provider = @Provider", "Provider")
            .When(query.Status, "status = @Status", "Status")
            .When(query.EventType, "event_type = @EventType", "EventType")
            .When(query.Subject is null ? null : SqlFilter.Contains(query.Subject), @"subject ILIKE @Subject ESCAPE '\'", "Subject")
            .Within(query.From, query.To, "occurred_at");
        // The sort column comes from this fixed map, never from the request; id keeps pages stable on ties.
        var column = query.SortBy switch
        {
            EventSortField.CreatedAt => "created_at",
            EventSortField.OccurredAt => "occurred_at",
            EventSortField.Status => "status",
            _ => "received_at",
        };
        var direction = SqlFilter.Direction(query.SortOrder);
        var page = await filter.ReadPageAsync<EventRow>(dataSource, EventColumns, "normalized_events", $"{column} {direction}, id {direction}", query.Paging, cancellationToken);
        return page.Select(row => row.ToView());
    }

    public async Task<EventDetail?> FindDetailAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the event and everything attached to it.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT {EventColumns} FROM normalized_events WHERE id = @id;
            SELECT w.external_event_id, w.idempotency_key, w.signature_valid, w.request_headers::text AS request_headers,
                   coalesce(convert_from(w.raw_body, 'UTF8'), w.raw_payload::text) AS raw_payload, host(w.source_ip) AS source_ip, w.received_at
            FROM webhook_events w JOIN normalized_events e ON e.webhook_event_id = w.id
            WHERE e.id = @id;
            SELECT {DeliveryAttemptRepository.Columns} FROM delivery_attempts
            WHERE normalized_event_id = @id ORDER BY attempt_no, id;
            SELECT {JobColumns} FROM processing_jobs
            WHERE normalized_event_id = @id ORDER BY created_at DESC, id DESC LIMIT {DetailJobLimit};
            SELECT {ReplayRequestRepository.Columns} FROM replay_requests
            WHERE normalized_event_id = @id ORDER BY created_at DESC, id DESC LIMIT {DetailReplayLimit};
            SELECT v.id, v.destination_id, d.is_default AS is_default_destination, v.status, v.attempts, v.last_error, v.last_attempt_at,
                   CASE WHEN v.status IN ('pending', 'retrying') AND v.next_attempt_at < 'infinity' THEN v.next_attempt_at END AS next_attempt_at,
                   v.replay_request_id, v.recovery_id, v.created_at, v.updated_at
            FROM deliveries v JOIN destinations d ON d.id = v.destination_id
            WHERE v.normalized_event_id = @id ORDER BY v.created_at, v.id;
            """, new { id }, transaction, cancellationToken: cancellationToken));
        var row = await results.ReadSingleOrDefaultAsync<EventRow>();
        var webhook = await results.ReadSingleOrDefaultAsync<WebhookRow>();
        var attempts = (await results.ReadAsync<DeliveryAttemptView>()).AsList();
        var jobs = (await results.ReadAsync<ProcessingJobView>()).AsList();
        var replays = (await results.ReadAsync<ReplayRequestView>()).AsList();
        var deliveries = (await results.ReadAsync<EventDeliveryView>()).AsList();
        if (row is null || webhook is null)
        {
            return null;
        }
        return new EventDetail(row.ToView(), webhook.ToView(), attempts, jobs, replays, deliveries);
    }

    public async Task<EventStatusView?> FindStatusAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT id AS event_id, status, processing_attempts, last_error, last_processed_at FROM normalized_events WHERE id = @id;
            SELECT {JobColumns} FROM processing_jobs
            WHERE normalized_event_id = @id ORDER BY created_at DESC, id DESC LIMIT {StatusJobLimit};
            """, new { id }, transaction, cancellationToken: cancellationToken));
        var status = await results.ReadSingleOrDefaultAsync<StatusRow>();
        var jobs = (await results.ReadAsync<ProcessingJobView>()).AsList();
        return status is null
            ? null
            : new EventStatusView(status.EventId, status.Status, status.ProcessingAttempts, status.LastError, status.LastProcessedAt, jobs);
    }

    private sealed record EventRow(
        Guid Id,
        Guid WebhookEventId,
        Guid IntegrationId,
        string Provider,
        string EventType,
        string? Subject,
        DateTime OccurredAt,
        string NormalizedPayload,
        string Status,
        int ProcessingAttempts,
        string? LastError,
        DateTime? LastProcessedAt,
        DateTime CreatedAt,
        DateTime UpdatedAt,
        DateTime ReceivedAt)
    {
        public EventView ToView() => new(
            // Npgsql reads ±infinity (stored before ingest refused the dates that make it) as DateTime.MinValue/MaxValue
            // without a kind; the column is UTC either way, so it is answered with its "Z".
            Id, WebhookEventId, IntegrationId, Provider, EventType, Subject, DateTime.SpecifyKind(OccurredAt, DateTimeKind.Utc), JsonColumn.Parse(NormalizedPayload),
            Status, ProcessingAttempts, LastError, LastProcessedAt, CreatedAt, UpdatedAt, ReceivedAt);
    }

    private sealed record WebhookRow(
        string? ExternalEventId,
        string IdempotencyKey,
        bool SignatureValid,
        string RequestHeaders,
        string RawPayload,
        string? SourceIp,
        DateTime ReceivedAt)
    {
        public WebhookView ToView() => new(
            ExternalEventId, IdempotencyKey, SignatureValid, JsonColumn.Parse(RequestHeaders), new RawJson(RawPayload), SourceIp, ReceivedAt);
    }

    private sealed record StatusRow(Guid EventId, string Status, int ProcessingAttempts, string? LastError, DateTime? LastProcessedAt);
}
