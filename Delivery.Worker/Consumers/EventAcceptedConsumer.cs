using MassTransit;
using Relay.Contracts;
using Relay.Delivery.Worker.Delivery;

namespace Relay.Delivery.Worker.Consumers;

/// <summary>Ingress accepted an event: deliver it.</summary>
public sealed class EventAcceptedConsumer(DeliveryService deliveryService) : IConsumer<EventAccepted>
{
    public Task Consume(ConsumeContext<EventAccepted> context) => deliveryService.DeliverAsync(context.Message.EventId, context.CancellationToken);
}
