using Dapper;
using Npgsql;
using Relay.Delivery.Worker.Delivery;

namespace Relay.Delivery.Worker.Persistence;

/// <summary>
/// Claims, lease-guarded outcome recording and the scheduler's sweep, all in PostgreSQL. Claiming is an
/// <c>UPDATE</c> with a status guard, so any number of consumers and scheduler replicas can race for an event and
/// exactly one wins; recording is guarded by the claim's lease, so an outcome whose lease has been taken over
/// (worker presumed dead, or the event replayed meanwhile) changes nothing.
/// </summary>
public sealed class DeliveryRepository(NpgsqlDataSource dataSource)
{
    private const string ClaimSet =
        """
        status = 'processing', lease_id = gen_random_uuid(),
        lease_expires_at = now() + CAST(@LeaseSeconds AS double precision) * interval '1 second', updated_at = now()
        """;

    private const string ClaimReturning =
        """
        e.id, e.integration_id, e.provider, e.normalized_payload::text AS payload, e.processing_attempts, e.attempt_budget_start,
        e.correlation_id, e.replay_request_id, e.lease_id
        """;

    private const string ClaimSelect =
        """
        SELECT c.id, c.integration_id, c.provider, c.payload, c.processing_attempts, c.attempt_budget_start, c.correlation_id,
               c.replay_request_id, c.lease_id, i.callback_url, i.is_active
        FROM claimed c JOIN integrations i ON i.id = c.integration_id
        """;

    // A pending event is due as soon as it exists (Ingress and replays set next_attempt_at to "now" by their own
    // clock, which may run ahead of the database's); a retrying one only once its delay has passed.
    private const string ClaimOneSql =
        $"""
        WITH claimed AS (
            UPDATE normalized_events e SET {ClaimSet}
            WHERE id = @EventId AND (status = 'pending' OR (status = 'retrying' AND next_attempt_at <= now()))
            RETURNING {ClaimReturning}
        )
        {ClaimSelect}
        """;

    // Due retries; pending events whose message never came (lost, or sitting in an error queue); and events whose
    // worker died mid-delivery (lease expired). SKIP LOCKED lets scheduler replicas share the sweep.
    private const string ClaimDueSql =
        $"""
        WITH due AS (
            SELECT id FROM normalized_events
            WHERE (status = 'retrying' AND next_attempt_at <= now())
               OR (status = 'pending' AND next_attempt_at <= now() - CAST(@PendingGraceSeconds AS double precision) * interval '1 second')
               OR (status = 'processing' AND lease_expires_at <= now())
            ORDER BY next_attempt_at
            LIMIT @Limit
            FOR UPDATE SKIP LOCKED
        ), claimed AS (
            UPDATE normalized_events e SET {ClaimSet}
            FROM due WHERE e.id = due.id
            RETURNING {ClaimReturning}
        )
        {ClaimSelect}
        """;

    // The newest open job is the one this delivery runs as: the webhook's, a scheduled retry's or a replay's
    // (or, after a worker died, the job it left running).
    private const string StartJobsSql =
        """
        WITH newest AS (
            SELECT DISTINCT ON (normalized_event_id) id FROM processing_jobs
            WHERE normalized_event_id = ANY(@EventIds) AND status IN ('queued', 'running')
            ORDER BY normalized_event_id, created_at DESC, id DESC
        )
        UPDATE processing_jobs j SET status = 'running', started_at = now()
        FROM newest WHERE j.id = newest.id
        RETURNING j.normalized_event_id, j.id
        """;

    private const string InsertRunningJobSql =
        """
        INSERT INTO processing_jobs (id, normalized_event_id, queue_name, triggered_by, status, attempt_no, scheduled_at, started_at)
        VALUES (@Id, @EventId, 'delivery', @TriggeredBy, 'running', @AttemptNo, now(), now())
        """;

    private const string FinishEventSql =
        """
        UPDATE normalized_events SET
            status = @Status,
            processing_attempts = processing_attempts + @AttemptIncrement,
            last_error = @LastError,
            last_processed_at = CASE WHEN @Status = 'processed' THEN now() ELSE last_processed_at END,
            next_attempt_at = CASE WHEN @Status = 'retrying' THEN now() + CAST(@DelayMs AS double precision) * interval '1 millisecond' ELSE next_attempt_at END,
            lease_id = NULL, lease_expires_at = NULL, updated_at = now()
        WHERE id = @EventId AND lease_id = @LeaseId
        """;

    private const string RecordSql =
        """
        INSERT INTO delivery_attempts (id, normalized_event_id, integration_id, attempt_no, status, http_status, response_body, error_message, duration_ms)
        SELECT @AttemptId, @EventId, @IntegrationId, @AttemptNo, @AttemptStatus, @HttpStatus, @ResponseBody, @Error, @DurationMs
        WHERE @Attempted;

        UPDATE processing_jobs SET status = @JobStatus, completed_at = now(), error_message = @Error WHERE id = @JobId;

        INSERT INTO processing_jobs (id, normalized_event_id, queue_name, triggered_by, status, attempt_no, scheduled_at)
        SELECT @RetryJobId, @EventId, 'delivery-retry', 'retry', 'queued', @NextAttemptNo, next_attempt_at
        FROM normalized_events WHERE id = @EventId AND @NextAttemptNo IS NOT NULL;

        INSERT INTO audit_entries (entity_type, entity_id, action, actor, details)
        VALUES ('normalized_event', @EventId, @AuditAction, 'system', CAST(@AuditDetails AS jsonb));

        UPDATE replay_requests SET status = @ReplayStatus, processed_at = now(), failure_reason = @ReplayFailureReason
        WHERE id = @ReplayRequestId AND status = 'dispatched' AND @ReplayStatus IS NOT NULL;
        """;

    /// <summary>Claims one event if it is due and nobody holds it; null otherwise (already delivered, in flight, or not due).</summary>
    public async Task<ClaimedDelivery?> TryClaimAsync(Guid eventId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claims = await ClaimAsync(ClaimOneSql, new { EventId = eventId, LeaseSeconds = lease.TotalSeconds }, cancellationToken);
        return claims.Count == 0 ? null : claims[0];
    }

    /// <summary>Claims up to <paramref name="limit"/> events the scheduler owns: due retries, stranded pending events, expired leases.</summary>
    public Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(int limit, TimeSpan lease, TimeSpan pendingGrace, CancellationToken cancellationToken) =>
        ClaimAsync(ClaimDueSql, new { Limit = limit, LeaseSeconds = lease.TotalSeconds, PendingGraceSeconds = pendingGrace.TotalSeconds }, cancellationToken);

    private async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ClaimRow>(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return [];
        }

        var jobs = (await connection.QueryAsync<(Guid EventId, Guid JobId)>(new CommandDefinition(
            StartJobsSql, new { EventIds = rows.Select(row => row.Id).ToArray() }, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(job => job.EventId, job => job.JobId);
        var claims = new List<ClaimedDelivery>(rows.Count);
        foreach (var row in rows)
        {
            if (!jobs.TryGetValue(row.Id, out var jobId))
            {
                // Every path that makes an event deliverable writes a job; if one is missing, keep the history whole.
                jobId = Guid.CreateVersion7();
                var triggeredBy = row.ProcessingAttempts > row.AttemptBudgetStart ? "retry" : row.ReplayRequestId is not null ? "replay" : "webhook";
                await connection.ExecuteAsync(new CommandDefinition(
                    InsertRunningJobSql, new { Id = jobId, EventId = row.Id, TriggeredBy = triggeredBy, AttemptNo = row.ProcessingAttempts + 1 }, transaction, cancellationToken: cancellationToken));
            }
            claims.Add(new ClaimedDelivery(row.Id, row.IntegrationId, row.Provider, row.Payload, row.ProcessingAttempts, row.AttemptBudgetStart,
                row.CorrelationId, row.ReplayRequestId, row.LeaseId, row.CallbackUrl, row.IsActive, jobId));
        }
        // Once committed the claims must be delivered, so the commit is not cancellable half-way by shutdown.
        await transaction.CommitAsync(CancellationToken.None);
        return claims;
    }

    /// <summary>
    /// Records an attempt and its consequences in one transaction: the attempt row, the event, the job (and the next
    /// one for a retry), the audit entry and the replay request. Returns false, writing nothing, if the lease was lost.
    /// </summary>
    public async Task<bool> RecordAsync(ClaimedDelivery claim, DeliveryAttemptResult result, DeliveryVerdict verdict, string? lastError, string auditAction, string auditDetails, CancellationToken cancellationToken)
    {
        var status = verdict.Kind switch
        {
            DeliveryVerdictKind.Processed => "processed",
            DeliveryVerdictKind.RetryScheduled => "retrying",
            _ => "failed",
        };
        var replayStatus = claim.ReplayRequestId is null ? null : verdict.Kind switch
        {
            DeliveryVerdictKind.Processed => "completed",
            DeliveryVerdictKind.Failed => "failed",
            _ => null,
        };

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(FinishEventSql, new
        {
            claim.EventId,
            claim.LeaseId,
            Status = status,
            AttemptIncrement = result.Attempted ? 1 : 0,
            LastError = verdict.Kind == DeliveryVerdictKind.Processed ? null : lastError,
            DelayMs = verdict.Delay?.TotalMilliseconds ?? 0,
        }, transaction, cancellationToken: cancellationToken));
        if (updated == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(RecordSql, new
        {
            AttemptId = Guid.CreateVersion7(),
            claim.EventId,
            claim.IntegrationId,
            AttemptNo = verdict.AttemptNo,
            AttemptStatus = result.Succeeded ? "success" : "failed",
            result.HttpStatus,
            result.ResponseBody,
            Error = verdict.Kind == DeliveryVerdictKind.Processed ? null : lastError,
            result.DurationMs,
            result.Attempted,
            claim.JobId,
            JobStatus = verdict.Kind == DeliveryVerdictKind.Processed ? "succeeded" : "failed",
            RetryJobId = Guid.CreateVersion7(),
            verdict.NextAttemptNo,
            AuditAction = auditAction,
            AuditDetails = auditDetails,
            claim.ReplayRequestId,
            ReplayStatus = replayStatus,
            // A replay fails with its run: the run's last error is why.
            ReplayFailureReason = replayStatus == "failed" ? lastError : null,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private sealed class ClaimRow
    {
        public Guid Id { get; init; }
        public Guid IntegrationId { get; init; }
        public string Provider { get; init; } = "";
        public string Payload { get; init; } = "";
        public int ProcessingAttempts { get; init; }
        public int AttemptBudgetStart { get; init; }
        public string CorrelationId { get; init; } = "";
        public Guid? ReplayRequestId { get; init; }
        public Guid LeaseId { get; init; }
        public string CallbackUrl { get; init; } = "";
        public bool IsActive { get; init; }
    }
}
