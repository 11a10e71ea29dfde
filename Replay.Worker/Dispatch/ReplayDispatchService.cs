using System.Text.Json;
using Relay.Contracts;
using Relay.Infrastructure.Messaging;
using Relay.Replay.Worker.Persistence;

namespace Relay.Replay.Worker.Dispatch;

/// <summary>
/// Dispatches a replay request: marks it dispatched, resets its event for a fresh delivery run, audits
/// <c>replay.dispatched</c> on the event (actor: who asked for the replay) and hands the event to Delivery.Worker through the outbox (<c>EventReplayed</c>),
/// all in one transaction. The request ends completed or failed with that delivery run.
/// </summary>
public sealed class ReplayDispatchService(ReplayRepository repository, OutboxSignal outboxSignal, TimeProvider timeProvider, ILogger<ReplayDispatchService> logger)
{
    public async Task<ReplayDispatchResult> DispatchAsync(ReplayRequested request, CancellationToken cancellationToken)
    {
        // The replay's correlation id (from the operator's request) follows the dispatch; deliveries keep the event's own.
        var correlationId = request.CorrelationId;
        var result = await repository.DispatchAsync(request.ReplayRequestId, eventId =>
            (OutboxEntry.For(new EventReplayed(eventId, request.ReplayRequestId, correlationId, timeProvider.GetUtcNow())),
             JsonSerializer.Serialize(new { replayRequestId = request.ReplayRequestId, correlationId }, JsonSerializerOptions.Web)), cancellationToken);

        switch (result)
        {
            case ReplayDispatchResult.Dispatched:
                outboxSignal.Notify();
                logger.LogInformation("Replay {ReplayRequestId} dispatched event {EventId}", request.ReplayRequestId, request.EventId);
                break;
            case ReplayDispatchResult.EventNotFound:
                logger.LogWarning("Replay {ReplayRequestId} failed: event {EventId} does not exist", request.ReplayRequestId, request.EventId);
                break;
            default:
                logger.LogDebug("Replay {ReplayRequestId} already handled or unknown; nothing to do", request.ReplayRequestId);
                break;
        }
        return result;
    }
}
