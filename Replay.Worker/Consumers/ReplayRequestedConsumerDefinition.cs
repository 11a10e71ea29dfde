using MassTransit;

namespace Relay.Replay.Worker.Consumers;

/// <summary>Retries transient failures (database away); what still fails lands in <c>replay-requested_error</c>, never dropped.</summary>
public sealed class ReplayRequestedConsumerDefinition : ConsumerDefinition<ReplayRequestedConsumer>
{
    public ReplayRequestedConsumerDefinition()
    {
        Endpoint(endpoint => endpoint.ConcurrentMessageLimit = 16);
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ReplayRequestedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(250, 1000, 3000, 5000));
    }
}
