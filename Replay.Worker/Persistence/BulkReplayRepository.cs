using System.Text.Json;
using Dapper;
using Npgsql;
using Relay.Contracts;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Replays;

namespace Relay.Replay.Worker.Persistence;

/// <summary>
/// Bulk replay jobs as Replay.Worker runs them: claimed under a lease, then replayed page by page. Each page is one
/// transaction that locks the job row, reads the job's filter and keyset position from it, replays the next events
/// after that position exactly as single replays would be dispatched, and moves the position on. So progress is
/// never lost nor counted twice: a worker that dies mid-page rolls the page back, and two workers can never replay
/// the same page (the second waits for the row and then starts after the first's position). A cancellation written
/// by Management.Api takes effect at the next page: a page only runs while the job is <c>running</c> and its own.
/// </summary>
public sealed class BulkReplayRepository(NpgsqlDataSource dataSource)
{
    /// <summary>The queue name a single replay's job carries (Management.Api's), so a bulk replay's jobs read the same.</summary>
    private const string ReplayQueueName = "replay-requested";

    // The oldest job no live worker holds: queued, or running with its lease expired (its worker died) or handed back.
    private const string ClaimSql =
        """
        WITH candidate AS (
            SELECT id, status AS previous_status FROM bulk_replays
            WHERE status IN ('queued', 'running') AND (lease_expires_at IS NULL OR lease_expires_at <= now() OR lease_owner = @Owner)
            ORDER BY created_at, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
        )
        UPDATE bulk_replays b SET status = 'running', lease_owner = @Owner,
            lease_expires_at = now() + CAST(@LeaseSeconds AS double precision) * interval '1 second',
            started_at = coalesce(b.started_at, now()), updated_at = now()
        FROM candidate c WHERE b.id = c.id
        RETURNING b.id, b.events_per_second, b.total, b.replayed, c.previous_status = 'running' AS resumed
        """;

    private const string LockJobSql =
        """
        SELECT status, lease_owner, filter::text AS filter, cutoff_at, position_received_at, position_event_id,
               requested_by, reason, correlation_id
        FROM bulk_replays WHERE id = @JobId
        FOR UPDATE
        """;

    // The explicit lower bound on received_at lets the received_at index serve the row comparison.
    private const string NextPageSql =
        """
        SELECT id, received_at FROM normalized_events
        WHERE received_at <= @CutoffAt AND received_at >= @PositionReceivedAt AND (received_at, id) > (@PositionReceivedAt, @PositionEventId)
        {0}
        ORDER BY received_at, id
        LIMIT @PageSize
        """;

    // In id order, as Delivery.Worker locks events, so the two never wait for each other in a cycle.
    private const string LockEventsSql = "SELECT id FROM normalized_events WHERE id = ANY(@EventIds) ORDER BY id FOR UPDATE";

    // What Management.Api writes for a single replay (the request, its queued job, replay.requested), already
    // dispatched since the dispatch follows in the same transaction.
    private const string RequestReplaysSql =
        """
        INSERT INTO replay_requests (id, normalized_event_id, requested_by, reason, status, bulk_replay_id, created_at)
        SELECT r.replay_request_id, r.event_id, @RequestedBy, @Reason, 'dispatched', @JobId, now()
        FROM unnest(@ReplayRequestIds, @EventIds) WITH ORDINALITY AS r (replay_request_id, event_id, ord)
        ORDER BY r.ord;

        INSERT INTO processing_jobs (id, normalized_event_id, queue_name, triggered_by, status, attempt_no, scheduled_at, created_at)
        SELECT r.job_id, e.id, @QueueName, 'replay', 'queued', e.processing_attempts + 1, now(), now()
        FROM unnest(@ProcessingJobIds, @EventIds) WITH ORDINALITY AS r (job_id, event_id, ord)
        JOIN normalized_events e ON e.id = r.event_id
        ORDER BY r.ord;

        INSERT INTO audit_entries (entity_type, entity_id, action, actor, details)
        SELECT 'replay_request', r.replay_request_id, 'replay.requested', @RequestedBy, CAST(r.details AS jsonb)
        FROM unnest(@ReplayRequestIds, @RequestedDetails) WITH ORDINALITY AS r (replay_request_id, details, ord)
        ORDER BY r.ord;
        """;

    private const string AdvanceSql =
        """
        UPDATE bulk_replays SET replayed = replayed + @Replayed,
            position_received_at = coalesce(@LastReceivedAt, position_received_at), position_event_id = coalesce(@LastEventId, position_event_id),
            lease_expires_at = now() + CAST(@LeaseSeconds AS double precision) * interval '1 second', updated_at = now()
        WHERE id = @JobId
        """;

    // Fewer events than a page: none is left. What matched at creation but was not replayed no longer matched.
    private const string CompleteSql =
        """
        UPDATE bulk_replays SET status = 'completed', skipped = greatest(total - replayed, 0), finished_at = now(),
            lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
        WHERE id = @JobId
        RETURNING total, replayed, skipped;
        """;

    /// <summary>Takes the oldest job that is waiting or whose worker is gone, and audits its start (or its resumption).</summary>
    public async Task<BulkReplayClaim?> ClaimAsync(string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claim = await connection.QuerySingleOrDefaultAsync<BulkReplayClaim>(new CommandDefinition(
            ClaimSql, new { Owner = owner, LeaseSeconds = lease.TotalSeconds }, transaction, cancellationToken: cancellationToken));
        if (claim is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }
        await AuditAsync(connection, transaction, claim.Id, claim.Resumed ? "bulk_replay.resumed" : "bulk_replay.started",
            new { worker = owner, claim.Total, claim.Replayed }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claim;
    }

    /// <summary>
    /// Replays the next page of up to <paramref name="pageSize"/> events in one transaction, as described on the class,
    /// and completes the job when no more are left. <paramref name="replayed"/> builds each event's <c>EventReplayed</c>
    /// message. Stops without doing anything when the job is no longer running or no longer this worker's.
    /// </summary>
    public async Task<BulkReplayPage> ReplayPageAsync(
        Guid jobId, string owner, int pageSize, TimeSpan lease, Func<BulkReplayedEvent, EventReplayed> replayed, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var job = await connection.QuerySingleOrDefaultAsync<LockedJob>(new CommandDefinition(
            LockJobSql, new { JobId = jobId }, transaction, cancellationToken: cancellationToken));
        if (job is null || job.Status != "running" || job.LeaseOwner != owner)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new BulkReplayPage(BulkReplayPageOutcome.Stopped, 0, job?.Status);
        }

        var parameters = new DynamicParameters();
        var conditions = BulkReplayFilter.FromJson(job.Filter).Conditions(parameters);
        parameters.AddDynamicParams(new { job.CutoffAt, job.PositionReceivedAt, job.PositionEventId, PageSize = pageSize });
        var events = (await connection.QueryAsync<(Guid Id, DateTime ReceivedAt)>(new CommandDefinition(
            string.Format(System.Globalization.CultureInfo.InvariantCulture, NextPageSql, conditions), parameters, transaction, cancellationToken: cancellationToken))).AsList();

        if (events.Count > 0)
        {
            await ReplayAsync(connection, transaction, jobId, job, events.ConvertAll(e => e.Id), replayed, cancellationToken);
        }
        var last = events.Count > 0 ? events[^1] : default((Guid Id, DateTime ReceivedAt)?);
        await connection.ExecuteAsync(new CommandDefinition(AdvanceSql, new
        {
            JobId = jobId,
            Replayed = events.Count,
            LastReceivedAt = last?.ReceivedAt,
            LastEventId = last?.Id,
            LeaseSeconds = lease.TotalSeconds,
        }, transaction, cancellationToken: cancellationToken));

        if (events.Count < pageSize)
        {
            var done = await connection.QuerySingleAsync<(int Total, int Replayed, int Skipped)>(new CommandDefinition(
                CompleteSql, new { JobId = jobId }, transaction, cancellationToken: cancellationToken));
            await AuditAsync(connection, transaction, jobId, "bulk_replay.completed", new { done.Total, done.Replayed, done.Skipped }, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new BulkReplayPage(BulkReplayPageOutcome.Completed, events.Count, "completed");
        }
        await transaction.CommitAsync(cancellationToken);
        return new BulkReplayPage(BulkReplayPageOutcome.Replayed, events.Count, "running");
    }

    /// <summary>Each event as a single replay of it would be requested and dispatched, with one <c>EventReplayed</c> each.</summary>
    private static async Task ReplayAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, LockedJob job,
        IReadOnlyList<Guid> eventIds, Func<BulkReplayedEvent, EventReplayed> replayed, CancellationToken cancellationToken)
    {
        var ids = eventIds.ToArray();
        await connection.ExecuteAsync(new CommandDefinition(LockEventsSql, new { EventIds = ids }, transaction, cancellationToken: cancellationToken));

        var replayRequestIds = ids.Select(_ => Guid.CreateVersion7()).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(RequestReplaysSql, new
        {
            JobId = jobId,
            EventIds = ids,
            ReplayRequestIds = replayRequestIds,
            ProcessingJobIds = ids.Select(_ => Guid.CreateVersion7()).ToArray(),
            job.RequestedBy,
            job.Reason,
            QueueName = ReplayQueueName,
            RequestedDetails = ids.Select(eventId => Json(new { eventId, reason = job.Reason, correlationId = job.CorrelationId, bulkReplayId = jobId })).ToArray(),
        }, transaction, cancellationToken: cancellationToken));

        var dispatch = new DynamicParameters(new
        {
            EventIds = ids,
            ReplayRequestIds = replayRequestIds,
            job.RequestedBy,
            AuditDetails = replayRequestIds.Select(replayRequestId => Json(new { replayRequestId, correlationId = job.CorrelationId, bulkReplayId = jobId })).ToArray(),
        });
        dispatch.AddDynamicParams(OutboxEntry.ManyParameters(
            [.. ids.Select((eventId, i) => OutboxEntry.For(replayed(new BulkReplayedEvent(eventId, replayRequestIds[i], job.CorrelationId))))]));
        await connection.ExecuteAsync(new CommandDefinition(
            $"{ReplayDispatchSql.ResetEvents}; {ReplayDispatchSql.Supersede}; {OutboxEntry.InsertManySql}", dispatch, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Hands the job back (this worker is stopping), so the next worker to look resumes it at once.</summary>
    public async Task ReleaseAsync(Guid jobId, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE bulk_replays SET lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
            WHERE id = @jobId AND lease_owner = @owner AND status = 'running'
            """, new { jobId, owner }, cancellationToken: cancellationToken));
    }

    /// <summary>Ends the job as failed (an error that retrying does not cure), keeping the progress it made.</summary>
    public async Task FailAsync(Guid jobId, string owner, string error, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var failed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE bulk_replays SET status = 'failed', error = @error, finished_at = now(), lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
            WHERE id = @jobId AND lease_owner = @owner AND status = 'running'
            """, new { jobId, owner, error }, transaction, cancellationToken: cancellationToken));
        if (failed > 0)
        {
            await AuditAsync(connection, transaction, jobId, "bulk_replay.failed", new { error }, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static Task AuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, string action, object details, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_entries (entity_type, entity_id, action, actor, details)
            VALUES ('bulk_replay', @jobId, @action, 'system', CAST(@details AS jsonb))
            """, new { jobId, action, details = Json(details) }, transaction, cancellationToken: cancellationToken));

    private static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    private sealed record LockedJob(
        string Status, string? LeaseOwner, string Filter, DateTime CutoffAt, DateTime PositionReceivedAt, Guid PositionEventId,
        string RequestedBy, string Reason, string CorrelationId);
}

/// <param name="Resumed">The job was running already: its worker died or stopped, and this one continues it.</param>
public sealed record BulkReplayClaim(Guid Id, int EventsPerSecond, int Total, int Replayed, bool Resumed);

/// <summary>An event a bulk replay page replayed, with the replay request made for it and the job's correlation id.</summary>
public sealed record BulkReplayedEvent(Guid EventId, Guid ReplayRequestId, string CorrelationId);

/// <param name="Status">The job's status after the page (null when the job does not exist).</param>
public sealed record BulkReplayPage(BulkReplayPageOutcome Outcome, int Count, string? Status);

public enum BulkReplayPageOutcome
{
    /// <summary>A full page was replayed; more may follow.</summary>
    Replayed,

    /// <summary>The last page was replayed (perhaps empty) and the job completed.</summary>
    Completed,

    /// <summary>Nothing was done: the job was cancelled, finished, failed or taken over by another worker.</summary>
    Stopped,
}
