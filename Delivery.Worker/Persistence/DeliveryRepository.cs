using Dapper;
using Npgsql;
using Relay.Delivery.Worker.Delivery;

namespace Relay.Delivery.Worker.Persistence;

/// <summary>
/// Fan-out, claims, lease-guarded outcome recording and the scheduler's sweeps, all in PostgreSQL. Every
/// transaction that changes a delivery's status first locks its event row, so the event's status (derived from its
/// deliveries) is computed by one writer at a time and always from committed state. Claiming is an <c>UPDATE</c>
/// with a status guard, so any number of consumers and scheduler replicas can race for a delivery and exactly one
/// wins; recording is guarded by the claim's lease, so an outcome whose lease has been taken over (worker presumed
/// dead, or the event replayed meanwhile) changes nothing.
/// </summary>
public sealed class DeliveryRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Deferred to PostgreSQL's 'infinity': held (paused or disabled destination), never due by time.</summary>
    public static readonly DateTime Held = DateTime.MaxValue;

    private const string EventColumns =
        """
        e.id AS event_id, e.integration_id, e.provider, e.event_type, e.normalized_payload::text AS payload, e.correlation_id
        """;

    private const string DestinationColumns =
        """
        (i.is_active AND i.deleted_at IS NULL) AS integration_active,
        d.id AS destination_id, d.is_default, coalesce(d.url, i.callback_url) AS url, d.headers::text AS headers_json,
        d.timeout_seconds, d.max_attempts, d.retry_schedule_ms, d.retry_jitter_percent, d.max_retry_delay_ms,
        d.rate_limit_per_second, d.paused,
        (h.disabled_at IS NOT NULL AND h.disabled_at > coalesce(d.resumed_at, '-infinity')) AS disabled,
        d.deleted_at IS NOT NULL AS deleted, d.resumed_at, d.signing_secret, d.previous_signing_secret,
        d.previous_secret_expires_at, d.event_types, d.payload_filter, d.updated_at AS destination_updated_at,
        coalesce(h.consecutive_failures, 0) AS health_failures, h.last_success_at AS health_last_success_at
        """;

    private const string CandidateColumns =
        $"""
        v.id AS delivery_id, v.status, v.attempts, v.attempt_budget_start, v.replay_request_id, v.recovery_id,
        {EventColumns}, {DestinationColumns}
        """;

    private const string CandidateJoins =
        """
        JOIN normalized_events e ON e.id = v.normalized_event_id
        JOIN destinations d ON d.id = v.destination_id
        JOIN integrations i ON i.id = d.integration_id
        LEFT JOIN destination_health h ON h.destination_id = d.id
        """;

    // The event's status follows its deliveries (aliased v): in flight wins, then a retry scheduled, then waiting
    // (new, held or deferred), then failed; processed only when every delivery succeeded (or none matched).
    private const string DerivedStatus =
        """
        CASE WHEN bool_or(v.status = 'processing') THEN 'processing'
             WHEN bool_or(v.status = 'retrying') THEN 'retrying'
             WHEN bool_or(v.status = 'pending') THEN 'pending'
             WHEN bool_or(v.status = 'failed') THEN 'failed'
             ELSE 'processed' END
        """;

    private const string DeriveEventStatusSql =
        $"""
        UPDATE normalized_events e SET status = s.status, updated_at = now()
        FROM (SELECT ev.id, {DerivedStatus} AS status
              FROM unnest(@EventIds) AS ev (id) LEFT JOIN deliveries v ON v.normalized_event_id = ev.id
              GROUP BY ev.id) s
        WHERE e.id = s.id AND e.status IS DISTINCT FROM s.status
        """;

    private const string LockEventsSql = "SELECT id FROM normalized_events WHERE id = ANY(@EventIds) ORDER BY id FOR UPDATE";

    // Pending deliveries are claimable at once on the message path (the fan-out that made them hands them over);
    // the sweep takes them, and retries, only once due, and takes over leases that expired.
    private const string ClaimSql =
        """
        UPDATE deliveries v SET status = 'processing', lease_id = gen_random_uuid(),
            lease_expires_at = now() + CAST(c.lease_seconds AS double precision) * interval '1 second', updated_at = now()
        FROM unnest(@Ids, @LeaseSeconds) AS c (id, lease_seconds)
        WHERE v.id = c.id AND (
               (v.status = 'pending' AND (@AnyTime OR v.next_attempt_at <= now()))
            OR (v.status = 'retrying' AND v.next_attempt_at <= now())
            OR (v.status = 'processing' AND v.lease_expires_at <= now()))
        RETURNING v.id, v.lease_id, v.attempts, v.attempt_budget_start, v.replay_request_id, v.recovery_id
        """;

    // The newest open job of this delivery (a scheduled retry, or the job a dead worker left running), else the
    // event's newest unassigned one (the webhook's or a replay's), else a new one.
    private const string StartJobSql =
        """
        WITH job AS (
            SELECT id FROM processing_jobs
            WHERE normalized_event_id = @EventId AND status IN ('queued', 'running') AND (delivery_id = @DeliveryId OR delivery_id IS NULL)
            ORDER BY (delivery_id IS NULL), created_at DESC, id DESC
            LIMIT 1
            FOR UPDATE
        ), started AS (
            UPDATE processing_jobs j SET status = 'running', started_at = now(), delivery_id = @DeliveryId
            FROM job WHERE j.id = job.id
            RETURNING j.id
        ), inserted AS (
            INSERT INTO processing_jobs (id, normalized_event_id, delivery_id, queue_name, triggered_by, status, attempt_no, scheduled_at, started_at)
            SELECT @NewJobId, @EventId, @DeliveryId, 'delivery', @TriggeredBy, 'running', @AttemptNo, now(), now()
            WHERE NOT EXISTS (SELECT 1 FROM started)
            RETURNING id
        )
        SELECT id FROM started UNION ALL SELECT id FROM inserted
        """;

    private const string FinishDeliverySql =
        """
        UPDATE deliveries SET
            status = @Status,
            attempts = attempts + @AttemptIncrement,
            last_error = CASE WHEN @Status = 'succeeded' THEN NULL ELSE @Error END,
            last_attempt_at = CASE WHEN @AttemptIncrement = 1 THEN now() ELSE last_attempt_at END,
            next_attempt_at = CASE WHEN @Status = 'retrying'
                THEN now() + CAST(@DelayMs AS double precision) * interval '1 millisecond' ELSE next_attempt_at END,
            lease_id = NULL, lease_expires_at = NULL, updated_at = now()
        WHERE id = @DeliveryId AND lease_id = @LeaseId
        """;

    // The attempt takes the event's next attempt number (unique per event, as the seed's attempts are).
    private const string RecordEventSql =
        $"""
        WITH derived AS (
            SELECT {DerivedStatus} AS status
            FROM deliveries v WHERE v.normalized_event_id = @EventId
        ), event AS (
            UPDATE normalized_events e SET
                status = derived.status,
                processing_attempts = e.processing_attempts + @AttemptIncrement,
                last_error = CASE WHEN derived.status = 'processed' THEN NULL WHEN @Error IS NOT NULL THEN @Error ELSE e.last_error END,
                last_processed_at = CASE WHEN derived.status = 'processed' THEN now() ELSE e.last_processed_at END, updated_at = now()
            FROM derived WHERE e.id = @EventId
            RETURNING e.processing_attempts
        )
        INSERT INTO delivery_attempts (id, normalized_event_id, integration_id, destination_id, delivery_id, attempt_no, delivery_attempt_no,
                                       status, http_status, response_body, error_message, duration_ms)
        SELECT @AttemptId, @EventId, @IntegrationId, @DestinationId, @DeliveryId, event.processing_attempts, @DeliveryAttemptNo,
               @AttemptStatus, @HttpStatus, @ResponseBody, @Error, @DurationMs
        FROM event WHERE @AttemptIncrement = 1
        """;

    private const string RecordJobsAndAuditSql =
        """
        UPDATE processing_jobs SET status = @JobStatus, completed_at = now(), error_message = @Error WHERE id = @JobId;

        INSERT INTO processing_jobs (id, normalized_event_id, delivery_id, queue_name, triggered_by, status, attempt_no, scheduled_at)
        SELECT @RetryJobId, @EventId, @DeliveryId, 'delivery-retry', 'retry', 'queued', @NextAttemptNo, next_attempt_at
        FROM deliveries WHERE id = @DeliveryId AND @NextAttemptNo IS NOT NULL;

        INSERT INTO audit_entries (entity_type, entity_id, action, actor, details)
        VALUES ('normalized_event', @EventId, @AuditAction, 'system', CAST(@AuditDetails AS jsonb));
        """;

    // A replay (or recovery) is done when every delivery it restarted is; it failed if any of them failed.
    private const string FinishReplaySql =
        """
        UPDATE replay_requests r SET
            status = CASE WHEN s.failed = 0 THEN 'completed' ELSE 'failed' END,
            processed_at = now(), failure_reason = s.reason
        FROM (SELECT count(*) FILTER (WHERE status NOT IN ('succeeded', 'failed')) AS open,
                     count(*) FILTER (WHERE status = 'failed') AS failed,
                     (array_agg(last_error ORDER BY updated_at DESC) FILTER (WHERE status = 'failed'))[1] AS reason
              FROM deliveries WHERE replay_request_id = @ReplayRequestId) s
        WHERE r.id = @ReplayRequestId AND r.status = 'dispatched' AND s.open = 0
        """;

    private const string HealthSql =
        """
        INSERT INTO destination_health AS h (destination_id, consecutive_failures, failing_since, last_success_at, last_failure_at, last_error, circuit_open_until, updated_at)
        VALUES (@DestinationId, CASE WHEN @Succeeded THEN 0 ELSE 1 END, CASE WHEN @Succeeded THEN NULL ELSE now() END,
                CASE WHEN @Succeeded THEN now() END, CASE WHEN @Succeeded THEN NULL ELSE now() END, @Error, CAST(@CircuitOpenUntil AS timestamptz), now())
        ON CONFLICT (destination_id) DO UPDATE SET
            -- A failure streak that ended in a disable starts again from nothing once an operator resumed the destination.
            consecutive_failures = CASE WHEN @Succeeded THEN 0
                WHEN h.disabled_at IS NOT NULL AND h.disabled_at <= coalesce(CAST(@ResumedAt AS timestamptz), '-infinity') THEN 1
                ELSE h.consecutive_failures + 1 END,
            failing_since = CASE WHEN @Succeeded THEN NULL
                WHEN h.disabled_at IS NOT NULL AND h.disabled_at <= coalesce(CAST(@ResumedAt AS timestamptz), '-infinity') THEN now()
                ELSE coalesce(h.failing_since, now()) END,
            last_success_at = CASE WHEN @Succeeded THEN now() ELSE h.last_success_at END,
            last_failure_at = CASE WHEN @Succeeded THEN h.last_failure_at ELSE now() END,
            last_error = CASE WHEN @Succeeded THEN h.last_error ELSE @Error END,
            disabled_at = CASE WHEN h.disabled_at IS NOT NULL AND h.disabled_at <= coalesce(CAST(@ResumedAt AS timestamptz), '-infinity') THEN NULL ELSE h.disabled_at END,
            disabled_reason = CASE WHEN h.disabled_at IS NOT NULL AND h.disabled_at <= coalesce(CAST(@ResumedAt AS timestamptz), '-infinity') THEN NULL ELSE h.disabled_reason END,
            circuit_open_until = CAST(@CircuitOpenUntil AS timestamptz),
            updated_at = now()
        RETURNING consecutive_failures, failing_since, disabled_at IS NOT NULL AS disabled
        """;

    private const string DisableSql =
        """
        UPDATE destination_health SET disabled_at = now(), disabled_reason = @Reason, updated_at = now() WHERE destination_id = @DestinationId;
        INSERT INTO audit_entries (entity_type, entity_id, action, actor, details)
        VALUES ('destination', @DestinationId, 'destination.disabled', 'system', CAST(@AuditDetails AS jsonb));
        """;

    /// <summary>
    /// Creates the event's deliveries, one per destination <paramref name="choose"/> keeps, unless the event was
    /// fanned out already (a redelivered message). An event whose fan-out was reset by a replay gets its deliveries
    /// restarted with a fresh retry budget (an attempt in flight then loses its lease). Returns the deliveries made
    /// or restarted, pending and ready to claim; null if the event does not exist.
    /// </summary>
    public async Task<FanOutResult?> FanOutAsync(Guid eventId, Func<IReadOnlyList<DeliveryCandidate>, IReadOnlyList<DeliveryCandidate>> choose, Func<IReadOnlyList<DeliveryCandidate>, ClaimPlan> plan, TimeSpan pendingGrace, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var fannedOut = await connection.QuerySingleOrDefaultAsync<(Guid Id, DateTime? FannedOutAt, Guid? ReplayRequestId, string CorrelationId)?>(new CommandDefinition(
            "SELECT id, fanned_out_at, replay_request_id, correlation_id FROM normalized_events WHERE id = @eventId FOR UPDATE",
            new { eventId }, transaction, cancellationToken: cancellationToken));
        if (fannedOut is not { } row)
        {
            return null;
        }
        if (row.FannedOutAt is not null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new FanOutResult([], [], AlreadyFannedOut: true);
        }

        // Every live destination of the integration, as a candidate of a delivery that does not exist yet.
        var destinations = (await connection.QueryAsync<DeliveryCandidate>(new CommandDefinition(
            $"""
            SELECT gen_random_uuid() AS delivery_id, 'pending' AS status, 0 AS attempts, 0 AS attempt_budget_start,
                   e.replay_request_id, NULL::uuid AS recovery_id, {EventColumns}, {DestinationColumns}
            FROM normalized_events e
            JOIN destinations d ON d.integration_id = e.integration_id AND d.deleted_at IS NULL
            JOIN integrations i ON i.id = d.integration_id
            LEFT JOIN destination_health h ON h.destination_id = d.id
            WHERE e.id = @eventId
            ORDER BY d.created_at, d.id
            """, new { eventId }, transaction, cancellationToken: cancellationToken))).AsList();
        var chosen = choose(destinations);

        var restarted = (await connection.QueryAsync<(Guid Id, Guid DestinationId, int Attempts, int AttemptBudgetStart)>(new CommandDefinition(
            """
            INSERT INTO deliveries AS v (id, normalized_event_id, destination_id, status, attempts, attempt_budget_start, next_attempt_at, replay_request_id, created_at, updated_at)
            SELECT c.id, @eventId, c.destination_id, 'pending', 0, 0, now() + CAST(@graceSeconds AS double precision) * interval '1 second', @replayRequestId, now(), now()
            FROM unnest(@ids, @destinationIds) AS c (id, destination_id)
            ON CONFLICT (normalized_event_id, destination_id) DO UPDATE SET
                status = 'pending', attempt_budget_start = v.attempts, next_attempt_at = excluded.next_attempt_at,
                lease_id = NULL, lease_expires_at = NULL, replay_request_id = excluded.replay_request_id, recovery_id = NULL, updated_at = now()
            RETURNING v.id, v.destination_id, v.attempts, v.attempt_budget_start
            """, new
            {
                eventId,
                ids = chosen.Select(c => c.DeliveryId).ToArray(),
                destinationIds = chosen.Select(c => c.DestinationId).ToArray(),
                graceSeconds = pendingGrace.TotalSeconds,
                replayRequestId = row.ReplayRequestId,
            }, transaction, cancellationToken: cancellationToken))).ToDictionary(r => r.DestinationId);

        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE normalized_events SET fanned_out_at = now() WHERE id = @eventId; {DeriveEventStatusSql}",
            new { eventId, EventIds = new[] { eventId } }, transaction, cancellationToken: cancellationToken));
        if (chosen.Count == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO audit_entries (entity_type, entity_id, action, actor, details)
                VALUES ('normalized_event', @eventId, 'event.processed', 'system', CAST(@details AS jsonb));
                UPDATE replay_requests SET status = 'completed', processed_at = now() WHERE id = @replayRequestId AND status = 'dispatched';
                """, new
                {
                    eventId,
                    replayRequestId = row.ReplayRequestId,
                    details = System.Text.Json.JsonSerializer.Serialize(new { destinations = 0, correlationId = row.CorrelationId, replayRequestId = row.ReplayRequestId }, System.Text.Json.JsonSerializerOptions.Web),
                }, transaction, cancellationToken: cancellationToken));
        }
        var made = chosen.Select(c => restarted.TryGetValue(c.DestinationId, out var r)
            ? c with { DeliveryId = r.Id, Attempts = r.Attempts, AttemptBudgetStart = r.AttemptBudgetStart }
            : c).ToList();
        // The new deliveries are claimed in the same transaction: one commit instead of two on the busiest path.
        var claims = await ClaimInAsync(connection, transaction, plan(made), anyTime: true, cancellationToken);
        await transaction.CommitAsync(CancellationToken.None);
        return new FanOutResult(made, claims, AlreadyFannedOut: false);
    }

    /// <summary>A live destination as a delivery target for a test event that is not stored anywhere.</summary>
    public async Task<DeliveryCandidate?> FindDestinationAsync(Guid destinationId, Guid testId, string eventType, string payload, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DeliveryCandidate>(new CommandDefinition(
            $"""
            SELECT @testId AS delivery_id, @testId AS event_id, i.id AS integration_id, i.provider, @eventType AS event_type, @payload AS payload,
                   'test:' || @testId::text AS correlation_id, 'pending' AS status, 0 AS attempts, 0 AS attempt_budget_start,
                   {DestinationColumns}
            FROM destinations d
            JOIN integrations i ON i.id = d.integration_id
            LEFT JOIN destination_health h ON h.destination_id = d.id
            WHERE d.id = @destinationId AND d.deleted_at IS NULL
            """, new { destinationId, testId, eventType, payload }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Starts (or, after a crash, continues) a recovery: returns its destination, its start time and how many failed
    /// deliveries it covers; null if it is unknown or finished.
    /// </summary>
    public async Task<(Guid DestinationId, DateTime Since)?> StartRecoveryAsync(Guid recoveryId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<(Guid, DateTime)?>(new CommandDefinition(
            """
            UPDATE destination_recoveries r SET status = 'running', started_at = coalesce(r.started_at, now()),
                total = coalesce(r.total, (SELECT count(*) FROM deliveries v
                                           WHERE v.destination_id = r.destination_id AND v.status = 'failed' AND v.created_at >= r.since))
            WHERE r.id = @recoveryId AND r.status IN ('queued', 'running')
            RETURNING r.destination_id, r.since
            """, new { recoveryId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Restarts up to <paramref name="batchSize"/> of the destination's failed deliveries since the recovery's start
    /// time with a fresh retry budget, due now, and counts them as requeued. A delivery this recovery restarted
    /// already is not taken again, even if it failed again. Returns how many it restarted.
    /// </summary>
    public async Task<int> RequeueRecoveryBatchAsync(Guid recoveryId, Guid destinationId, DateTime since, int batchSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var batch = (await connection.QueryAsync<(Guid Id, Guid EventId)>(new CommandDefinition(
            """
            SELECT id, normalized_event_id FROM deliveries
            WHERE destination_id = @destinationId AND status = 'failed' AND created_at >= @since AND recovery_id IS DISTINCT FROM @recoveryId
            ORDER BY normalized_event_id LIMIT @batchSize
            """, new { destinationId, since, recoveryId, batchSize }, cancellationToken: cancellationToken))).AsList();
        if (batch.Count == 0)
        {
            return 0;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var eventIds = batch.Select(row => row.EventId).Distinct().ToArray();
        await connection.ExecuteAsync(new CommandDefinition(LockEventsSql, new { EventIds = eventIds }, transaction, cancellationToken: cancellationToken));
        var requeued = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE deliveries SET status = 'pending', attempt_budget_start = attempts, next_attempt_at = now(),
                recovery_id = @recoveryId, replay_request_id = NULL, updated_at = now()
            WHERE id = ANY(@ids) AND status = 'failed'
            """, new { ids = batch.Select(row => row.Id).ToArray(), recoveryId }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            $"{DeriveEventStatusSql}; UPDATE destination_recoveries SET requeued = requeued + @requeued WHERE id = @recoveryId",
            new { EventIds = eventIds, requeued, recoveryId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        // A batch whose deliveries all changed meanwhile (another claim took them) still made progress: they left 'failed'.
        return Math.Max(requeued, 1);
    }

    public async Task FinishRecoveryAsync(Guid recoveryId, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE destination_recoveries SET status = CASE WHEN @error IS NULL THEN 'completed' ELSE 'failed' END, error = @error, completed_at = now()
            WHERE id = @recoveryId AND status = 'running';
            INSERT INTO audit_entries (entity_type, entity_id, action, actor, details)
            SELECT 'destination', destination_id, 'destination.recovery_completed', 'system',
                   jsonb_build_object('recoveryId', id, 'total', total, 'requeued', requeued, 'error', error)
            FROM destination_recoveries WHERE id = @recoveryId;
            """, new { recoveryId, error }, cancellationToken: cancellationToken));
    }

    /// <summary>Events accepted (or replayed) whose message never came: not fanned out well after they were made due.</summary>
    public async Task<IReadOnlyList<Guid>> FindStrandedEventsAsync(int limit, TimeSpan pendingGrace, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(
            """
            SELECT id FROM normalized_events
            WHERE fanned_out_at IS NULL AND next_attempt_at <= now() - CAST(@graceSeconds AS double precision) * interval '1 second'
            ORDER BY next_attempt_at LIMIT @limit
            """, new { limit, graceSeconds = pendingGrace.TotalSeconds }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>
    /// Deliveries the scheduler owns: due retries, deliveries whose fan-out never handed them over (or that were
    /// deferred or released), and those whose worker died mid-attempt (lease expired). Read, not claimed.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryCandidate>> FindDueAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<DeliveryCandidate>(new CommandDefinition(
            $"""
            SELECT {CandidateColumns}
            FROM (
                (SELECT id, next_attempt_at AS due FROM deliveries WHERE status IN ('pending', 'retrying') AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT @limit)
                UNION ALL
                (SELECT id, lease_expires_at AS due FROM deliveries WHERE status = 'processing' AND lease_expires_at <= now() ORDER BY lease_expires_at LIMIT @limit)
            ) due
            JOIN deliveries v ON v.id = due.id
            {CandidateJoins}
            ORDER BY due.due
            LIMIT @limit
            """, new { limit }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>
    /// Carries out a <see cref="ClaimPlan"/> in one transaction: puts off its deferrals (no attempt counted; a
    /// delivery some claim took meanwhile is left alone, one whose lease had expired goes back to pending), claims
    /// its deliveries that are still claimable (see <see cref="ClaimSql"/>), starts their jobs and marks their events
    /// in flight. <paramref name="anyTime"/>: pending ones need not be due (a fan-out just made them).
    /// </summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(ClaimPlan plan, bool anyTime, CancellationToken cancellationToken)
    {
        if (plan.Claims.Count == 0 && plan.Deferrals.Count == 0)
        {
            return [];
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claims = await ClaimInAsync(connection, transaction, plan, anyTime, cancellationToken);
        // Once committed the claims must be delivered, so the commit is not cancellable half-way by shutdown.
        await transaction.CommitAsync(CancellationToken.None);
        return claims;
    }

    private static async Task<IReadOnlyList<ClaimedDelivery>> ClaimInAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimPlan plan, bool anyTime, CancellationToken cancellationToken)
    {
        if (plan.Deferrals.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE deliveries v SET next_attempt_at = CASE WHEN c.held THEN 'infinity' ELSE c.until END,
                    status = CASE WHEN v.status = 'processing' THEN 'pending' ELSE v.status END,
                    lease_id = NULL, lease_expires_at = NULL, updated_at = now()
                FROM unnest(@Ids, @Untils, @Held) AS c (id, until, held)
                WHERE v.id = c.id AND (v.status IN ('pending', 'retrying') OR (v.status = 'processing' AND v.lease_expires_at <= now()))
                """, new
                {
                    Ids = plan.Deferrals.Select(d => d.DeliveryId).ToArray(),
                    Untils = plan.Deferrals.Select(d => d.Until == Held ? DateTime.UnixEpoch : d.Until).ToArray(),
                    Held = plan.Deferrals.Select(d => d.Until == Held).ToArray(),
                }, transaction, cancellationToken: cancellationToken));
        }
        if (plan.Claims.Count == 0)
        {
            return [];
        }

        var byId = plan.Claims.ToDictionary(c => c.Candidate.DeliveryId, c => c.Candidate);
        List<(Guid Id, Guid LeaseId, int Attempts, int AttemptBudgetStart, Guid? ReplayRequestId, Guid? RecoveryId)> rows;
        await using (var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"{LockEventsSql}; {ClaimSql}; {DeriveEventStatusSql}",
            new
            {
                EventIds = byId.Values.Select(c => c.EventId).Distinct().ToArray(),
                Ids = plan.Claims.Select(c => c.Candidate.DeliveryId).ToArray(),
                LeaseSeconds = plan.Claims.Select(c => c.Lease.TotalSeconds).ToArray(),
                AnyTime = anyTime,
            }, transaction, cancellationToken: cancellationToken)))
        {
            await results.ReadAsync<Guid>();
            rows = (await results.ReadAsync<(Guid, Guid, int, int, Guid?, Guid?)>()).AsList();
        }

        var claims = new List<ClaimedDelivery>(rows.Count);
        foreach (var row in rows)
        {
            var candidate = byId[row.Id];
            var triggeredBy = row.Attempts > row.AttemptBudgetStart ? "retry" : row.ReplayRequestId is not null || row.RecoveryId is not null ? "replay" : "webhook";
            var jobId = await connection.QuerySingleAsync<Guid>(new CommandDefinition(StartJobSql, new
            {
                candidate.EventId,
                DeliveryId = row.Id,
                NewJobId = Guid.CreateVersion7(),
                TriggeredBy = triggeredBy,
                AttemptNo = row.Attempts + 1,
            }, transaction, cancellationToken: cancellationToken));
            claims.Add(new ClaimedDelivery(candidate, row.LeaseId, row.Attempts, row.AttemptBudgetStart, row.ReplayRequestId, row.RecoveryId, jobId));
        }
        return claims;
    }

    /// <summary>Makes every delivery held for the destination due now (an operator resumed it).</summary>
    public async Task<int> ReleaseHeldAsync(Guid destinationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE deliveries SET next_attempt_at = now(), updated_at = now()
            WHERE destination_id = @destinationId AND status IN ('pending', 'retrying') AND next_attempt_at = 'infinity'
            """, new { destinationId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Records an attempt and its consequences in one transaction: the delivery, the event (attempt count and derived
    /// status), the attempt row, the job (and the next one for a retry), the audit entry, the replay request, and the
    /// destination's health (disabling it after 410 Gone or a long failure streak). Returns false, writing nothing,
    /// if the lease was lost.
    /// </summary>
    public async Task<RecordResult> RecordAsync(ClaimedDelivery claim, DeliveryAttemptResult result, DeliveryVerdict verdict, RecordContext context, CancellationToken cancellationToken)
    {
        var status = verdict.Kind switch
        {
            DeliveryVerdictKind.Processed => "succeeded",
            DeliveryVerdictKind.RetryScheduled => "retrying",
            _ => "failed",
        };
        var error = verdict.Kind == DeliveryVerdictKind.Processed ? null : result.Error;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(LockEventsSql, new { EventIds = new[] { claim.EventId } }, transaction, cancellationToken: cancellationToken));
        var updated = await connection.ExecuteAsync(new CommandDefinition(FinishDeliverySql, new
        {
            claim.DeliveryId,
            claim.LeaseId,
            Status = status,
            AttemptIncrement = result.Attempted ? 1 : 0,
            Error = error,
            DelayMs = verdict.Delay?.TotalMilliseconds ?? 0,
        }, transaction, cancellationToken: cancellationToken));
        if (updated == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return RecordResult.LeaseLost;
        }

        await connection.ExecuteAsync(new CommandDefinition($"{RecordEventSql}; {RecordJobsAndAuditSql}", new
        {
            claim.EventId,
            claim.DeliveryId,
            claim.Target.IntegrationId,
            claim.Target.DestinationId,
            AttemptIncrement = result.Attempted ? 1 : 0,
            Error = error,
            AttemptId = Guid.CreateVersion7(),
            DeliveryAttemptNo = verdict.AttemptNo,
            AttemptStatus = result.Succeeded ? "success" : "failed",
            result.HttpStatus,
            result.ResponseBody,
            result.DurationMs,
            claim.JobId,
            JobStatus = verdict.Kind == DeliveryVerdictKind.Processed ? "succeeded" : "failed",
            RetryJobId = Guid.CreateVersion7(),
            verdict.NextAttemptNo,
            AuditAction = context.AuditAction,
            AuditDetails = context.AuditDetails,
        }, transaction, cancellationToken: cancellationToken));

        if (verdict.Kind != DeliveryVerdictKind.RetryScheduled && claim.ReplayRequestId is { } replayRequestId)
        {
            await connection.ExecuteAsync(new CommandDefinition(FinishReplaySql, new { ReplayRequestId = replayRequestId }, transaction, cancellationToken: cancellationToken));
        }

        string? disabledReason = null;
        if (result.Attempted && HealthChanges(claim.Target, result, context.Now))
        {
            var health = await connection.QuerySingleAsync<(int ConsecutiveFailures, DateTime? FailingSince, bool Disabled)>(new CommandDefinition(HealthSql, new
            {
                claim.Target.DestinationId,
                result.Succeeded,
                Error = error,
                CircuitOpenUntil = context.CircuitOpenUntil?.UtcDateTime,
                claim.Target.ResumedAt,
            }, transaction, cancellationToken: cancellationToken));
            disabledReason = health.Disabled ? null : DisableReason(result, health.ConsecutiveFailures, health.FailingSince, context);
            if (disabledReason is not null)
            {
                await connection.ExecuteAsync(new CommandDefinition(DisableSql, new
                {
                    claim.Target.DestinationId,
                    Reason = disabledReason,
                    AuditDetails = System.Text.Json.JsonSerializer.Serialize(new
                    {
                        reason = disabledReason,
                        consecutiveFailures = health.ConsecutiveFailures,
                        failingSince = health.FailingSince,
                        eventId = claim.EventId,
                    }, System.Text.Json.JsonSerializerOptions.Web),
                }, transaction, cancellationToken: cancellationToken));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return new RecordResult(true, disabledReason);
    }

    /// <summary>
    /// Whether this outcome changes what destination_health says. Every delivery to a destination would otherwise
    /// write its one row, and the row lock would serialize them all; so a success is written only when it ends a
    /// failure streak or <c>last_success_at</c> is older than <see cref="LastSuccessResolution"/>.
    /// </summary>
    internal static bool HealthChanges(DeliveryCandidate target, DeliveryAttemptResult result, DateTimeOffset now) =>
        !result.Succeeded || target.HealthFailures > 0 || target.HealthLastSuccessAt is not { } last
        || now - new DateTimeOffset(DateTime.SpecifyKind(last, DateTimeKind.Utc)) > LastSuccessResolution;

    internal static readonly TimeSpan LastSuccessResolution = TimeSpan.FromSeconds(30);

    internal static string? DisableReason(DeliveryAttemptResult result, int consecutiveFailures, DateTime? failingSince, RecordContext context)
    {
        if (result.Succeeded)
        {
            return null;
        }
        if (result.Gone)
        {
            return "The receiver answered 410 Gone";
        }
        if (consecutiveFailures >= context.DisableAfterFailures && failingSince is { } since
            && context.Now - new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc)) >= context.DisableAfterPeriod)
        {
            return $"{consecutiveFailures} consecutive failed attempts since {since:O}";
        }
        return null;
    }
}

/// <summary>The deliveries a fan-out made or restarted (none if the event had been fanned out already), and those of them it claimed.</summary>
public sealed record FanOutResult(IReadOnlyList<DeliveryCandidate> Deliveries, IReadOnlyList<ClaimedDelivery> Claims, bool AlreadyFannedOut);

/// <summary>What may go now (with the lease each claim takes) and what is put off until when (<see cref="DeliveryRepository.Held"/>: until resumed).</summary>
public sealed record ClaimPlan(IReadOnlyList<(DeliveryCandidate Candidate, TimeSpan Lease)> Claims, IReadOnlyList<(Guid DeliveryId, DateTime Until)> Deferrals);

/// <summary>What recording needs besides the outcome: the audit entry, the breaker's state and the auto-disable rule.</summary>
public sealed record RecordContext(string AuditAction, string AuditDetails, DateTimeOffset? CircuitOpenUntil, int DisableAfterFailures, TimeSpan DisableAfterPeriod, DateTimeOffset Now);

/// <param name="DisabledReason">Set when this outcome disabled the destination.</param>
public sealed record RecordResult(bool Recorded, string? DisabledReason)
{
    public static RecordResult LeaseLost { get; } = new(false, null);
}
