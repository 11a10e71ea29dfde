using System.Net;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Lifecycle;

/// <summary>
/// An event's life after ingest, through the gateway and the real services: delivery, retries, failure and
/// replay. The tests of this class run one after another (some repoint the acme integration for a while).
/// </summary>
public sealed class DeliveryLifecycleTests(DeliveryLifecycleCluster cluster) : IClassFixture<DeliveryLifecycleCluster>, IAsyncLifetime
{
    private readonly LifecycleProbe probe = new(cluster);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await probe.DisposeAsync();

    [Fact]
    public async Task Delivered_event_is_processed_with_one_successful_attempt_and_the_full_audit_trail()
    {
        var accepted = await probe.IngestAcmeAsync();

        var processed = await probe.WaitForStatusAsync(accepted.EventId, "processed");
        Assert.Equal(1, processed.ProcessingAttempts);
        Assert.Null(processed.LastError);
        Assert.NotNull(processed.LastProcessedAt);
        Assert.Null(processed.LeaseId);

        var attempt = Assert.Single(await probe.AttemptsAsync(accepted.EventId));
        Assert.Equal(1, attempt.AttemptNo);
        Assert.Equal("success", attempt.Status);
        Assert.Equal((int)HttpStatusCode.Accepted, attempt.HttpStatus);
        Assert.Contains("\"accepted\":true", attempt.ResponseBody);
        Assert.Null(attempt.ErrorMessage);
        Assert.True(attempt.DurationMs >= 0);

        var job = Assert.Single(await probe.JobsAsync(accepted.EventId));
        Assert.Equal(("webhook", "succeeded", 1), (job.TriggeredBy, job.Status, job.AttemptNo));
        Assert.NotNull(job.StartedAt);
        Assert.NotNull(job.CompletedAt);

        var audit = await Webhooks.EventuallyAsync(() => probe.AuditAsync(accepted.EventId), rows => rows.Count >= 4, LifecycleProbe.Patience);
        Assert.Equal(["webhook.received", "event.normalized", "event.queued", "event.processed"], audit.Select(row => row.Action));
        var processedAudit = audit[^1].Details;
        Assert.Equal(1, processedAudit["attemptNo"]!.GetValue<int>());
        Assert.Equal(202, processedAudit["httpStatus"]!.GetValue<int>());
        Assert.Equal(accepted.CorrelationId, processedAudit["correlationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Failing_destination_is_retried_to_the_maximum_with_growing_delays_then_the_event_fails()
    {
        var accepted = await probe.IngestAcmeAsync(new { id = "inv_fail", simulateFailure = true });

        var failed = await probe.WaitForStatusAsync(accepted.EventId, "failed");
        Assert.Equal(3, failed.ProcessingAttempts);
        Assert.Equal("Callback answered HTTP 500", failed.LastError);
        Assert.Null(failed.LastProcessedAt);

        var attempts = await probe.AttemptsAsync(accepted.EventId);
        Assert.Equal([1, 2, 3], attempts.Select(a => a.AttemptNo));
        Assert.All(attempts, attempt =>
        {
            Assert.Equal("failed", attempt.Status);
            Assert.Equal(500, attempt.HttpStatus);
            Assert.Contains("Simulated delivery failure", attempt.ResponseBody);
            Assert.Equal("Callback answered HTTP 500", attempt.ErrorMessage);
        });
        // Base 200 ms: attempt 2 waits 400 ms, attempt 3 waits 800 ms (both measured on the database's clock).
        Assert.True(attempts[1].CreatedAt - attempts[0].CreatedAt >= TimeSpan.FromMilliseconds(400), $"{attempts[0].CreatedAt:O} -> {attempts[1].CreatedAt:O}");
        Assert.True(attempts[2].CreatedAt - attempts[1].CreatedAt >= TimeSpan.FromMilliseconds(800), $"{attempts[1].CreatedAt:O} -> {attempts[2].CreatedAt:O}");

        var jobs = await probe.JobsAsync(accepted.EventId);
        Assert.Equal([("webhook", "failed", 1), ("retry", "failed", 2), ("retry", "failed", 3)], jobs.Select(j => (j.TriggeredBy, j.Status, j.AttemptNo)));

        var outcomes = (await probe.AuditAsync(accepted.EventId)).Where(row => row.Action.StartsWith("event.", StringComparison.Ordinal) && row.Action is not ("event.normalized" or "event.queued")).ToList();
        Assert.Equal(["event.retry_scheduled", "event.retry_scheduled", "event.failed"], outcomes.Select(row => row.Action));
        Assert.Equal((2, 400), (outcomes[0].Details["attemptNo"]!.GetValue<int>(), outcomes[0].Details["delayMs"]!.GetValue<int>()));
        Assert.Equal((3, 800), (outcomes[1].Details["attemptNo"]!.GetValue<int>(), outcomes[1].Details["delayMs"]!.GetValue<int>()));
        Assert.All(outcomes.Take(2), row =>
        {
            Assert.Equal(accepted.CorrelationId, row.Details["correlationId"]!.GetValue<string>());
            Assert.Equal("Callback answered HTTP 500", row.Details["reason"]!.GetValue<string>());
        });
        Assert.Equal(3, outcomes[2].Details["attemptNo"]!.GetValue<int>());
    }

    [Fact]
    public async Task Replay_request_whose_message_never_arrived_is_dispatched_by_the_sweep()
    {
        var accepted = await probe.IngestAcmeAsync();
        await probe.WaitForStatusAsync(accepted.EventId, "processed");

        // The request is stored but its ReplayRequested message never reaches the broker (no outbox row).
        var replay = await probe.RequestReplayAsync(accepted.EventId, "message lost on the way", "replay-lost", publish: false);

        var (status, processedAt) = await Webhooks.EventuallyAsync(() => probe.ReplayRequestAsync(replay), r => r.Status == "completed", LifecycleProbe.Patience);
        Assert.True(status == "completed", $"Replay request is {status}\n{cluster.Logs()}");
        Assert.NotNull(processedAt);
        var processed = await probe.WaitForStatusAsync(accepted.EventId, "processed");
        Assert.Equal(2, processed.ProcessingAttempts);
    }

    [Fact]
    public async Task Replay_of_a_failed_event_gets_a_fresh_retry_budget_and_completes_once_the_destination_recovers()
    {
        var sinkUrl = await probe.SetCallbackUrlAsync("acme", LifecycleProbe.UnreachableUrl());
        try
        {
            var accepted = await probe.IngestAcmeAsync();
            var failed = await probe.WaitForStatusAsync(accepted.EventId, "failed");
            Assert.Equal(3, failed.ProcessingAttempts);
            Assert.All(await probe.AttemptsAsync(accepted.EventId), attempt => Assert.Null(attempt.HttpStatus));

            // The destination is still down: the replay gets three attempts of its own (the seed would fail at once).
            // This request is written as Management.Api writes it; the second goes through its route.
            var firstReplay = await probe.RequestReplayAsync(accepted.EventId, "retry after the outage", "replay-1");
            var (firstStatus, firstProcessedAt) = await Webhooks.EventuallyAsync(() => probe.ReplayRequestAsync(firstReplay), r => r.Status == "failed", LifecycleProbe.Patience);
            Assert.Equal("failed", firstStatus);
            Assert.NotNull(firstProcessedAt);
            var afterFirstReplay = await probe.WaitForStatusAsync(accepted.EventId, "failed");
            Assert.Equal(6, afterFirstReplay.ProcessingAttempts);
            Assert.Equal(3, afterFirstReplay.AttemptBudgetStart);
            Assert.Equal(firstReplay, afterFirstReplay.ReplayRequestId);
            // The failed replay says why: its run's last error.
            Assert.NotNull(afterFirstReplay.LastError);
            Assert.Equal(afterFirstReplay.LastError, (await probe.ReplayThroughApiAsync(firstReplay))["failureReason"]!.GetValue<string>());

            // The destination recovers; the next replay is delivered on its first attempt.
            await probe.SetCallbackUrlAsync("acme", sinkUrl);
            var secondReplay = await probe.RequestReplayThroughApiAsync(accepted.EventId, "destination is back", "replay-2");
            var (secondStatus, secondProcessedAt) = await Webhooks.EventuallyAsync(() => probe.ReplayRequestAsync(secondReplay), r => r.Status == "completed", LifecycleProbe.Patience);
            Assert.True(secondStatus == "completed", $"Replay request is {secondStatus}\n{cluster.Logs()}");
            Assert.NotNull(secondProcessedAt);
            Assert.Null((await probe.ReplayThroughApiAsync(secondReplay))["failureReason"]);

            var processed = await probe.WaitForStatusAsync(accepted.EventId, "processed");
            Assert.Equal(7, processed.ProcessingAttempts);
            Assert.Equal(6, processed.AttemptBudgetStart);
            Assert.Null(processed.LastError);

            var attempts = await probe.AttemptsAsync(accepted.EventId);
            Assert.Equal(Enumerable.Range(1, 7), attempts.Select(a => a.AttemptNo));
            Assert.Equal([.. Enumerable.Repeat("failed", 6), "success"], attempts.Select(a => a.Status));

            var jobs = await probe.JobsAsync(accepted.EventId);
            Assert.Equal(
                [("webhook", "failed", 1), ("retry", "failed", 2), ("retry", "failed", 3),
                 ("replay", "failed", 4), ("retry", "failed", 5), ("retry", "failed", 6),
                 ("replay", "succeeded", 7)],
                jobs.Select(j => (j.TriggeredBy, j.Status, j.AttemptNo)));

            var audit = await probe.AuditAsync(accepted.EventId);
            Assert.Equal(
                ["replay.requested", "replay.dispatched", "event.retry_scheduled", "event.retry_scheduled", "event.failed",
                 "replay.requested", "replay.dispatched", "event.processed"],
                audit.SkipWhile(row => row.Action != "replay.requested").Select(row => row.Action));
            var dispatched = audit.First(row => row.Action == "replay.dispatched").Details;
            Assert.Equal(firstReplay.ToString(), dispatched["replayRequestId"]!.GetValue<string>());
            Assert.Equal("replay-1", dispatched["correlationId"]!.GetValue<string>());
            Assert.Equal("replay-2", audit.Last(row => row.Action == "replay.dispatched").Details["correlationId"]!.GetValue<string>());
            // The fresh budget restarts the delays too: 400 ms before the replay's second attempt.
            var replayRetry = audit.First(row => row.Action == "event.retry_scheduled" && row.Details["attemptNo"]!.GetValue<int>() == 5).Details;
            Assert.Equal(400, replayRetry["delayMs"]!.GetValue<int>());
        }
        finally
        {
            await RestoreSinkAsync();
        }
    }

    [Fact]
    public async Task Duplicated_EventAccepted_messages_produce_exactly_one_delivery()
    {
        // A receiver that holds each delivery for 2.5 s, so the copies arrive while the first delivery is in
        // flight (and the last one after it finished): neither may deliver again.
        await using var receiver = await CountingSink.StartAsync(delay: TimeSpan.FromMilliseconds(2500));
        await probe.SetCallbackUrlAsync("acme", receiver.Url);
        try
        {
            var accepted = await probe.IngestAcmeAsync(new { id = "inv_dup", amount = 7 });
            await probe.DuplicateEventAcceptedAsync(accepted, copies: 2);

            await probe.WaitForStatusAsync(accepted.EventId, "processed");
            var drained = await Webhooks.EventuallyAsync(probe.OutboxRowsAsync, rows => rows == 0, LifecycleProbe.Patience);
            Assert.Equal(0, drained);
            await probe.DuplicateEventAcceptedAsync(accepted, copies: 1);
            await Webhooks.EventuallyAsync(probe.OutboxRowsAsync, rows => rows == 0, LifecycleProbe.Patience);
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // time for the last copy to be consumed

            var delivery = Assert.Single(receiver.Received);
            Assert.Equal(("POST", "/hooks/relay"), (delivery.Method, delivery.Path));
            Assert.Equal("acme", delivery.Headers["x-integration-provider"]);
            Assert.Equal(accepted.EventId.ToString(), delivery.Headers["x-event-id"]);
            Assert.Equal(accepted.CorrelationId, delivery.Headers["x-correlation-id"]);
            Assert.StartsWith("application/json", delivery.Headers["content-type"]);
            var payload = System.Text.Json.Nodes.JsonNode.Parse(delivery.Body)!;
            Assert.Equal("acme", payload["provider"]!.GetValue<string>());
            Assert.Equal("invoice.paid", payload["eventType"]!.GetValue<string>());
            Assert.Equal(7, payload["data"]!["amount"]!.GetValue<int>());

            var attempt = Assert.Single(await probe.AttemptsAsync(accepted.EventId));
            Assert.Equal(("success", 1, 202), (attempt.Status, attempt.AttemptNo, attempt.HttpStatus));
            Assert.True(attempt.DurationMs >= 2500, $"duration {attempt.DurationMs} ms");
            var evt = await probe.EventAsync(accepted.EventId);
            Assert.Equal(("processed", 1), (evt.Status, evt.ProcessingAttempts));
            Assert.Single(await probe.AuditAsync(accepted.EventId), row => row.Action == "event.processed");
            Assert.Single(await probe.JobsAsync(accepted.EventId));
            // Every copy was consumed and acknowledged; none failed into the error queue.
            Assert.False(await QueueExistsAsync("event-accepted_error"), "EventAccepted messages ended in the error queue");
        }
        finally
        {
            await RestoreSinkAsync();
        }
    }

    [Fact]
    public async Task Delivery_to_an_inactive_integration_fails_the_event_without_making_a_request()
    {
        var accepted = await probe.IngestAcmeAsync();
        await probe.WaitForStatusAsync(accepted.EventId, "processed");
        // Deactivated after ingest (Ingress, which caches integrations, never sees it inactive), then replayed.
        await probe.SetIntegrationActiveAsync("acme", false);
        try
        {
            var replay = await probe.RequestReplayAsync(accepted.EventId, "deliver once more", "replay-inactive");
            var (status, processedAt) = await Webhooks.EventuallyAsync(() => probe.ReplayRequestAsync(replay), r => r.Status == "failed", LifecycleProbe.Patience);
            Assert.True(status == "failed", $"Replay request is {status}\n{cluster.Logs()}");
            Assert.NotNull(processedAt);

            var failed = await probe.WaitForStatusAsync(accepted.EventId, "failed");
            Assert.Equal("Integration is inactive", failed.LastError);
            Assert.Equal("Integration is inactive", (await probe.ReplayThroughApiAsync(replay))["failureReason"]!.GetValue<string>());
            Assert.Equal(1, failed.ProcessingAttempts);
            Assert.Single(await probe.AttemptsAsync(accepted.EventId));
            var job = (await probe.JobsAsync(accepted.EventId))[^1];
            Assert.Equal(("replay", "failed"), (job.TriggeredBy, job.Status));
            var audit = (await probe.AuditAsync(accepted.EventId))[^1];
            Assert.Equal("event.failed", audit.Action);
            Assert.Equal("Integration is inactive", audit.Details["reason"]!.GetValue<string>());
        }
        finally
        {
            await probe.SetIntegrationActiveAsync("acme", true);
        }
    }

    private async Task RestoreSinkAsync()
    {
        await probe.SetCallbackUrlAsync("acme", $"{cluster.GatewayAddress.ToString().TrimEnd('/')}/api/v1/internal/delivery-sink/acme");
    }

    private async Task<bool> QueueExistsAsync(string queue)
    {
        using var management = TestInfrastructure.RabbitMqManagementClient();
        using var response = await management.GetAsync($"/api/queues/{Uri.EscapeDataString(cluster.Dependencies.VirtualHost)}/{queue}");
        return response.StatusCode != HttpStatusCode.NotFound;
    }
}
