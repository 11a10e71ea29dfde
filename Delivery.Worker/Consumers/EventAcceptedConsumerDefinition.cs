using MassTransit;
using Microsoft.Extensions.Options;
using Relay.Delivery.Worker.Services;

namespace Relay.Delivery.Worker.Consumers;

public sealed class EventAcceptedConsumerDefinition(IOptions<DeliveryOptions> options) : DeliveryConsumerDefinition<EventAcceptedConsumer>(options);
