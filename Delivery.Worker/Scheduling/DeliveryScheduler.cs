using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Relay.Delivery.Worker.Delivery;
using Relay.Delivery.Worker.Persistence;

namespace Relay.Delivery.Worker.Scheduling;

/// <summary>
/// Delivers what no message will: events whose fan-out message was lost, retries whose time has come, deliveries
/// deferred by their destination's gate or released by a resume, and deliveries whose worker died mid-attempt
/// (expired lease). State lives in PostgreSQL, so retries survive restarts of this worker and of the broker;
/// claims are guarded updates, so replicas never take the same delivery. Between sweeps it sleeps until the next
/// due time the database reported or this worker signalled (<see cref="SchedulerWakeup"/>), at most
/// <c>SchedulerMaxSleepMs</c>: one query per sweep, and few sweeps when idle. On shutdown it stops claiming and
/// waits for the deliveries it started.
/// </summary>
public sealed class DeliveryScheduler(
    DeliveryRepository repository,
    DeliveryService deliveryService,
    SchedulerWakeup wakeup,
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
        var maxSleep = TimeSpan.FromMilliseconds(settings.SchedulerMaxSleepMs);
        var grace = TimeSpan.FromSeconds(settings.PendingGraceSeconds);
        var failureDelay = TimeSpan.Zero;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var sleep = interval;
                try
                {
                    // Whatever was signalled until now, this sweep sees.
                    wakeup.Reset();
                    // Read no more than can start now, so no claimed delivery waits for a slot while its lease runs.
                    var limit = Math.Min(settings.SchedulerBatchSize, slots.CurrentCount);
                    var sweep = await repository.SweepAsync(settings.SchedulerBatchSize, limit, grace, stoppingToken);
                    foreach (var eventId in sweep.StrandedEventIds)
                    {
                        logger.LogWarning("Event {EventId} was not fanned out {Grace} after it was accepted or replayed; fanning it out from the database", eventId, grace);
                        await slots.WaitAsync(stoppingToken);
                        Start(eventId, () => deliveryService.HandleEventAsync(eventId, CancellationToken.None), slots);
                    }
                    var claims = await deliveryService.ClaimAsync(sweep.Due, anyTime: false, stoppingToken);
                    foreach (var claim in claims)
                    {
                        await slots.WaitAsync(CancellationToken.None);
                        Start(claim.DeliveryId, () => deliveryService.DeliverClaimedAsync(claim), slots);
                    }
                    // A full batch means more is due now; slots all busy means it waits for them; otherwise sleep until
                    // the next due time (one this worker schedules meanwhile wakes it earlier).
                    sleep = limit > 0 && sweep.Due.Count == limit && claims.Count > 0 ? TimeSpan.Zero
                        : limit == 0 || sweep.NextDueIn <= TimeSpan.Zero ? interval
                        : sweep.NextDueIn < maxSleep ? sweep.NextDueIn : maxSleep;
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
                    sleep = failureDelay;
                    logger.LogWarning("Delivery scheduler sweep failed ({Message}); retrying in {Delay}", exception.Message, failureDelay);
                }

                if (sleep > TimeSpan.Zero)
                {
                    try
                    {
                        if (failureDelay > TimeSpan.Zero)
                        {
                            await Task.Delay(failureDelay, timeProvider, stoppingToken);
                        }
                        else
                        {
                            await wakeup.WaitAsync(timeProvider.GetUtcNow() + sleep, stoppingToken);
                        }
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
