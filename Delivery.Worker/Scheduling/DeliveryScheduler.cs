using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Relay.Delivery.Worker.Delivery;
using Relay.Delivery.Worker.Persistence;

namespace Relay.Delivery.Worker.Scheduling;

/// <summary>
/// Delivers what no message will: retries whose time has come, pending events whose message was lost, and events
/// whose worker died mid-delivery (expired lease). State lives in PostgreSQL, so retries survive restarts of this
/// worker and of the broker; claims use <c>FOR UPDATE SKIP LOCKED</c>, so replicas never take the same event.
/// On shutdown it stops claiming and waits for the deliveries it started.
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
        var failureDelay = TimeSpan.Zero;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var claimedFullBatch = false;
                try
                {
                    // Claim no more than can start now, so no claimed event waits for a slot while its lease runs.
                    var limit = Math.Min(settings.SchedulerBatchSize, slots.CurrentCount);
                    if (limit > 0)
                    {
                        var claims = await repository.ClaimDueAsync(limit, settings.Lease, TimeSpan.FromSeconds(settings.PendingGraceSeconds), stoppingToken);
                        foreach (var claim in claims)
                        {
                            await slots.WaitAsync(CancellationToken.None);
                            Start(claim, slots);
                        }
                        claimedFullBatch = claims.Count == settings.SchedulerBatchSize;
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

    private void Start(ClaimedDelivery claim, SemaphoreSlim slots)
    {
        var key = Guid.NewGuid();
        var delivery = Task.Run(async () =>
        {
            try
            {
                await deliveryService.DeliverClaimedAsync(claim);
            }
            catch (Exception exception)
            {
                // Recording failed for good; the lease expires and a later sweep delivers the event again.
                logger.LogError(exception, "Scheduled delivery of event {EventId} could not be recorded", claim.EventId);
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
