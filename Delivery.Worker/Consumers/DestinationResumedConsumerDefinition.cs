using Microsoft.Extensions.Options;
using Relay.Delivery.Worker.Delivery;

namespace Relay.Delivery.Worker.Consumers;

public sealed class DestinationResumedConsumerDefinition(IOptions<DeliveryOptions> options) : DeliveryConsumerDefinition<DestinationResumedConsumer>(options);
