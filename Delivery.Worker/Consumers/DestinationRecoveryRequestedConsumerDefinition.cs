using Microsoft.Extensions.Options;
using Relay.Delivery.Worker.Delivery;

namespace Relay.Delivery.Worker.Consumers;

public sealed class DestinationRecoveryRequestedConsumerDefinition(IOptions<DeliveryOptions> options) : DeliveryConsumerDefinition<DestinationRecoveryRequestedConsumer>(options);
