using Microsoft.Extensions.Options;
using Relay.Delivery.Worker.Delivery;

namespace Relay.Delivery.Worker.Consumers;

public sealed class DestinationTestRequestedConsumerDefinition(IOptions<DeliveryOptions> options) : DeliveryConsumerDefinition<DestinationTestRequestedConsumer>(options);
