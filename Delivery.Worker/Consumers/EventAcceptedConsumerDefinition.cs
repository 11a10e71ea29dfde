using MassTransit;
using Microsoft.Extensions.Options;
using Relay.Delivery.Worker.Delivery;

namespace Relay.Delivery.Worker.Consumers;

public sealed class EventAcceptedConsumerDefinition(IOptions<DeliveryOptions> options) : DeliveryConsumerDefinition<EventAcceptedConsumer>(options);
