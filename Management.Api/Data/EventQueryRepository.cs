using System.Data;
using Dapper;
using Npgsql;
using Relay.Infrastructure.Providers;
using Relay.Infrastructure.Security;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Streaming;

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

    /// <summary>
    /// The live tail's horizon (see <see cref="ReadStreamAsync"/>), as CTEs <c>horizon(snapshot, horizon)</c> to begin a
    /// statement with: the oldest transaction this statement's snapshot sees running (<c>xip</c>), or, with none, the
    /// next transaction id (<c>xmax</c>). Transactions seen running in another database are skipped: they cannot insert
    /// events here, and the server's other databases (or other applications) would otherwise hold the stream back for
    /// as long as their transactions last. A running transaction is taken as another database's only while
    /// pg_stat_activity still shows it there; one that ended since the snapshot was taken, or whose session this role
    /// may not see, counts as this database's, which only holds events back a little longer.
    /// </summary>
    private const string HorizonCte =
        """
        snapshot AS MATERIALIZED (SELECT pg_current_snapshot() AS snapshot),
        horizon AS MATERIALIZED (
            SELECT snapshot.snapshot, coalesce(
                (SELECT min(running::text::bigint) FROM pg_snapshot_xip(snapshot.snapshot) AS running
                 WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                                   WHERE a.backend_xid = running::xid
                                     AND a.datid <> (SELECT oid FROM pg_database WHERE datname = current_database()))),
                pg_snapshot_xmax(snapshot.snapshot)::text::bigint) AS horizon
            FROM snapshot)
        """;

    public const int DetailJobLimit = 20;
    public const int DetailReplayLimit = 20;
    public const int StatusJobLimit = 10;

    public async Task<PageOf<EventView>> ListAsync(EventListQuery query, CancellationToken cancellationToken)
    {
        var column = SortColumn(query.SortBy);
        var direction = SqlFilter.Direction(query.SortOrder);
        var page = await ListFilter(query)
            .ReadPageAsync<EventRow>(dataSource, EventColumns, "normalized_events", $"{column} {direction}, id {direction}", query.Paging, cancellationToken);
        return page.Select(row => row.ToView());
    }

    /// <summary>The page of <c>GET /events</c> after the cursor, in the query's sort; the next cursor holds that sort.</summary>
    public async Task<CursorPage<EventView>> ListByCursorAsync(EventListQuery query, ListCursorPaging paging, CancellationToken cancellationToken)
    {
        var rows = await ListFilter(query)
            .ReadAfterAsync<EventRow>(dataSource, EventColumns, "normalized_events", SortColumn(query.SortBy), "id", query.SortOrder, paging, cancellationToken);
        return CursorPage<EventView>.From(rows, paging.Limit, row => new ListCursor(query.Order, SortKey(row, query.SortBy), row.Id).Encode(), row => row.ToView());
    }

    /// <summary>
    /// Where a live tail starts: after <paramref name="resume"/>, else at the first event received since
    /// <paramref name="since"/>, else now. Null when <paramref name="resume"/> names a transaction this database has not
    /// begun yet, so it cannot have come from this stream (a made-up id, or another installation's).
    /// </summary>
    public async Task<EventStreamPosition?> StartStreamAsync(EventStreamPosition? resume, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var start = await connection.QuerySingleAsync<StreamStart>(new CommandDefinition(
            $"""
            WITH {HorizonCte}
            SELECT h.horizon, pg_snapshot_xmax(h.snapshot)::text::bigint AS next_transaction_id,
                   {(since is null ? "NULL::bigint" : "(SELECT min(insert_xact_id) FROM normalized_events WHERE received_at >= @Since)")} AS first_since
            FROM horizon h
            """, new { Since = since?.ToUniversalTime() }, cancellationToken: cancellationToken));
        if (resume is { } position)
        {
            return position.TransactionId < start.NextTransactionId ? position : null;
        }
        // Every transaction older than the horizon has ended and its events are visible; a transaction still running
        // may have received an event after `since` and have a smaller id than the first visible one: start at the
        // horizon if it comes first.
        return EventStreamPosition.Before(Math.Min(start.FirstSince ?? start.Horizon, start.Horizon));
    }

    /// <summary>
    /// The next events of a live tail after <paramref name="after"/>, at most <paramref name="take"/>, in stream order.
    /// <para>
    /// Events are inserted by concurrent transactions (ingest's group commits, several replicas) that commit in any
    /// order, so "events with a greater sequence than the last one sent" would skip an event whose transaction took a
    /// smaller number but committed later. Each event therefore records the id of the transaction that inserted it
    /// (<c>insert_xact_id</c>, migration 018), and only events of transactions older than the reading snapshot's
    /// horizon (its xmin, the oldest transaction still running, less those of other databases: <see cref="HorizonCte"/>)
    /// are sent. Every transaction of this database below the horizon has ended, so its events are all visible to this
    /// statement, and none can still insert below it (later transactions get greater ids): once a position is sent,
    /// nothing can appear before it. Events of later transactions wait, already committed or not, until the horizon
    /// passes them (<see cref="EventStreamBatch.HeldBack"/> says some are waiting). The statement reads the horizon
    /// from its own snapshot and takes no transaction id itself, so it never holds the horizon back.
    /// </para>
    /// </summary>
    /// <param name="window">
    /// How many transaction ids after <paramref name="after"/> this read covers at most. The BRIN index hands over every
    /// row of the page ranges in that window, which are then sorted, so a stream far behind (a resume after a long
    /// absence, a since= long ago) reads its backlog window by window instead of sorting all of it for every batch.
    /// </param>
    public async Task<EventStreamBatch> ReadStreamAsync(EventStreamQuery query, EventStreamPosition after, int take, long window, CancellationToken cancellationToken)
    {
        var windowEnd = after.TransactionId > long.MaxValue - window ? long.MaxValue : after.TransactionId + window;
        var filter = Filter(query.Provider, status: null, query.EventType, query.Subject, query.From, query.To)
            .When(query.Since?.ToUniversalTime(), "received_at >= @Since", "Since");
        filter.Parameters.Add("AfterTransactionId", after.TransactionId);
        filter.Parameters.Add("AfterEventId", after.EventId);
        filter.Parameters.Add("WindowEnd", windowEnd);
        filter.Parameters.Add("Take", take);
        // Events past the horizon are read too (at most a batch): they are not sent, but tell that some are held back.
        var sql =
            $"""
            WITH {HorizonCte}
            SELECT h.horizon, e.*
            FROM horizon h
            LEFT JOIN (
                SELECT {EventColumns}, insert_xact_id FROM normalized_events
                WHERE insert_xact_id >= @AfterTransactionId AND insert_xact_id < @WindowEnd
                  AND (insert_xact_id, id) > (@AfterTransactionId, @AfterEventId){filter.AndConditions}
                ORDER BY insert_xact_id, id
                LIMIT @Take) e ON true
            ORDER BY e.insert_xact_id, e.id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<StreamRow>(new CommandDefinition(sql, filter.Parameters, cancellationToken: cancellationToken))).AsList();
        var horizon = rows[0].Horizon;
        var read = rows.Where(row => row.InsertXactId is not null).ToList();
        var events = read.TakeWhile(row => row.InsertXactId < horizon).Select(row => row.ToStreamedEvent()).ToList();
        var heldBack = events.Count < read.Count;
        if (events.Count == take)
        {
            // A full batch may have more behind it: the next read starts after its last event, at once.
            return new EventStreamBatch(events, events[^1].Position, HeldBack: false, More: true);
        }
        // Every event before the horizon and the window's end has been read (sent, or not matching the filters).
        var next = (events.Count > 0 ? events[^1].Position : after).AtLeastBefore(Math.Min(windowEnd, horizon));
        return new EventStreamBatch(events, next, heldBack, More: !heldBack && windowEnd < horizon);
    }

    private static SqlFilter Filter(string? provider, string? status, string? eventType, string? subject, DateTimeOffset? from, DateTimeOffset? to) =>
        new SqlFilter()
            .When(provider, "provider = @Provider", "Provider")
            .When(status, "status = @Status", "Status")
            .When(eventType, "event_type = @EventType", "EventType")
            .When(subject is null ? null : SqlFilter.Contains(subject), @"subject ILIKE @Subject ESCAPE '\'", "Subject")
            .Within(from, to, "occurred_at");

    /// <summary>The filters of <c>GET /events</c>: the shared ones, and the provider's event id.</summary>
    private static SqlFilter ListFilter(EventListQuery query)
    {
        var filter = Filter(query.Provider, query.Status, query.EventType, query.Subject, query.From, query.To);
        if (query.ExternalEventId is not { } externalEventId)
        {
            return filter;
        }
        // external_event_id has no index of its own (it would be one more on the ingest path); the unique index on
        // idempotency_key holds "{provider}:{id}" for every event with an id, so the id is looked up there: once with a
        // provider, else once per provider. The id is compared too, so a key of another form can never match.
        var keySuffix = IdempotencyKey.SuffixFor(externalEventId);
        filter.Parameters.Add("ExternalEventId", externalEventId);
        if (query.Provider is { } provider)
        {
            filter.Parameters.Add("ExternalEventKey", $"{provider}:{keySuffix}");
            return filter.Always(
                """
                webhook_event_id = (SELECT w.id FROM webhook_events w
                                    WHERE w.idempotency_key = @ExternalEventKey AND w.external_event_id = @ExternalEventId)
                """);
        }
        filter.Parameters.Add("ExternalEventKeySuffix", keySuffix);
        return filter.Always(
            """
            webhook_event_id IN (SELECT w.id FROM webhook_events w
                                 WHERE w.idempotency_key IN (SELECT i.provider || ':' || @ExternalEventKeySuffix FROM integrations i)
                                   AND w.external_event_id = @ExternalEventId)
            """);
    }

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
                   coalesce(convert_from(w.raw_body, 'UTF8'), w.raw_payload::text) AS raw_payload, host(w.source_ip) AS source_ip, w.received_at,
                   i.verification->>'scheme' AS verification_scheme, i.verification->>'header' AS verification_header, e.trace_id
            FROM webhook_events w JOIN normalized_events e ON e.webhook_event_id = w.id
            LEFT JOIN integrations i ON i.id = e.integration_id
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
        return new EventDetail(row.ToView(), webhook.ToView(), attempts, jobs, replays, deliveries, webhook.TraceId);
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
        DateTime ReceivedAt,
        string? VerificationScheme,
        string? VerificationHeader,
        string? TraceId)
    {
        public WebhookView ToView() => new(
            ExternalEventId, IdempotencyKey, SignatureValid, ReturnedRequestHeaders.Redact(RequestHeaders, SecretHeader), new RawJson(RawPayload), SourceIp, ReceivedAt);

        private string? SecretHeader =>
            VerificationScheme is null ? null : CredentialHeaders.SecretHeader(new VerificationSettings(VerificationScheme, VerificationHeader));
    }

    private sealed record StreamStart(long Horizon, long NextTransactionId, long? FirstSince);

    /// <summary>The horizon, then one event per row (its columns null when no event is due).</summary>
    private sealed class StreamRow
    {
        public long Horizon { get; init; }
        public long? InsertXactId { get; init; }
        public Guid Id { get; init; }
        public Guid WebhookEventId { get; init; }
        public Guid IntegrationId { get; init; }
        public string Provider { get; init; } = "";
        public string EventType { get; init; } = "";
        public string? Subject { get; init; }
        public DateTime OccurredAt { get; init; }
        public string NormalizedPayload { get; init; } = "";
        public string Status { get; init; } = "";
        public int ProcessingAttempts { get; init; }
        public string? LastError { get; init; }
        public DateTime? LastProcessedAt { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
        public DateTime ReceivedAt { get; init; }

        public StreamedEvent ToStreamedEvent() => new(
            new EventStreamPosition(InsertXactId!.Value, Id),
            new EventRow(Id, WebhookEventId, IntegrationId, Provider, EventType, Subject, OccurredAt, NormalizedPayload, Status, ProcessingAttempts,
                LastError, LastProcessedAt, CreatedAt, UpdatedAt, ReceivedAt).ToView());
    }

    private sealed record StatusRow(Guid EventId, string Status, int ProcessingAttempts, string? LastError, DateTime? LastProcessedAt);
}
