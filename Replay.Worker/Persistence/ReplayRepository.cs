using Dapper;
using Npgsql;
using Relay.Contracts;
using Relay.Infrastructure.Messaging;

namespace Relay.Replay.Worker.Persistence;

/// <summary>Replay requests and the event reset that dispatches them, in one transaction.</summary>
public sealed class ReplayRepository(NpgsqlDataSource dataSource)
{
    // The status guard makes a redelivered ReplayRequested a no-op.
    private const string MarkDispatchedSql =
        """
        UPDATE replay_requests SET status = 'dispatched'
        WHERE id = @ReplayRequestId AND status = 'queued'
        RETURNING normalized_event_id AS event_id, requested_by
        """;

    // A fresh delivery run: pending, and to be fanned out again by Delivery.Worker (on EventReplayed, or by its
    // sweep if that message is lost), which restarts the deliveries to the destinations that match now with a
    // fresh retry budget and drops their leases (an attempt still in flight then has its outcome discarded).
    private const string ResetEventSql =
        """
        UPDATE normalized_events SET
            status = 'pending', next_attempt_at = now(), attempt_budget_start = processing_attempts, fanned_out_at = NULL,
            lease_id = NULL, lease_expires_at = NULL, replay_request_id = @ReplayRequestId, updated_at = now()
        WHERE id = @EventId
        RETURNING correlation_id
        """;

    // What the replay supersedes: jobs of the previous run that will never run (a queued retry, a job left running
    // by an attempt whose outcome is now discarded), except this replay's own job; and an earlier replay request
    // whose run had not finished. The dispatch is audited against the event, as the seed does, so the event's own
    // trail (GET /audit-entries?entityId={eventId}) shows who replayed it and when.
    private const string SupersedeSql =
        """
        UPDATE processing_jobs SET status = 'failed', completed_at = now(), error_message = 'Superseded by replay ' || @ReplayRequestId::text
        WHERE normalized_event_id = @EventId AND status IN ('queued', 'running')
          AND id IS DISTINCT FROM (
              SELECT id FROM processing_jobs
              WHERE normalized_event_id = @EventId AND triggered_by = 'replay' AND status = 'queued'
              ORDER BY created_at DESC, id DESC LIMIT 1);

        UPDATE replay_requests SET status = 'failed', processed_at = now(), failure_reason = 'Superseded by replay ' || @ReplayRequestId::text
        WHERE normalized_event_id = @EventId AND status = 'dispatched' AND id <> @ReplayRequestId;

        INSERT INTO audit_entries (entity_type, entity_id, action, actor, details)
        VALUES ('normalized_event', @EventId, 'replay.dispatched', @RequestedBy, CAST(@AuditDetails AS jsonb));
        """;

    private const string MarkFailedSql =
        "UPDATE replay_requests SET status = 'failed', processed_at = now(), failure_reason = 'Event not found' WHERE id = @ReplayRequestId";

    /// <param name="outbox">Builds the <c>EventReplayed</c> outbox row from the event id and its correlation id.</param>
    public async Task<ReplayDispatchResult> DispatchAsync(Guid replayRequestId, Func<Guid, string, (OutboxEntry Outbox, string AuditDetails)> outbox, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var request = await connection.QuerySingleOrDefaultAsync<DispatchedRequest>(new CommandDefinition(
            MarkDispatchedSql, new { ReplayRequestId = replayRequestId }, transaction, cancellationToken: cancellationToken));
        if (request is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return ReplayDispatchResult.AlreadyHandled;
        }

        var correlationId = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            ResetEventSql, new { ReplayRequestId = replayRequestId, request.EventId }, transaction, cancellationToken: cancellationToken));
        if (correlationId is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(MarkFailedSql, new { ReplayRequestId = replayRequestId }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return ReplayDispatchResult.EventNotFound;
        }

        var (entry, auditDetails) = outbox(request.EventId, correlationId);
        await connection.ExecuteAsync(new CommandDefinition(
            SupersedeSql, new { ReplayRequestId = replayRequestId, request.EventId, request.RequestedBy, AuditDetails = auditDetails }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(OutboxEntry.InsertSql, entry, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return ReplayDispatchResult.Dispatched;
    }

    /// <summary>
    /// Requests still queued well after they were made: their <c>ReplayRequested</c> message was lost or ended in
    /// the error queue. The correlation id is the one <c>replay.requested</c> recorded.
    /// </summary>
    public async Task<IReadOnlyList<ReplayRequested>> FindStaleQueuedAsync(TimeSpan grace, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid Id, Guid EventId, string RequestedBy, string? CorrelationId, DateTime CreatedAt)>(new CommandDefinition(
            """
            SELECT r.id, r.normalized_event_id, r.requested_by,
                   (SELECT a.details->>'correlationId' FROM audit_entries a
                    WHERE a.entity_type = 'replay_request' AND a.entity_id = r.id AND a.action = 'replay.requested' LIMIT 1),
                   r.created_at
            FROM replay_requests r
            WHERE r.status = 'queued' AND r.created_at < now() - make_interval(secs => @graceSeconds)
            ORDER BY r.created_at
            LIMIT @limit
            """, new { graceSeconds = grace.TotalSeconds, limit }, cancellationToken: cancellationToken));
        return rows.Select(row => new ReplayRequested(row.Id, row.EventId, row.RequestedBy, row.CorrelationId ?? row.Id.ToString(),
            new DateTimeOffset(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)))).ToList();
    }

    private sealed record DispatchedRequest(Guid EventId, string RequestedBy);
}
