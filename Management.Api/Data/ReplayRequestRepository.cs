using Dapper;
using Npgsql;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Security.ApiKeys;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Data;

/// <summary>Replay requests: written with their job, audit entry and outbox message in one transaction.</summary>
public sealed class ReplayRequestRepository(NpgsqlDataSource dataSource, ActingApiKey actingKey)
{
    public const string QueueName = "replay-requested";

    public const string Columns =
        "id, normalized_event_id AS event_id, requested_by, reason, status, failure_reason, created_at, processed_at";

    private const string InsertSql =
        """
        INSERT INTO replay_requests (id, normalized_event_id, requested_by, reason, status, created_at)
        VALUES (@Id, @EventId, @RequestedBy, @Reason, 'queued', @RequestedAt);
        INSERT INTO processing_jobs (id, normalized_event_id, queue_name, triggered_by, status, attempt_no, scheduled_at, created_at)
        VALUES (@JobId, @EventId, @QueueName, 'replay', 'queued', @AttemptNo, @RequestedAt, @RequestedAt);
        INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at, api_key_id)
        VALUES ('replay_request', @Id, 'replay.requested', @RequestedBy, CAST(@ReplayAuditDetails AS jsonb), @RequestedAt, @ApiKeyId);
        """;

    /// <summary>
    /// Stores the request, its queued job, the <c>replay.requested</c> audit entry and the <c>ReplayRequested</c>
    /// outbox row, all or nothing. Returns false (writing nothing) when the event does not exist.
    /// </summary>
    public async Task<bool> TryCreateAsync(NewReplayRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var processingAttempts = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            "SELECT processing_attempts FROM normalized_events WHERE id = @EventId",
            new { request.EventId }, transaction, cancellationToken: cancellationToken));
        if (processingAttempts is null)
        {
            return false;
        }

        var parameters = new DynamicParameters(new
        {
            request.Id,
            request.JobId,
            request.EventId,
            request.RequestedBy,
            request.Reason,
            request.RequestedAt,
            QueueName,
            AttemptNo = processingAttempts.Value + 1,
            ReplayAuditDetails = request.AuditDetails,
            ApiKeyId = actingKey.Id,
        });
        parameters.AddDynamicParams(request.Outbox);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql + OutboxEntry.InsertSql, parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<ReplayRequestView?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ReplayRequestView>(new CommandDefinition(
            $"SELECT {Columns} FROM replay_requests WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Replay requests, newest first.</summary>
    public async Task<PageOf<ReplayRequestView>> ListAsync(ReplayListQuery query, CancellationToken cancellationToken) =>
        await Filter(query).ReadPageAsync<ReplayRequestView>(dataSource, Columns, "replay_requests", "created_at DESC, id DESC", query.Paging, cancellationToken);

    /// <summary>The page after the cursor, newest first; requests made meanwhile land before the first page.</summary>
    public async Task<CursorPage<ReplayRequestView>> ListByCursorAsync(ReplayListQuery query, ListCursorPaging paging, CancellationToken cancellationToken)
    {
        var rows = await Filter(query).ReadAfterAsync<ReplayRequestView>(
            dataSource, Columns, "replay_requests", "created_at", "id", SortDirection.Desc, paging, cancellationToken);
        return CursorPage<ReplayRequestView>.From(rows, paging.Limit, row => new ListCursor(ReplayListQuery.Order, row.CreatedAt, row.Id).Encode(), row => row);
    }

    private static SqlFilter Filter(ReplayListQuery query) =>
        new SqlFilter()
            .When(query.EventId, "normalized_event_id = @EventId", "EventId")
            .When(query.Status, "status = @Status", "Status")
            .When(query.RequestedBy, "requested_by = @RequestedBy", "RequestedBy")
            .Within(query.From, query.To, "created_at");
}
