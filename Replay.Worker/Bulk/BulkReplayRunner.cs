using System.Diagnostics;
using Microsoft.Extensions.Options;
using Relay.Contracts;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Replays;
using Relay.Replay.Worker.Persistence;

namespace Relay.Replay.Worker.Bulk;

/// <summary>
/// Runs bulk replay jobs, one at a time per worker: takes the oldest job no live worker holds (woken by
/// <c>BulkReplayRequested</c>, or finding it on its next look), replays it page by page at the job's rate (never above
/// <c>Relay:Replay:BulkMaxEventsPerSecond</c>), and stops when it completes, is cancelled or is taken over. A job
/// whose worker stopped gracefully is handed back and resumed at once by the next worker; one whose worker was killed
/// is resumed once its lease expires. Either way it continues from its recorded position (see
/// <see cref="BulkReplayRepository"/>), so no event is replayed twice by one job.
/// </summary>
public sealed class BulkReplayRunner(
    BulkReplayRepository repository,
    BulkReplayWakeup wakeup,
    OutboxSignal outboxSignal,
    IOptions<BulkReplayOptions> options,
    TimeProvider timeProvider,
    ILogger<BulkReplayRunner> logger) : BackgroundService
{
    /// <summary>Consecutive failures of a kind retrying does not cure (a database that is up refused the page) before the job is failed.</summary>
    internal const int MaxPermanentFailures = 3;

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private static readonly ActivitySource ActivitySource = new("Relay.Replay");

    // Unique per process, so a restarted worker never mistakes its predecessor's lease for its own.
    private readonly string owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var lease = TimeSpan.FromSeconds(settings.BulkLeaseSeconds);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await repository.ClaimAsync(owner, lease, stoppingToken) is { } job)
                {
                    failures = 0;
                    await RunAsync(job, lease, stoppingToken);
                    continue;
                }
                failures = 0;
                await wakeup.WaitAsync(TimeSpan.FromSeconds(settings.BulkPollSeconds), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Database away: look again a little later.
                logger.LogWarning("Looking for bulk replays failed ({Message})", exception.Message);
                await DelayAsync(RetryDelay(++failures), stoppingToken);
            }
        }
    }

    private async Task RunAsync(BulkReplayClaim job, TimeSpan lease, CancellationToken stoppingToken)
    {
        var rate = Math.Min(job.EventsPerSecond, options.Value.BulkMaxEventsPerSecond);
        var pageSize = RatePacer.PageSize(rate, options.Value.BulkPageSize);
        logger.LogInformation("Bulk replay {BulkReplayId} {Action} at {Rate} events/s ({Replayed} of {Total} replayed so far)",
            job.Id, job.Resumed ? "resumed" : "started", rate, job.Replayed, job.Total);
        var pacer = new RatePacer(rate, timeProvider);
        var failures = 0;
        try
        {
            while (true)
            {
                BulkReplayPage page;
                try
                {
                    // The page's trace is stored with its EventReplayed messages, so each replayed delivery joins it.
                    using var activity = ActivitySource.StartActivity("bulk replay page");
                    activity?.SetTag("relay.bulk_replay_id", job.Id);
                    page = await repository.ReplayPageAsync(job.Id, owner, pageSize, lease,
                        replayed => new EventReplayed(replayed.EventId, replayed.ReplayRequestId, replayed.CorrelationId, timeProvider.GetUtcNow()), stoppingToken);
                    activity?.SetTag("relay.bulk_replay.events", page.Count);
                    failures = 0;
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    failures++;
                    if (!TransientDatabaseErrors.IsTransient(exception) && failures >= MaxPermanentFailures)
                    {
                        logger.LogError(exception, "Bulk replay {BulkReplayId} failed", job.Id);
                        await repository.FailAsync(job.Id, owner, exception.Message, stoppingToken);
                        return;
                    }
                    logger.LogWarning("A page of bulk replay {BulkReplayId} failed ({Message}); retrying", job.Id, exception.Message);
                    await Task.Delay(RetryDelay(failures), timeProvider, stoppingToken);
                    continue;
                }

                if (page.Count > 0)
                {
                    outboxSignal.Notify();
                }
                if (page.Outcome != BulkReplayPageOutcome.Replayed)
                {
                    logger.LogInformation("Bulk replay {BulkReplayId} stopped: {Status}", job.Id, page.Status ?? "gone");
                    return;
                }
                await Task.Delay(pacer.Next(page.Count), timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: hand the job back so whichever worker looks next resumes it without waiting for the lease.
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), timeProvider);
                await repository.ReleaseAsync(job.Id, owner, timeout.Token);
                logger.LogInformation("Bulk replay {BulkReplayId} handed back on shutdown", job.Id);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                logger.LogWarning("Handing back bulk replay {BulkReplayId} failed ({Message}); it resumes once its lease expires", job.Id, exception.Message);
            }
            throw;
        }
    }

    private static TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(failures, 10))));

    private async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
