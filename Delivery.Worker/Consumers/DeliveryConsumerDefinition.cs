using MassTransit;
using Microsoft.Extensions.Options;
using Relay.Delivery.Worker.Delivery;

namespace Relay.Delivery.Worker.Consumers;

/// <summary>
/// Bounded concurrency per endpoint, and in-process retries for failures such as the database being away; a
/// message that still fails lands in the endpoint's <c>_error</c> queue (visible, never dropped), and the
/// scheduler's pending sweep delivers its event anyway.
/// </summary>
public abstract class DeliveryConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    protected DeliveryConsumerDefinition(IOptions<DeliveryOptions> options)
    {
        var concurrency = options.Value.Concurrency;
        Endpoint(endpoint =>
        {
            endpoint.ConcurrentMessageLimit = concurrency;
            endpoint.PrefetchCount = concurrency;
        });
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(250, 1000, 3000, 5000));
    }
}
