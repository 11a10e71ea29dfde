using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Relay.Infrastructure.Data;

namespace Relay.Infrastructure.Messaging;

/// <summary>
/// Sends outbox rows to RabbitMQ. Rows are locked with <c>FOR UPDATE SKIP LOCKED</c>, so any number of
/// replicas share the work; a row is deleted (and its audit entry written) only after the broker confirmed
/// every message of the batch. A crash in between sends a message twice, which consumers tolerate.
/// It sleeps until there is something to send: this process's writers wake it through <see cref="OutboxSignal"/>,
/// every other writer (another replica, another service) through the notification that migration 013's trigger sends
/// on <see cref="NotificationChannel"/> when a transaction that wrote outbox rows commits. The poll at
/// <see cref="OutboxOptions.PollInterval"/> is only a safety net.
/// </summary>
public sealed class OutboxPublisher(
    NpgsqlDataSource dataSource,
    IBus bus,
    OutboxSignal signal,
    PostgresNotifications notifications,
    IOptions<OutboxOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    /// <summary>The channel of <c>013_outbox_notify.sql</c>'s trigger.</summary>
    public const string NotificationChannel = "relay_outbox";

    private static readonly ActivitySource ActivitySource = new("Relay.Outbox");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // This process's own rows wake it at once; other writers' at most once a second (CoalescingWake).
        using var databaseWake = new CoalescingWake(signal.Notify, options.Value.NotificationWakeInterval, timeProvider);
        using var subscription = notifications.Subscribe(NotificationChannel, databaseWake.Notify);
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
            "SELECT id, message_type, payload::text AS payload, trace_parent FROM outbox_messages ORDER BY id LIMIT @BatchSize FOR UPDATE SKIP LOCKED",
            new { options.Value.BatchSize }, transaction, cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0)
        {
            return 0;
        }

        using var batch = ActivitySource.StartActivity("outbox publish batch");
        batch?.SetTag("relay.outbox.batch_size", rows.Count);

        // One statement: the rows are deleted and their audit entries written from what was deleted. It runs before
        // the publish, inside the transaction that commits only once the broker confirmed every message, so the
        // entries take their ids (the audit trail's order) before any consumer can write its own; a failed publish
        // rolls all of it back and the rows are sent again.
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

        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(options.Value.PublishTimeout);
            await Task.WhenAll(rows.Select(row => PublishAsync(row, batch, timeout.Token)));
        }
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>
    /// Publishes one row under an activity whose parent is the context stored with it, so the broker's send and
    /// consume spans, and all the consumer does, join the trace of the request or message that wrote the row; the
    /// batch is a link. A row stored without a context is published in the batch's trace.
    /// </summary>
    private async Task PublishAsync(OutboxRow row, Activity? batch, CancellationToken cancellationToken)
    {
        var messageType = OutboxEntry.ResolveMessageType(row.MessageType);
        var message = JsonSerializer.Deserialize(row.Payload, messageType, JsonSerializerOptions.Web)!;
        // Activity.Current set here stays in this call: an async method hands its caller back the caller's context.
        using var activity = OutboxEntry.ParseTraceParent(row.TraceParent) is { } parent
            ? ActivitySource.StartActivity($"outbox publish {row.MessageType}", ActivityKind.Internal, parent, links: batch is null ? null : [new ActivityLink(batch.Context)])
            : ActivitySource.StartActivity($"outbox publish {row.MessageType}");
        activity?.SetTag("relay.outbox.message_id", row.Id);
        await bus.Publish(message, messageType, cancellationToken);
    }

    private sealed record OutboxRow(long Id, string MessageType, string Payload, string? TraceParent);
}
