using MassTransit;
using Relay.Contracts;
using Relay.Delivery.Worker.Persistence;
using Relay.Delivery.Worker.Scheduling;

namespace Relay.Delivery.Worker.Consumers;

/// <summary>
/// Re-sends a destination's failed deliveries since a time, in batches, counting progress on the recovery row; the
/// scheduler then delivers them under the destination's gate, like any due delivery. A redelivered message
/// continues an unfinished recovery and ignores a finished one.
/// </summary>
public sealed class DestinationRecoveryRequestedConsumer(DeliveryRepository repository, SchedulerWakeup wakeup, ILogger<DestinationRecoveryRequestedConsumer> logger) : IConsumer<DestinationRecoveryRequested>
{
    private const int BatchSize = 500;

    public async Task Consume(ConsumeContext<DestinationRecoveryRequested> context)
    {
        var recoveryId = context.Message.RecoveryId;
        if (await repository.StartRecoveryAsync(recoveryId, context.CancellationToken) is not { } recovery)
        {
            return;
        }
        var total = 0;
        int requeued;
        while ((requeued = await repository.RequeueRecoveryBatchAsync(recoveryId, recovery.DestinationId, recovery.Since, BatchSize, context.CancellationToken)) > 0)
        {
            total += requeued;
            wakeup.DueNow();
        }
        await repository.FinishRecoveryAsync(recoveryId, null, context.CancellationToken);
        logger.LogInformation("Recovery {RecoveryId} of destination {DestinationId} requeued {Requeued} failed deliveries", recoveryId, recovery.DestinationId, total);
    }
}
