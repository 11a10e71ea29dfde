using System.Diagnostics;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Lifecycle;

/// <summary>
/// Delivery.Worker killed (SIGKILL) or stopped (SIGTERM) mid-work: nothing it owed is lost, nothing is recorded
/// twice. Each test leaves the worker running again.
/// </summary>
public sealed class DeliveryRestartTests(DeliveryRestartCluster cluster) : IClassFixture<DeliveryRestartCluster>, IAsyncLifetime
{
    private const string Worker = "Delivery.Worker";
    private readonly LifecycleProbe probe = new(cluster);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await probe.DisposeAsync();
        if (!cluster.Service(Worker).IsRunning)
        {
            await cluster.RestartAsync(Worker);
        }
    }

    [Fact]
    public async Task Retry_pending_while_the_worker_is_killed_is_delivered_after_it_restarts()
    {
        var sinkUrl = await probe.SetCallbackUrlAsync("acme", LifecycleProbe.UnreachableUrl());
        try
        {
            var accepted = await probe.IngestAcmeAsync();
            var retrying = await probe.WaitForStatusAsync(accepted.EventId, "retrying");
            Assert.Equal(1, retrying.ProcessingAttempts);

            // Attempt 2 is due 6 s after attempt 1 (base 3 s × 2). The worker dies meanwhile; the destination recovers.
            await cluster.Service(Worker).KillAsync();
            await probe.SetCallbackUrlAsync("acme", sinkUrl);
            await cluster.RestartAsync(Worker);

            var processed = await probe.WaitForStatusAsync(accepted.EventId, "processed");
            Assert.Equal(2, processed.ProcessingAttempts);
            var attempts = await probe.AttemptsAsync(accepted.EventId);
            Assert.Equal([(1, "failed"), (2, "success")], attempts.Select(a => (a.AttemptNo, a.Status)));
            Assert.True(attempts[1].CreatedAt - attempts[0].CreatedAt >= TimeSpan.FromSeconds(6), $"{attempts[0].CreatedAt:O} -> {attempts[1].CreatedAt:O}");
            var retry = Assert.Single(await probe.AuditAsync(accepted.EventId), row => row.Action == "event.retry_scheduled");
            Assert.Equal(6000, retry.Details["delayMs"]!.GetValue<int>());
            Assert.Equal([("webhook", "failed"), ("retry", "succeeded")], (await probe.JobsAsync(accepted.EventId)).Select(j => (j.TriggeredBy, j.Status)));
        }
        finally
        {
            await RestoreSinkAsync();
        }
    }

    [Fact]
    public async Task Sigterm_during_a_slow_delivery_lets_it_finish_and_records_it_before_exiting()
    {
        var accepted = await probe.IngestAcmeAsync(new { id = "inv_slow", simulateDelayMs = 3000 });
        await probe.WaitForStatusAsync(accepted.EventId, "processing");

        var stopwatch = Stopwatch.StartNew();
        var exitCode = await cluster.Service(Worker).StopGracefullyAsync(TimeSpan.FromSeconds(45));
        stopwatch.Stop();

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{cluster.Service(Worker).RecentOutput}");
        // It waited for the delivery rather than abandoning it.
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(1), $"stopped after {stopwatch.Elapsed}");
        var evt = await probe.EventAsync(accepted.EventId);
        Assert.True(evt.Status == "processed", $"Event is {evt.Status} after the worker stopped\n{cluster.Service(Worker).RecentOutput}");
        var attempt = Assert.Single(await probe.AttemptsAsync(accepted.EventId));
        Assert.Equal(("success", 1, 202), (attempt.Status, attempt.AttemptNo, attempt.HttpStatus));
        Assert.True(attempt.DurationMs >= 3000, $"duration {attempt.DurationMs} ms");
    }

    [Fact]
    public async Task Delivery_cut_off_by_a_kill_is_delivered_again_once_its_lease_expires()
    {
        var accepted = await probe.IngestAcmeAsync(new { id = "inv_cut", simulateDelayMs = 3000 });
        await probe.WaitForStatusAsync(accepted.EventId, "processing");

        await cluster.Service(Worker).KillAsync();
        await cluster.RestartAsync(Worker);

        // The unrecorded attempt is made again, under the same number, once the lease has expired.
        var processed = await probe.WaitForStatusAsync(accepted.EventId, "processed", TimeSpan.FromSeconds(DeliveryRestartCluster.LeaseSeconds + 30));
        Assert.Equal(1, processed.ProcessingAttempts);
        var attempt = Assert.Single(await probe.AttemptsAsync(accepted.EventId));
        Assert.Equal(("success", 1), (attempt.Status, attempt.AttemptNo));
        Assert.Equal([("webhook", "succeeded")], (await probe.JobsAsync(accepted.EventId)).Select(j => (j.TriggeredBy, j.Status)));
    }

    private async Task RestoreSinkAsync()
    {
        await probe.SetCallbackUrlAsync("acme", $"{cluster.GatewayAddress.ToString().TrimEnd('/')}/api/v1/internal/delivery-sink/acme");
    }
}
