using MassTransit;
using Relay.Contracts;
using Relay.Delivery.Worker.Persistence;
using Relay.Delivery.Worker.Scheduling;

namespace Relay.Delivery.Worker.Consumers;

/// <summary>An operator resumed a destination: what was held for it becomes due, and the scheduler delivers it.</summary>
public sealed class DestinationResumedConsumer(DeliveryRepository repository, SchedulerWakeup wakeup, ILogger<DestinationResumedConsumer> logger) : IConsumer<DestinationResumed>
{
    public async Task Consume(ConsumeContext<DestinationResumed> context)
    {
        var released = await repository.ReleaseHeldAsync(context.Message.DestinationId, context.CancellationToken);
        wakeup.DueNow();
        logger.LogInformation("Destination {DestinationId} resumed by {RequestedBy}: {Released} held deliveries released", context.Message.DestinationId, context.Message.RequestedBy, released);
    }
}
