using MassTransit;
using Microsoft.Extensions.Options;
using Relay.Delivery.Worker.Delivery;

namespace Relay.Delivery.Worker.Consumers;

public sealed class EventReplayedConsumerDefinition(IOptions<DeliveryOptions> options) : DeliveryConsumerDefinition<EventReplayedConsumer>(options);
