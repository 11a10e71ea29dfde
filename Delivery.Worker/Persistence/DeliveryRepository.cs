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

    // Each claimed delivery runs as a job: its own newest open one (a scheduled retry, or the job a dead worker
    // left running), else one of its event's unassigned ones (the webhook's or a replay's; newest first, in claim
    // order, as claiming them one by one would), else a new one. Returns (delivery_id, job id).
    private const string StartJobsSql =
        """
        WITH c AS (
            SELECT * FROM unnest(@JobEventIds, @JobDeliveryIds, @NewJobIds, @TriggeredBy, @AttemptNos)
                WITH ORDINALITY AS c (event_id, delivery_id, new_job_id, triggered_by, attempt_no, ord)
        ), own AS (
            SELECT DISTINCT ON (c.delivery_id) c.delivery_id, j.id
            FROM c JOIN processing_jobs j ON j.normalized_event_id = c.event_id AND j.delivery_id = c.delivery_id AND j.status IN ('queued', 'running')
            ORDER BY c.delivery_id, j.created_at DESC, j.id DESC
        ), unassigned AS (
            SELECT j.id, j.normalized_event_id, row_number() OVER (PARTITION BY j.normalized_event_id ORDER BY j.created_at DESC, j.id DESC) AS n
            FROM processing_jobs j
            WHERE j.normalized_event_id IN (SELECT event_id FROM c) AND j.delivery_id IS NULL AND j.status IN ('queued', 'running')
        ), needy AS (
            SELECT c.delivery_id, c.event_id, row_number() OVER (PARTITION BY c.event_id ORDER BY c.ord) AS n
            FROM c WHERE NOT EXISTS (SELECT 1 FROM own WHERE own.delivery_id = c.delivery_id)
        ), picked AS (
            SELECT delivery_id, id FROM own
            UNION ALL
            SELECT needy.delivery_id, u.id FROM needy JOIN unassigned u ON u.normalized_event_id = needy.event_id AND u.n = needy.n
        ), started AS (
            UPDATE processing_jobs j SET status = 'running', started_at = now(), delivery_id = p.delivery_id
            FROM picked p WHERE j.id = p.id
            RETURNING p.delivery_id, j.id
        ), inserted AS (
            INSERT INTO processing_jobs (id, normalized_event_id, delivery_id, queue_name, triggered_by, status, attempt_no, scheduled_at, started_at)
            SELECT c.new_job_id, c.event_id, c.delivery_id, 'delivery', c.triggered_by, 'running', c.attempt_no, now(), now()
            FROM c WHERE NOT EXISTS (SELECT 1 FROM picked p WHERE p.delivery_id = c.delivery_id)
            RETURNING delivery_id, id
        )
        SELECT delivery_id, id FROM started UNION ALL SELECT delivery_id, id FROM inserted
        """;

    // Lease-guarded: an outcome whose lease was taken over (replayed, or presumed dead) changes nothing. Returns the
    // deliveries it finished.
    private const string FinishDeliveriesSql =
        """
        UPDATE deliveries v SET
            status = o.status,
            attempts = v.attempts + CASE WHEN o.attempted THEN 1 ELSE 0 END,
            last_error = CASE WHEN o.status = 'succeeded' THEN NULL ELSE o.error END,
            last_attempt_at = CASE WHEN o.attempted THEN now() ELSE v.last_attempt_at END,
            next_attempt_at = CASE WHEN o.status = 'retrying'
                THEN now() + CAST(o.delay_ms AS double precision) * interval '1 millisecond' ELSE v.next_attempt_at END,
            lease_id = NULL, lease_expires_at = NULL, updated_at = now()
        FROM unnest(@DeliveryIds, @LeaseIds, @Statuses, @Attempted, @Errors, @DelayMs) AS o (delivery_id, lease_id, status, attempted, error, delay_ms)
        WHERE v.id = o.delivery_id AND v.lease_id = o.lease_id
        RETURNING v.id
        """;

    // The recorded outcomes (aliased o, in the batch's order): each event's attempt count and derived status, one
    // attempt row per attempt (numbered on from the event's count, unique per event as the seed's attempts are),
    // the jobs (and the next one for a retry), the audit entries and the replays they may finish.
    private const string RecordOutcomesSql =
        $"""
        WITH o AS (
            SELECT * FROM unnest(@EventIds, @DeliveryIds, @IntegrationIds, @DestinationIds, @Attempted, @Errors, @AttemptIds,
                                 @DeliveryAttemptNos, @AttemptStatuses, @HttpStatuses, @ResponseBodies, @DurationsMs)
                WITH ORDINALITY AS o (event_id, delivery_id, integration_id, destination_id, attempted, error, attempt_id,
                                      delivery_attempt_no, attempt_status, http_status, response_body, duration_ms, ord)
        ), per_event AS (
            SELECT o.event_id, count(*) FILTER (WHERE o.attempted) AS attempts,
                   (array_agg(o.error ORDER BY o.ord DESC) FILTER (WHERE o.error IS NOT NULL))[1] AS error
            FROM o GROUP BY o.event_id
        ), derived AS (
            SELECT p.event_id, p.attempts, p.error,
                   (SELECT {DerivedStatus} FROM deliveries v WHERE v.normalized_event_id = p.event_id) AS status
            FROM per_event p
        ), event AS (
            UPDATE normalized_events e SET
                status = d.status,
                processing_attempts = e.processing_attempts + d.attempts,
                last_error = CASE WHEN d.status = 'processed' THEN NULL WHEN d.error IS NOT NULL THEN d.error ELSE e.last_error END,
                last_processed_at = CASE WHEN d.status = 'processed' THEN now() ELSE e.last_processed_at END, updated_at = now()
            FROM derived d WHERE e.id = d.event_id
            RETURNING e.id, e.processing_attempts - d.attempts AS attempts_before
        )
        INSERT INTO delivery_attempts (id, normalized_event_id, integration_id, destination_id, delivery_id, attempt_no, delivery_attempt_no,
                                       status, http_status, response_body, error_message, duration_ms)
        SELECT o.attempt_id, o.event_id, o.integration_id, o.destination_id, o.delivery_id,
               event.attempts_before + row_number() OVER (PARTITION BY o.event_id ORDER BY o.ord), o.delivery_attempt_no,
               o.attempt_status, o.http_status, o.response_body, o.error, o.duration_ms
        FROM o JOIN event ON event.id = o.event_id
        WHERE o.attempted
        ORDER BY o.ord;

        UPDATE processing_jobs j SET status = o.job_status, completed_at = now(), error_message = o.error
        FROM unnest(@JobIds, @JobStatuses, @Errors) AS o (job_id, job_status, error)
        WHERE j.id = o.job_id;

        INSERT INTO processing_jobs (id, normalized_event_id, delivery_id, queue_name, triggered_by, status, attempt_no, scheduled_at)
        SELECT o.retry_job_id, o.event_id, o.delivery_id, 'delivery-retry', 'retry', 'queued', o.next_attempt_no, v.next_attempt_at
        FROM unnest(@RetryJobIds, @EventIds, @DeliveryIds, @NextAttemptNos) WITH ORDINALITY AS o (retry_job_id, event_id, delivery_id, next_attempt_no, ord)
        JOIN deliveries v ON v.id = o.delivery_id
        WHERE o.next_attempt_no IS NOT NULL
        ORDER BY o.ord;

        INSERT INTO audit_entries (entity_type, entity_id, action, actor, details)
        SELECT 'normalized_event', o.event_id, o.action, 'system', CAST(o.details AS jsonb)
        FROM unnest(@EventIds, @AuditActions, @AuditDetails) WITH ORDINALITY AS o (event_id, action, details, ord)
        ORDER BY o.ord;

        {FinishReplaysSql};
        """;

    // A replay (or recovery) is done when every delivery it restarted is; it failed if any of them failed.
    private const string FinishReplaysSql =
        """
        UPDATE replay_requests r SET
            status = CASE WHEN s.failed = 0 THEN 'completed' ELSE 'failed' END,
            processed_at = now(), failure_reason = s.reason
        FROM (SELECT replay_request_id,
                     count(*) FILTER (WHERE status NOT IN ('succeeded', 'failed')) AS open,
                     count(*) FILTER (WHERE status = 'failed') AS failed,
                     (array_agg(last_error ORDER BY updated_at DESC) FILTER (WHERE status = 'failed'))[1] AS reason
              FROM deliveries WHERE replay_request_id = ANY(@ReplayRequestIds) GROUP BY replay_request_id) s
        WHERE r.id = s.replay_request_id AND r.status = 'dispatched' AND s.open = 0
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
    /// Fans out a batch of events in one transaction: creates each event's deliveries, one per destination
    /// <paramref name="choose"/> keeps for it, unless the event was fanned out already (a redelivered message). An
    /// event whose fan-out was reset by a replay gets its deliveries restarted with a fresh retry budget (an attempt
    /// in flight then loses its lease). What was made is claimed in the same transaction, as <paramref name="plan"/>
    /// (called once, for all the batch's deliveries) decides. Returns one result per event, in order: the deliveries
    /// made or restarted and those of them claimed; null if the event does not exist.
    /// </summary>
    public async Task<IReadOnlyList<FanOutResult?>> FanOutAsync(IReadOnlyList<Guid> eventIds, Func<IReadOnlyList<DeliveryCandidate>, IReadOnlyList<DeliveryCandidate>> choose, Func<IReadOnlyList<DeliveryCandidate>, ClaimPlan> plan, TimeSpan pendingGrace, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = eventIds.Distinct().ToArray();
        var events = (await connection.QueryAsync<(Guid Id, DateTime? FannedOutAt, Guid? ReplayRequestId, string CorrelationId)>(new CommandDefinition(
            "SELECT id, fanned_out_at, replay_request_id, correlation_id FROM normalized_events WHERE id = ANY(@ids) ORDER BY id FOR UPDATE",
            new { ids }, transaction, cancellationToken: cancellationToken))).ToDictionary(row => row.Id);
        var toFanOut = events.Values.Where(row => row.FannedOutAt is null).Select(row => row.Id).ToArray();
        var made = new Dictionary<Guid, List<DeliveryCandidate>>();
        if (toFanOut.Length > 0)
        {
            // Every live destination of each event's integration, as a candidate of a delivery that does not exist yet.
            var destinations = (await connection.QueryAsync<DeliveryCandidate>(new CommandDefinition(
                $"""
                SELECT gen_random_uuid() AS delivery_id, 'pending' AS status, 0 AS attempts, 0 AS attempt_budget_start,
                       e.replay_request_id, NULL::uuid AS recovery_id, {EventColumns}, {DestinationColumns}
                FROM normalized_events e
                JOIN destinations d ON d.integration_id = e.integration_id AND d.deleted_at IS NULL
                JOIN integrations i ON i.id = d.integration_id
                LEFT JOIN destination_health h ON h.destination_id = d.id
                WHERE e.id = ANY(@toFanOut)
                ORDER BY e.id, d.created_at, d.id
                """, new { toFanOut }, transaction, cancellationToken: cancellationToken))).ToLookup(candidate => candidate.EventId);
            var chosen = toFanOut.SelectMany(eventId => choose(destinations[eventId].ToList())).ToList();

            var restarted = (await connection.QueryAsync<(Guid Id, Guid EventId, Guid DestinationId, int Attempts, int AttemptBudgetStart)>(new CommandDefinition(
                """
                INSERT INTO deliveries AS v (id, normalized_event_id, destination_id, status, attempts, attempt_budget_start, next_attempt_at, replay_request_id, created_at, updated_at)
                SELECT c.id, c.event_id, c.destination_id, 'pending', 0, 0, now() + CAST(@graceSeconds AS double precision) * interval '1 second', c.replay_request_id, now(), now()
                FROM unnest(@ids, @eventIds, @destinationIds, @replayRequestIds) AS c (id, event_id, destination_id, replay_request_id)
                ON CONFLICT (normalized_event_id, destination_id) DO UPDATE SET
                    status = 'pending', attempt_budget_start = v.attempts, next_attempt_at = excluded.next_attempt_at,
                    lease_id = NULL, lease_expires_at = NULL, replay_request_id = excluded.replay_request_id, recovery_id = NULL, updated_at = now()
                RETURNING v.id, v.normalized_event_id, v.destination_id, v.attempts, v.attempt_budget_start
                """, new
                {
                    ids = chosen.Select(c => c.DeliveryId).ToArray(),
                    eventIds = chosen.Select(c => c.EventId).ToArray(),
                    destinationIds = chosen.Select(c => c.DestinationId).ToArray(),
                    replayRequestIds = chosen.Select(c => c.ReplayRequestId).ToArray(),
                    graceSeconds = pendingGrace.TotalSeconds,
                }, transaction, cancellationToken: cancellationToken))).ToDictionary(r => (r.EventId, r.DestinationId));
            foreach (var eventId in toFanOut)
            {
                made[eventId] = [];
            }
            foreach (var candidate in chosen)
            {
                made[candidate.EventId].Add(restarted.TryGetValue((candidate.EventId, candidate.DestinationId), out var r)
                    ? candidate with { DeliveryId = r.Id, Attempts = r.Attempts, AttemptBudgetStart = r.AttemptBudgetStart }
                    : candidate);
            }

            // An event no destination wants is processed at once (and its replay, if any, completed).
            var unmatched = toFanOut.Where(eventId => made[eventId].Count == 0).Select(eventId => events[eventId]).ToList();
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                UPDATE normalized_events SET fanned_out_at = now() WHERE id = ANY(@EventIds);
                {DeriveEventStatusSql};
                INSERT INTO audit_entries (entity_type, entity_id, action, actor, details)
                SELECT 'normalized_event', u.id, 'event.processed', 'system', CAST(u.details AS jsonb)
                FROM unnest(@UnmatchedIds, @UnmatchedDetails) WITH ORDINALITY AS u (id, details, ord) ORDER BY u.ord;
                UPDATE replay_requests SET status = 'completed', processed_at = now() WHERE id = ANY(@UnmatchedReplayIds) AND status = 'dispatched';
                """, new
                {
                    EventIds = toFanOut,
                    UnmatchedIds = unmatched.Select(row => row.Id).ToArray(),
                    UnmatchedDetails = unmatched.Select(row => System.Text.Json.JsonSerializer.Serialize(
                        new { destinations = 0, correlationId = row.CorrelationId, replayRequestId = row.ReplayRequestId }, System.Text.Json.JsonSerializerOptions.Web)).ToArray(),
                    UnmatchedReplayIds = unmatched.Where(row => row.ReplayRequestId is not null).Select(row => row.ReplayRequestId!.Value).ToArray(),
                }, transaction, cancellationToken: cancellationToken));
        }

        // The new deliveries are claimed in the same transaction: one commit instead of two on the busiest path.
        var claims = await ClaimInAsync(connection, transaction, plan(made.Values.SelectMany(list => list).ToList()), anyTime: true, cancellationToken);
        await transaction.CommitAsync(CancellationToken.None);
        // An event twice in the batch (its message and the stranded sweep, or a redelivery) is fanned out once: only
        // its first caller gets the claims to deliver.
        var claimsByEvent = claims.ToLookup(claim => claim.EventId);
        var answered = new HashSet<Guid>();
        return eventIds.Select(eventId => !events.ContainsKey(eventId) ? null
            : answered.Add(eventId) && made.TryGetValue(eventId, out var deliveries) ? new FanOutResult(deliveries, claimsByEvent[eventId].ToList(), AlreadyFannedOut: false)
            : FanOutResult.FannedOutAlready).ToList();
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

    /// <summary>
    /// What the scheduler owns, read in one round trip and not claimed: events accepted (or replayed) whose message
    /// never came (not fanned out well after they were made due); due deliveries (retries, deliveries whose fan-out
    /// never handed them over, deferred or released ones, and those whose worker died mid-attempt: lease expired);
    /// and how long until the next of any of these becomes due (at most an hour; zero when due ones were left).
    /// </summary>
    public async Task<SchedulerSweep> SweepAsync(int strandedLimit, int dueLimit, TimeSpan pendingGrace, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT id FROM normalized_events
            WHERE fanned_out_at IS NULL AND next_attempt_at <= now() - CAST(@graceSeconds AS double precision) * interval '1 second'
            ORDER BY next_attempt_at LIMIT @strandedLimit;

            SELECT {CandidateColumns}
            FROM (
                (SELECT id, next_attempt_at AS due FROM deliveries WHERE status IN ('pending', 'retrying') AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT @dueLimit)
                UNION ALL
                (SELECT id, lease_expires_at AS due FROM deliveries WHERE status = 'processing' AND lease_expires_at <= now() ORDER BY lease_expires_at LIMIT @dueLimit)
            ) due
            JOIN deliveries v ON v.id = due.id
            {CandidateJoins}
            ORDER BY due.due
            LIMIT @dueLimit;

            SELECT greatest(0, extract(epoch FROM least(
                (SELECT min(next_attempt_at) FROM deliveries WHERE status IN ('pending', 'retrying') AND next_attempt_at > now()),
                (SELECT min(lease_expires_at) FROM deliveries WHERE status = 'processing' AND lease_expires_at > now()),
                (SELECT min(next_attempt_at) FROM normalized_events WHERE fanned_out_at IS NULL) + CAST(@graceSeconds AS double precision) * interval '1 second',
                now() + interval '1 hour') - now()))::double precision;
            """, new { strandedLimit, dueLimit, graceSeconds = pendingGrace.TotalSeconds }, cancellationToken: cancellationToken));
        var stranded = (await results.ReadAsync<Guid>()).AsList();
        var due = (await results.ReadAsync<DeliveryCandidate>()).AsList();
        var nextDueIn = TimeSpan.FromSeconds(await results.ReadSingleAsync<double>());
        return new SchedulerSweep(stranded, due, nextDueIn);
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

        if (rows.Count == 0)
        {
            return [];
        }
        var jobs = (await connection.QueryAsync<(Guid DeliveryId, Guid JobId)>(new CommandDefinition(StartJobsSql, new
        {
            JobEventIds = rows.Select(row => byId[row.Id].EventId).ToArray(),
            JobDeliveryIds = rows.Select(row => row.Id).ToArray(),
            NewJobIds = rows.Select(_ => Guid.CreateVersion7()).ToArray(),
            TriggeredBy = rows.Select(row => row.Attempts > row.AttemptBudgetStart ? "retry" : row.ReplayRequestId is not null || row.RecoveryId is not null ? "replay" : "webhook").ToArray(),
            AttemptNos = rows.Select(row => row.Attempts + 1).ToArray(),
        }, transaction, cancellationToken: cancellationToken))).ToDictionary(job => job.DeliveryId, job => job.JobId);
        var claims = rows.ConvertAll(row => new ClaimedDelivery(byId[row.Id], row.LeaseId, row.Attempts, row.AttemptBudgetStart, row.ReplayRequestId, row.RecoveryId, jobs[row.Id]));
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
    /// Records a batch of attempts and their consequences in one transaction: the deliveries, their events (attempt
    /// count and derived status), the attempt rows, the jobs (and the next one for a retry), the audit entries, the
    /// replay requests, and the destinations' health (disabling one after 410 Gone or a long failure streak). Returns
    /// one result per outcome, in order; an outcome whose lease was lost writes nothing.
    /// </summary>
    public async Task<IReadOnlyList<RecordResult>> RecordAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        HashSet<Guid> finished;
        await using (var results = await connection.QueryMultipleAsync(new CommandDefinition($"{LockEventsSql}; {FinishDeliveriesSql}", new
        {
            EventIds = outcomes.Select(o => o.Claim.EventId).Distinct().ToArray(),
            DeliveryIds = outcomes.Select(o => o.Claim.DeliveryId).ToArray(),
            LeaseIds = outcomes.Select(o => o.Claim.LeaseId).ToArray(),
            Statuses = outcomes.Select(o => o.DeliveryStatus).ToArray(),
            Attempted = outcomes.Select(o => o.Result.Attempted).ToArray(),
            Errors = outcomes.Select(o => o.Error).ToArray(),
            DelayMs = outcomes.Select(o => o.Verdict.Delay?.TotalMilliseconds ?? 0).ToArray(),
        }, transaction, cancellationToken: cancellationToken)))
        {
            await results.ReadAsync<Guid>();
            finished = (await results.ReadAsync<Guid>()).ToHashSet();
        }
        var recorded = outcomes.Where(o => finished.Contains(o.Claim.DeliveryId)).ToList();
        if (recorded.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return outcomes.Select(_ => RecordResult.LeaseLost).ToList();
        }

        await connection.ExecuteAsync(new CommandDefinition(RecordOutcomesSql, new
        {
            EventIds = recorded.Select(o => o.Claim.EventId).ToArray(),
            DeliveryIds = recorded.Select(o => o.Claim.DeliveryId).ToArray(),
            IntegrationIds = recorded.Select(o => o.Claim.Target.IntegrationId).ToArray(),
            DestinationIds = recorded.Select(o => o.Claim.Target.DestinationId).ToArray(),
            Attempted = recorded.Select(o => o.Result.Attempted).ToArray(),
            Errors = recorded.Select(o => o.Error).ToArray(),
            AttemptIds = recorded.Select(_ => Guid.CreateVersion7()).ToArray(),
            DeliveryAttemptNos = recorded.Select(o => o.Verdict.AttemptNo).ToArray(),
            AttemptStatuses = recorded.Select(o => o.Result.Succeeded ? "success" : "failed").ToArray(),
            HttpStatuses = recorded.Select(o => o.Result.HttpStatus).ToArray(),
            ResponseBodies = recorded.Select(o => o.Result.ResponseBody).ToArray(),
            DurationsMs = recorded.Select(o => o.Result.DurationMs).ToArray(),
            JobIds = recorded.Select(o => o.Claim.JobId).ToArray(),
            JobStatuses = recorded.Select(o => o.Verdict.Kind == DeliveryVerdictKind.Processed ? "succeeded" : "failed").ToArray(),
            RetryJobIds = recorded.Select(_ => Guid.CreateVersion7()).ToArray(),
            NextAttemptNos = recorded.Select(o => o.Verdict.NextAttemptNo).ToArray(),
            AuditActions = recorded.Select(o => o.Context.AuditAction).ToArray(),
            AuditDetails = recorded.Select(o => o.Context.AuditDetails).ToArray(),
            ReplayRequestIds = recorded.Where(o => o.Verdict.Kind != DeliveryVerdictKind.RetryScheduled && o.Claim.ReplayRequestId is not null)
                .Select(o => o.Claim.ReplayRequestId!.Value).Distinct().ToArray(),
        }, transaction, cancellationToken: cancellationToken));

        // Health goes one outcome at a time (a streak counts each failure), destination by destination in a fixed
        // order so that two batches never wait for each other's rows.
        // (OrderBy is stable: a destination's outcomes keep the batch's order.) A success right after another
        // success of the same destination changes nothing more, so it is not written again.
        var disabled = new Dictionary<Guid, string>();
        Guid? lastSuccessOf = null;
        foreach (var outcome in recorded.Where(o => o.Result.Attempted && HealthChanges(o.Claim.Target, o.Result, o.Context.Now)).OrderBy(o => o.Claim.Target.DestinationId))
        {
            var destinationId = outcome.Claim.Target.DestinationId;
            if (outcome.Result.Succeeded && lastSuccessOf == destinationId)
            {
                continue;
            }
            lastSuccessOf = outcome.Result.Succeeded ? destinationId : null;
            if (await RecordHealthInAsync(connection, transaction, outcome, cancellationToken) is { } reason)
            {
                disabled[outcome.Claim.LeaseId] = reason;
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return outcomes.Select(o => !finished.Contains(o.Claim.DeliveryId) ? RecordResult.LeaseLost
            : new RecordResult(true, disabled.GetValueOrDefault(o.Claim.LeaseId))).ToList();
    }

    /// <summary>Writes one outcome into its destination's health; returns why this disabled the destination, if it did.</summary>
    private static async Task<string?> RecordHealthInAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        var (claim, result, context) = (outcome.Claim, outcome.Result, outcome.Context);
        var health = await connection.QuerySingleAsync<(int ConsecutiveFailures, DateTime? FailingSince, bool Disabled)>(new CommandDefinition(HealthSql, new
        {
            claim.Target.DestinationId,
            result.Succeeded,
            outcome.Error,
            CircuitOpenUntil = context.CircuitOpenUntil?.UtcDateTime,
            claim.Target.ResumedAt,
        }, transaction, cancellationToken: cancellationToken));
        var disabledReason = health.Disabled ? null : DisableReason(result, health.ConsecutiveFailures, health.FailingSince, context);
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
        return disabledReason;
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
public sealed record FanOutResult(IReadOnlyList<DeliveryCandidate> Deliveries, IReadOnlyList<ClaimedDelivery> Claims, bool AlreadyFannedOut)
{
    public static FanOutResult FannedOutAlready { get; } = new([], [], AlreadyFannedOut: true);
}

/// <summary>A scheduler sweep's findings: stranded events to fan out, due deliveries, and the wait until more is due.</summary>
public sealed record SchedulerSweep(IReadOnlyList<Guid> StrandedEventIds, IReadOnlyList<DeliveryCandidate> Due, TimeSpan NextDueIn);

/// <summary>What may go now (with the lease each claim takes) and what is put off until when (<see cref="DeliveryRepository.Held"/>: until resumed).</summary>
public sealed record ClaimPlan(IReadOnlyList<(DeliveryCandidate Candidate, TimeSpan Lease)> Claims, IReadOnlyList<(Guid DeliveryId, DateTime Until)> Deferrals);

/// <summary>An attempt's outcome to record: the claim it was made under, what happened and what follows.</summary>
public sealed record DeliveryOutcome(ClaimedDelivery Claim, DeliveryAttemptResult Result, DeliveryVerdict Verdict, RecordContext Context)
{
    public string DeliveryStatus => Verdict.Kind switch
    {
        DeliveryVerdictKind.Processed => "succeeded",
        DeliveryVerdictKind.RetryScheduled => "retrying",
        _ => "failed",
    };

    /// <summary>The error recorded on the delivery, its attempt, job and event; none for a success.</summary>
    public string? Error => Verdict.Kind == DeliveryVerdictKind.Processed ? null : Result.Error;
}

/// <summary>What recording needs besides the outcome: the audit entry, the breaker's state and the auto-disable rule.</summary>
public sealed record RecordContext(string AuditAction, string AuditDetails, DateTimeOffset? CircuitOpenUntil, int DisableAfterFailures, TimeSpan DisableAfterPeriod, DateTimeOffset Now);

/// <param name="DisabledReason">Set when this outcome disabled the destination.</param>
public sealed record RecordResult(bool Recorded, string? DisabledReason)
{
    public static RecordResult LeaseLost { get; } = new(false, null);
}
