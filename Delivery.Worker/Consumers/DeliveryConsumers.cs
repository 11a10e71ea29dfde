using MassTransit;
using Microsoft.Extensions.Options;
using Relay.Contracts;
using Relay.Delivery.Worker.Services;

namespace Relay.Delivery.Worker.Consumers;

/// <summary>Ingress accepted an event: deliver it.</summary>
public sealed class EventAcceptedConsumer(DeliveryService deliveryService) : IConsumer<EventAccepted>
{
    public Task Consume(ConsumeContext<EventAccepted> context) => deliveryService.DeliverAsync(context.Message.EventId, context.CancellationToken);
}

/// <summary>Replay.Worker reset an event for a fresh run: deliver it.</summary>
public sealed class EventReplayedConsumer(DeliveryService deliveryService) : IConsumer<EventReplayed>
{
    public Task Consume(ConsumeContext<EventReplayed> context) => deliveryService.DeliverAsync(context.Message.EventId, context.CancellationToken);
}

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

public sealed class EventAcceptedConsumerDefinition(IOptions<DeliveryOptions> options) : DeliveryConsumerDefinition<EventAcceptedConsumer>(options);

public sealed class EventReplayedConsumerDefinition(IOptions<DeliveryOptions> options) : DeliveryConsumerDefinition<EventReplayedConsumer>(options);
