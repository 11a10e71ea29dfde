using MassTransit;
using Relay.Contracts;
using Relay.Delivery.Worker.Delivery;

namespace Relay.Delivery.Worker.Consumers;

/// <summary>Replay.Worker reset an event for a fresh run: fan it out again and deliver.</summary>
public sealed class EventReplayedConsumer(DeliveryService deliveryService) : IConsumer<EventReplayed>
{
    public Task Consume(ConsumeContext<EventReplayed> context) => deliveryService.HandleEventAsync(context.Message.EventId, context.CancellationToken);
}
