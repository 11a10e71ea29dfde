using MassTransit;
using Relay.Contracts;
using Relay.Delivery.Worker.Delivery;

namespace Relay.Delivery.Worker.Consumers;

/// <summary>Ingress accepted an event: fan it out to its destinations and deliver.</summary>
public sealed class EventAcceptedConsumer(DeliveryService deliveryService) : IConsumer<EventAccepted>
{
    public Task Consume(ConsumeContext<EventAccepted> context) => deliveryService.HandleEventAsync(context.Message.EventId, context.CancellationToken);
}
