using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Relay.Delivery.Worker.Delivery;
using Relay.Delivery.Worker.Persistence;

namespace Relay.Delivery.Worker.Scheduling;

/// <summary>
/// Delivers what no message will: events whose fan-out message was lost, retries whose time has come, deliveries
/// deferred by their destination's gate or released by a resume, and deliveries whose worker died mid-attempt
/// (expired lease). State lives in PostgreSQL, so retries survive restarts of this worker and of the broker;
/// claims are guarded updates, so replicas never take the same delivery. On shutdown it stops claiming and waits
/// for the deliveries it started.
/// </summary>
public sealed class DeliveryScheduler(
    DeliveryRepository repository,
    DeliveryService deliveryService,
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider,
    ILogger<DeliveryScheduler> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, Task> inFlight = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        var interval = TimeSpan.FromMilliseconds(settings.SchedulerIntervalMs);
        var grace = TimeSpan.FromSeconds(settings.PendingGraceSeconds);
        var failureDelay = TimeSpan.Zero;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var claimedFullBatch = false;
                try
                {
                    foreach (var eventId in await repository.FindStrandedEventsAsync(settings.SchedulerBatchSize, grace, stoppingToken))
                    {
                        logger.LogWarning("Event {EventId} was not fanned out {Grace} after it was accepted or replayed; fanning it out from the database", eventId, grace);
                        await slots.WaitAsync(stoppingToken);
                        Start(eventId, () => deliveryService.HandleEventAsync(eventId, CancellationToken.None), slots);
                    }

                    // Read no more than can start now, so no claimed delivery waits for a slot while its lease runs.
                    var limit = Math.Min(settings.SchedulerBatchSize, slots.CurrentCount);
                    if (limit > 0)
                    {
                        var due = await repository.FindDueAsync(limit, stoppingToken);
                        var claims = await deliveryService.ClaimAsync(due, anyTime: false, stoppingToken);
                        foreach (var claim in claims)
                        {
                            await slots.WaitAsync(CancellationToken.None);
                            Start(claim.DeliveryId, () => deliveryService.DeliverClaimedAsync(claim), slots);
                        }
                        claimedFullBatch = due.Count == limit && claims.Count > 0;
                    }
                    failureDelay = TimeSpan.Zero;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception exception)
                {
                    // Database away: claims stay where they are and the sweep resumes when it is back.
                    failureDelay = TimeSpan.FromMilliseconds(Math.Clamp(failureDelay.TotalMilliseconds * 2, 250, 5000));
                    logger.LogWarning("Delivery scheduler sweep failed ({Message}); retrying in {Delay}", exception.Message, failureDelay);
                }

                if (!claimedFullBatch || failureDelay > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(failureDelay > TimeSpan.Zero ? failureDelay : interval, timeProvider, stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            // Graceful shutdown: every delivery this scheduler claimed is finished and recorded before the host stops.
            await Task.WhenAll(inFlight.Values);
        }
    }

    private void Start(Guid id, Func<Task> work, SemaphoreSlim slots)
    {
        var key = Guid.NewGuid();
        var delivery = Task.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (Exception exception)
            {
                // Recording failed for good; the lease expires (or the fan-out stays undone) and a later sweep retries.
                logger.LogError(exception, "Scheduled delivery work for {Id} could not be completed", id);
            }
            finally
            {
                slots.Release();
            }
        });
        inFlight[key] = delivery;
        // Registered after the add, so a delivery that finishes at once is still removed.
        delivery.ContinueWith(_ => inFlight.TryRemove(key, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
