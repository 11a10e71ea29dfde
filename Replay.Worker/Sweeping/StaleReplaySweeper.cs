using Microsoft.Extensions.Options;
using Relay.Replay.Worker.Dispatch;
using Relay.Replay.Worker.Persistence;

namespace Relay.Replay.Worker.Sweeping;

/// <summary>
/// The replay counterpart of Delivery.Worker's pending sweep: a request whose message never arrived (lost, or
/// parked in <c>replay-requested_error</c>) is dispatched from PostgreSQL. Dispatch is guarded by the request's
/// status, so a message that does arrive later is a no-op.
/// </summary>
public sealed class StaleReplaySweeper(ReplayRepository repository, ReplayDispatchService dispatcher, IOptions<ReplaySweepOptions> options, ILogger<StaleReplaySweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    foreach (var request in await repository.FindStaleQueuedAsync(TimeSpan.FromSeconds(options.Value.QueuedGraceSeconds), 50, stoppingToken))
                    {
                        logger.LogWarning("Replay {ReplayRequestId} still queued after {Grace}s; dispatching it from the database", request.ReplayRequestId, options.Value.QueuedGraceSeconds);
                        await dispatcher.DispatchAsync(request, stoppingToken);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Database away: try again on the next tick.
                    logger.LogWarning("Replay sweep failed ({Message})", exception.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
