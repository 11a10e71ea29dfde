using MassTransit;
using Relay.Contracts;
using Relay.Replay.Worker.Dispatch;

namespace Relay.Replay.Worker.Consumers;

/// <summary>An operator asked for a replay: dispatch it.</summary>
public sealed class ReplayRequestedConsumer(ReplayDispatchService replayDispatchService) : IConsumer<ReplayRequested>
{
    public Task Consume(ConsumeContext<ReplayRequested> context) => replayDispatchService.DispatchAsync(context.Message, context.CancellationToken);
}
