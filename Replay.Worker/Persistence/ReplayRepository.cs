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

    private const string MarkFailedSql =
        "UPDATE replay_requests SET status = 'failed', processed_at = now(), failure_reason = 'Event not found' WHERE id = @ReplayRequestId";

    /// <param name="outbox">Builds the <c>EventReplayed</c> outbox row and the <c>replay.dispatched</c> audit details from the event id.</param>
    public async Task<ReplayDispatchResult> DispatchAsync(Guid replayRequestId, Func<Guid, (OutboxEntry Outbox, string AuditDetails)> outbox, CancellationToken cancellationToken)
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

        var eventIds = new[] { request.EventId };
        var replayRequestIds = new[] { replayRequestId };
        var reset = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            ReplayDispatchSql.ResetEvents, new { EventIds = eventIds, ReplayRequestIds = replayRequestIds }, transaction, cancellationToken: cancellationToken));
        if (reset is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(MarkFailedSql, new { ReplayRequestId = replayRequestId }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return ReplayDispatchResult.EventNotFound;
        }

        var (entry, auditDetails) = outbox(request.EventId);
        await connection.ExecuteAsync(new CommandDefinition(
            ReplayDispatchSql.Supersede, new { EventIds = eventIds, ReplayRequestIds = replayRequestIds, request.RequestedBy, AuditDetails = new[] { auditDetails } },
            transaction, cancellationToken: cancellationToken));
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
