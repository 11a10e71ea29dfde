using System.Text.Json;
using Dapper;
using Npgsql;
using Relay.Contracts;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Replays;
using Relay.Infrastructure.Security.ApiKeys;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Replays;

namespace Relay.Management.Api.Data;

/// <summary>
/// Bulk replay jobs: counted and requested here (the job, its audit entry and the <see cref="BulkReplayRequested"/>
/// outbox row in one transaction), cancelled here, carried out and advanced by Replay.Worker.
/// </summary>
public sealed class BulkReplayRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider, ActingApiKey actingKey)
{
    private const string Columns =
        """
        b.id, b.status, b.filter::text AS filter, b.requested_by, b.reason, b.events_per_second, b.total, b.replayed, b.skipped,
        o.delivered, o.failed, o.in_flight, b.cutoff_at, b.created_at, b.started_at, b.finished_at, b.cancelled_by, b.error
        """;

    // The replay requests the job made, by how their delivery runs ended (replay_requests' status).
    private const string Source =
        """
        bulk_replays b CROSS JOIN LATERAL (
            SELECT count(*) FILTER (WHERE r.status = 'completed') AS delivered,
                   count(*) FILTER (WHERE r.status = 'failed') AS failed,
                   count(*) FILTER (WHERE r.status IN ('queued', 'dispatched')) AS in_flight
            FROM replay_requests r WHERE r.bulk_replay_id = b.id) o
        """;

    /// <summary>How many events the filter matches among those received at or before <paramref name="cutoffAt"/>.</summary>
    public async Task<long> CountAsync(BulkReplayFilter filter, DateTimeOffset cutoffAt, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(new { CutoffAt = cutoffAt });
        var conditions = filter.Conditions(parameters);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM normalized_events WHERE received_at <= @CutoffAt{conditions}", parameters, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Stores the job with the number of events it matches now, audits <c>bulk_replay.requested</c> and writes the
    /// <see cref="BulkReplayRequested"/> outbox row, all or nothing.
    /// </summary>
    public async Task<BulkReplayView> CreateAsync(Guid id, BulkReplayFilter filter, int eventsPerSecond, string requestedBy, string reason, string correlationId,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(new
        {
            Id = id,
            Filter = filter.ToJson(),
            RequestedBy = requestedBy,
            Reason = reason,
            CorrelationId = correlationId,
            EventsPerSecond = eventsPerSecond,
            Now = now,
            ApiKeyId = actingKey.Id,
        });
        var conditions = filter.Conditions(parameters);
        parameters.AddDynamicParams(OutboxEntry.For(new BulkReplayRequested(id, requestedBy, correlationId, now)));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO bulk_replays (id, filter, requested_by, reason, correlation_id, events_per_second, cutoff_at, total, status, created_at, updated_at)
            SELECT @Id, CAST(@Filter AS jsonb), @RequestedBy, @Reason, @CorrelationId, @EventsPerSecond, @Now, count(*), 'queued', @Now, @Now
            FROM normalized_events WHERE received_at <= @Now{conditions};

            INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at, api_key_id)
            SELECT 'bulk_replay', b.id, 'bulk_replay.requested', b.requested_by,
                   jsonb_build_object('filter', b.filter, 'total', b.total, 'eventsPerSecond', b.events_per_second, 'reason', b.reason,
                                      'cutoffAt', b.cutoff_at, 'correlationId', b.correlation_id), @Now, @ApiKeyId
            FROM bulk_replays b WHERE b.id = @Id;

            {OutboxEntry.InsertSql};
            """, parameters, transaction, cancellationToken: cancellationToken));
        var view = await FindInAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return view!;
    }

    public async Task<BulkReplayView?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindInAsync(connection, null, id, cancellationToken);
    }

    /// <summary>Bulk replays, newest first, by cursor.</summary>
    public async Task<CursorPage<BulkReplayView>> ListAsync(BulkReplayListQuery query, CancellationToken cancellationToken)
    {
        var status = query.Status is null ? "" : "AND b.status = @Status";
        var before = query.Paging.After is null ? "" : "AND (b.created_at, b.id) < (@BeforeCreatedAt, @BeforeId)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM {Source}
            WHERE true {status} {before}
            ORDER BY b.created_at DESC, b.id DESC
            LIMIT @Take
            """,
            new { query.Status, BeforeCreatedAt = (DateTime?)query.Paging.After?.Key, BeforeId = (Guid?)query.Paging.After?.Id, Take = query.Paging.Limit + 1 },
            cancellationToken: cancellationToken))).AsList();
        var now = timeProvider.GetUtcNow();
        return CursorPage<BulkReplayView>.From(rows, query.Paging.Limit, row => new ListCursor(BulkReplayListQuery.Order, row.CreatedAt, row.Id).Encode(), row => row.ToView(now));
    }

    /// <summary>
    /// Cancels a queued or running job: Replay.Worker replays no page after this commits (a page in progress holds the
    /// job's row, so this waits for it). Audits <c>bulk_replay.cancelled</c> the first time.
    /// </summary>
    public async Task<BulkReplayCancellation> CancelAsync(Guid id, string requestedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var cancelled = await connection.ExecuteAsync(new CommandDefinition(
            """
            WITH cancelled AS (
                UPDATE bulk_replays SET status = 'cancelled', cancelled_by = @requestedBy, finished_at = @now,
                    lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
                WHERE id = @id AND status IN ('queued', 'running')
                RETURNING id, total, replayed
            )
            INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at, api_key_id)
            SELECT 'bulk_replay', id, 'bulk_replay.cancelled', @requestedBy, jsonb_build_object('total', total, 'replayed', replayed), @now, @apiKeyId
            FROM cancelled
            """, new { id, requestedBy, now, apiKeyId = actingKey.Id }, transaction, cancellationToken: cancellationToken));
        var view = await FindInAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new BulkReplayCancellation(view, Changed: cancelled > 0);
    }

    private async Task<BulkReplayView?> FindInAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM {Source} WHERE b.id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        return row?.ToView(timeProvider.GetUtcNow());
    }

    private sealed record Row(
        Guid Id, string Status, string Filter, string RequestedBy, string Reason, int EventsPerSecond, int Total, int Replayed, int Skipped,
        long Delivered, long Failed, long InFlight, DateTime CutoffAt, DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt,
        string? CancelledBy, string? Error)
    {
        public BulkReplayView ToView(DateTimeOffset now) => new(
            Id, Status, JsonColumn.Parse(Filter), RequestedBy, Reason, EventsPerSecond, Total, Replayed, Skipped,
            BulkReplayProgress.Percent(Status, Total, Replayed, Skipped),
            BulkReplayProgress.EstimatedSecondsRemaining(Status, Total, Replayed, EventsPerSecond, StartedAt is { } started ? new DateTimeOffset(started, TimeSpan.Zero) : null, now),
            new BulkReplayOutcome(Delivered, Failed, InFlight), CutoffAt, CreatedAt, StartedAt, FinishedAt, CancelledBy, Error);
    }
}

/// <param name="View">The job after the request; null when it does not exist.</param>
/// <param name="Changed">This request cancelled it (false: it was finished already, or cancelled before).</param>
public sealed record BulkReplayCancellation(BulkReplayView? View, bool Changed);
