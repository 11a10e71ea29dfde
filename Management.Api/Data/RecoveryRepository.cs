using System.Text.Json;
using Dapper;
using Npgsql;
using Relay.Contracts;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Security.ApiKeys;

namespace Relay.Management.Api.Data;

/// <summary>
/// Recoveries of a destination's failed deliveries: requested here (the row, its audit entry and the
/// <see cref="DestinationRecoveryRequested"/> outbox row in one transaction), carried out by Delivery.Worker.
/// </summary>
public sealed class RecoveryRepository(NpgsqlDataSource dataSource, ActingApiKey actingKey)
{
    private const string Columns =
        """
        r.id, r.destination_id, r.since, r.requested_by, r.status, r.total, r.requeued,
        (SELECT count(*) FROM deliveries v WHERE v.recovery_id = r.id AND v.status = 'succeeded') AS succeeded,
        (SELECT count(*) FROM deliveries v WHERE v.recovery_id = r.id AND v.status = 'failed') AS failed,
        (SELECT count(*) FROM deliveries v WHERE v.recovery_id = r.id AND v.status NOT IN ('succeeded', 'failed')) AS pending,
        r.error, r.created_at, r.started_at, r.completed_at
        """;

    /// <summary>Records the request; null when the destination does not exist (or was deleted).</summary>
    public async Task<RecoveryView?> CreateAsync(Guid destinationId, DateTimeOffset since, string requestedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO destination_recoveries (id, destination_id, since, requested_by, status, created_at)
            SELECT @id, d.id, @since, @requestedBy, 'queued', @now FROM destinations d WHERE d.id = @destinationId AND d.deleted_at IS NULL
            """, new { id, destinationId, since, requestedBy, now }, transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at, api_key_id)
            VALUES ('destination', @destinationId, 'destination.recovery_requested', @requestedBy, CAST(@details AS jsonb), @now, @apiKeyId)
            """, new { destinationId, requestedBy, now, details = JsonSerializer.Serialize(new { recoveryId = id, since }, JsonSerializerOptions.Web), apiKeyId = actingKey.Id },
            transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(OutboxEntry.InsertSql,
            OutboxEntry.For(new DestinationRecoveryRequested(id, destinationId, since, requestedBy)), transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return await FindAsync(id, cancellationToken);
    }

    public async Task<RecoveryView?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RecoveryView>(new CommandDefinition(
            $"SELECT {Columns} FROM destination_recoveries r WHERE r.id = @id", new { id }, cancellationToken: cancellationToken));
    }
}
