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
        var column = SortColumn(query.SortBy);
        var direction = SqlFilter.Direction(query.SortOrder);
        var page = await Filter(query.Provider, query.Status, query.EventType, query.Subject, query.From, query.To)
            .ReadPageAsync<EventRow>(dataSource, EventColumns, "normalized_events", $"{column} {direction}, id {direction}", query.Paging, cancellationToken);
        return page.Select(row => row.ToView());
    }

    /// <summary>The page of <c>GET /events</c> after the cursor, in the query's sort; the next cursor holds that sort.</summary>
    public async Task<CursorPage<EventView>> ListByCursorAsync(EventListQuery query, ListCursorPaging paging, CancellationToken cancellationToken)
    {
        var rows = await Filter(query.Provider, query.Status, query.EventType, query.Subject, query.From, query.To)
            .ReadAfterAsync<EventRow>(dataSource, EventColumns, "normalized_events", SortColumn(query.SortBy), "id", query.SortOrder, paging, cancellationToken);
        return CursorPage<EventView>.From(rows, paging.Limit, row => new ListCursor(query.Order, SortKey(row, query.SortBy), row.Id).Encode(), row => row.ToView());
    }

    private static SqlFilter Filter(string? provider, string? status, string? eventType, string? subject, DateTimeOffset? from, DateTimeOffset? to) =>
        new SqlFilter()
            .When(provider, "provider = @Provider", "Provider")
            .When(status, "status = @Status", "Status")
            .When(eventType, "event_type = @EventType", "EventType")
            .When(subject is null ? null : SqlFilter.Contains(subject), @"subject ILIKE @Subject ESCAPE '\'", "Subject")
            .Within(from, to, "occurred_at");

    // The sort column comes from this fixed map, never from the request; id keeps pages stable on ties.
    private static string SortColumn(EventSortField field) => field switch
    {
        EventSortField.CreatedAt => "created_at",
        EventSortField.OccurredAt => "occurred_at",
        EventSortField.Status => "status",
        _ => "received_at",
    };

    private static object SortKey(EventRow row, EventSortField field) => field switch
    {
        EventSortField.CreatedAt => row.CreatedAt,
        EventSortField.OccurredAt => DateTime.SpecifyKind(row.OccurredAt, DateTimeKind.Utc),
        EventSortField.Status => row.Status,
        _ => row.ReceivedAt,
    };

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
