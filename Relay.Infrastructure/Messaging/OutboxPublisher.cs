using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Relay.Infrastructure.Messaging;

/// <summary>
/// Sends outbox rows to RabbitMQ. Rows are locked with <c>FOR UPDATE SKIP LOCKED</c>, so any number of
/// replicas share the work; a row is deleted (and its audit entry written) only after the broker confirmed
/// every message of the batch. A crash in between sends a message twice, which consumers tolerate.
/// </summary>
public sealed class OutboxPublisher(
    NpgsqlDataSource dataSource,
    IBus bus,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    private static readonly ActivitySource ActivitySource = new("Relay.Outbox");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failureDelay = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await PublishBatchAsync(stoppingToken);
                failureDelay = TimeSpan.Zero;
                if (sent < options.Value.BatchSize)
                {
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Broker or database away: the rows stay and are sent when both are back.
                failureDelay = TimeSpan.FromMilliseconds(Math.Clamp(failureDelay.TotalMilliseconds * 2, 250, 5000));
                logger.LogWarning("Outbox publishing failed ({Message}); retrying in {Delay}", exception.Message, failureDelay);
                try
                {
                    await Task.Delay(failureDelay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    internal async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            "SELECT id, message_type, payload::text AS payload FROM outbox_messages ORDER BY id LIMIT @BatchSize FOR UPDATE SKIP LOCKED",
            new { options.Value.BatchSize }, transaction, cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0)
        {
            return 0;
        }

        using var activity = ActivitySource.StartActivity("outbox publish");
        activity?.SetTag("relay.outbox.batch_size", rows.Count);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(options.Value.PublishTimeout);
            await Task.WhenAll(rows.Select(row =>
            {
                var messageType = OutboxEntry.ResolveMessageType(row.MessageType);
                var message = JsonSerializer.Deserialize(row.Payload, messageType, JsonSerializerOptions.Web)!;
                return bus.Publish(message, messageType, timeout.Token);
            }));
        }

        // One statement: the sent rows are found once, deleted, and their audit entries written from what was deleted.
        var ids = rows.Select(row => row.Id).ToArray();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            WITH sent AS (
                DELETE FROM outbox_messages WHERE id = ANY(@ids)
                RETURNING id, audit_entity_type, audit_entity_id, audit_action, audit_details
            )
            INSERT INTO audit_entries (entity_type, entity_id, action, actor, details)
            SELECT audit_entity_type, audit_entity_id, audit_action, 'system', COALESCE(audit_details, '{}'::jsonb)
            FROM sent WHERE audit_action IS NOT NULL ORDER BY id
            """, new { ids }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    private sealed record OutboxRow(long Id, string MessageType, string Payload);
}
