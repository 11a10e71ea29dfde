using MassTransit;

namespace Relay.Replay.Worker.Consumers;

public sealed class BulkReplayRequestedConsumerDefinition : ConsumerDefinition<BulkReplayRequestedConsumer>
{
    public BulkReplayRequestedConsumerDefinition()
    {
        Endpoint(endpoint => endpoint.ConcurrentMessageLimit = 4);
    }
}
