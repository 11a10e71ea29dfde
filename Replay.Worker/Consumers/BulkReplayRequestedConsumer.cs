using MassTransit;
using Relay.Contracts;
using Relay.Replay.Worker.Bulk;

namespace Relay.Replay.Worker.Consumers;

/// <summary>
/// An operator asked for a bulk replay: wake the runner. The job is in PostgreSQL and may run for hours, so the message
/// is not held while it runs (RabbitMQ would time out an unacknowledged delivery); whichever worker is free takes it.
/// </summary>
public sealed class BulkReplayRequestedConsumer(BulkReplayWakeup wakeup) : IConsumer<BulkReplayRequested>
{
    public Task Consume(ConsumeContext<BulkReplayRequested> context)
    {
        wakeup.Notify();
        return Task.CompletedTask;
    }
}
