using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace Relay.IntegrationTests.Replays;

/// <summary>
/// Bulk replays end to end through the gateway, RabbitMQ, PostgreSQL and a counting receiver: the dry run counts what
/// the job then replays; every matching event is delivered exactly once more and nothing else is touched; the job
/// shows its progress, can be cancelled part-way, leaves live webhooks flowing while it runs slowly, and survives
/// Replay.Worker being stopped and killed without replaying any event twice.
/// </summary>
[Collection(BulkReplayCollection.Name)]
public sealed class BulkReplayTests(BulkReplayCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Worker = "Replay.Worker";
    private BulkReplayScenario scenario = null!;

    public async Task InitializeAsync() => scenario = await BulkReplayScenario.StartAsync(cluster);

    public async Task DisposeAsync()
    {
        await scenario.DisposeAsync();
        if (!cluster.Service(Worker).IsRunning)
        {
            await cluster.RestartAsync(Worker);
        }
    }

    [Fact]
    public async Task A_bulk_replay_of_1000_events_replays_what_the_dry_run_counted_once_each_with_progress_and_leaves_the_rest_alone()
    {
        var matching = await scenario.IngestAsync(scenario.Type("replayed"), 1000);
        var others = await scenario.IngestAsync(scenario.Type("kept"), 50);
        var before = await scenario.WaitDeliveredAsync([.. matching, .. others]);

        var (status, preview, response) = await scenario.PostAsync("/api/v1/replays/bulk", new { dryRun = true, filter = new { eventType = scenario.Type("replayed"), provider = "acme" } });
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, preview.ToJsonString());
        Assert.Equal(1000, preview["data"]!["matching"]!.GetValue<long>());
        Assert.Equal(0, await CountJobsForAsync(scenario.Type("replayed")));

        var stopwatch = Stopwatch.StartNew();
        var job = await scenario.StartBulkReplayAsync(scenario.Type("replayed"), eventsPerSecond: 250);
        Assert.Equal(1000, job.Total());
        Assert.Contains(job.Status(), new[] { "queued", "running" });

        // Progress as an operator polls it: it only goes up, and is seen part-way more than once.
        var seen = new List<int>();
        var finished = await Webhooks.EventuallyAsync(async () =>
        {
            var current = await scenario.GetJobAsync(job.Id());
            seen.Add(current.Replayed());
            return current;
        }, current => current.Status() is "completed" or "failed" or "cancelled", BulkReplayScenario.Patience);
        stopwatch.Stop();
        Assert.True(finished.Status() == "completed", $"{finished.ToJsonString()}\n{cluster.Logs()}");
        Assert.Equal(seen.Order(), seen);
        Assert.True(seen.Count(replayed => replayed is > 0 and < 1000) >= 3, $"progress seen: {string.Join(", ", seen)}");
        Assert.Equal((1000, 0, 100.0), (finished.Replayed(), finished["skipped"]!.GetValue<int>(), finished["percent"]!.GetValue<double>()));
        Assert.Null(finished["estimatedSecondsRemaining"]);

        // Every matching event delivered exactly once more; the others not again.
        await scenario.WaitDeliveredAgainAsync(matching, before);
        Assert.All(others, e => Assert.Equal(before[e], scenario.Sink.ArrivalsOf(e.ToString())));
        var outcome = await scenario.WaitForJobAsync(job.Id(), current => current["outcome"]!["delivered"]!.GetValue<long>() == 1000);
        Assert.Equal((0L, 0L), (outcome["outcome"]!["failed"]!.GetValue<long>(), outcome["outcome"]!["inFlight"]!.GetValue<long>()));

        // Each replay is recorded as a single replay of it would be: its request (completed), job and audit trail.
        var jobId = Guid.Parse(job.Id());
        Assert.Equal(1000, await scenario.CountAsync(
            "SELECT count(DISTINCT normalized_event_id) FROM replay_requests WHERE bulk_replay_id = @job AND status = 'completed' AND normalized_event_id = ANY(@events)", matching, jobId));
        Assert.Equal(1000, await scenario.CountAsync("SELECT count(*) FROM replay_requests WHERE bulk_replay_id = @job", matching, jobId));
        Assert.Equal(1000, await scenario.CountAsync(
            "SELECT count(*) FROM audit_entries WHERE entity_id = ANY(@events) AND action = 'replay.dispatched' AND actor = 'ops-bulk' AND details->>'bulkReplayId' = @job::text", matching, jobId));
        // One replay job per delivery (the default destination and the sink), all finished, as for a single replay.
        Assert.Equal(2000, await scenario.CountAsync(
            "SELECT count(*) FROM processing_jobs WHERE normalized_event_id = ANY(@events) AND triggered_by = 'replay' AND status = 'succeeded'", matching));
        Assert.Equal(0, await scenario.CountAsync(
            "SELECT count(*) FROM processing_jobs WHERE normalized_event_id = ANY(@events) AND status IN ('queued', 'running')", matching));
        Assert.Equal(0, await scenario.CountAsync(
            "SELECT count(*) FROM replay_requests WHERE normalized_event_id = ANY(@events)", others));
        Assert.Equal(others.Count, await scenario.CountAsync(
            "SELECT count(*) FROM normalized_events WHERE id = ANY(@events) AND status = 'processed' AND replay_request_id IS NULL", others));

        // What the management reads say about a replayed event agrees.
        var detail = (await Management.ManagementData.GetJsonAsync(scenario.Management, $"/api/v1/events/{matching[0]}"))["data"]!;
        Assert.Equal("processed", detail["event"]!["status"]!.GetValue<string>());
        var replay = Assert.Single(detail["replayRequests"]!.AsArray());
        Assert.Equal(("completed", "ops-bulk", "downstream outage, replay everything"),
            (replay!["status"]!.GetValue<string>(), replay["requestedBy"]!.GetValue<string>(), replay["reason"]!.GetValue<string>()));
        // Two destinations (the default one and the sink), each delivered to once by the webhook and once by the replay.
        Assert.Equal(["success", "success", "success", "success"], detail["deliveryAttempts"]!.AsArray().Select(attempt => attempt!["status"]!.GetValue<string>()));

        var seconds = (finished["finishedAt"]!.GetValue<DateTime>() - finished["startedAt"]!.GetValue<DateTime>()).TotalSeconds;
        output.WriteLine($"1000 events at 250/s: {seconds:0.00} s from start to finish ({1000 / seconds:0} events/s), {stopwatch.Elapsed.TotalSeconds:0.00} s from request to completed; progress seen: {string.Join(", ", seen.Distinct())}");
    }

    [Fact]
    public async Task A_cancelled_bulk_replay_stops_part_way_and_replays_nothing_more()
    {
        var events = await scenario.IngestAsync(scenario.Type("cancelled"), 300);
        var before = await scenario.WaitDeliveredAsync(events);

        var job = await scenario.StartBulkReplayAsync(scenario.Type("cancelled"), eventsPerSecond: 20);
        await scenario.WaitForJobAsync(job.Id(), current => current.Replayed() >= 40);

        var (status, body, response) = await scenario.PostAsync($"/api/v1/replays/bulk/{job.Id()}/cancel", new { requestedBy = "ops-cancel" });
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        var cancelled = body["data"]!;
        Assert.Equal("cancelled", cancelled.Status());
        Assert.Equal("ops-cancel", cancelled["cancelledBy"]!.GetValue<string>());
        var replayed = cancelled.Replayed();
        Assert.InRange(replayed, 40, 299);

        // Frozen: the worker's next page sees the cancellation; nothing more is replayed or delivered again.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var later = await scenario.GetJobAsync(job.Id());
        Assert.Equal(("cancelled", replayed), (later.Status(), later.Replayed()));
        var jobId = Guid.Parse(job.Id());
        Assert.Equal(replayed, await scenario.CountAsync("SELECT count(*) FROM replay_requests WHERE bulk_replay_id = @job", events, jobId));
        var replayedEvents = (await ReplayedEventsAsync(jobId)).ToHashSet();
        await scenario.WaitDeliveredAgainAsync(replayedEvents, before);
        Assert.All(events.Where(e => !replayedEvents.Contains(e)), e => Assert.Equal(before[e], scenario.Sink.ArrivalsOf(e.ToString())));

        // Cancelling again is harmless and says the same; the cancellation is audited once.
        var (again, againBody, againResponse) = await scenario.PostAsync($"/api/v1/replays/bulk/{job.Id()}/cancel", new { });
        againResponse.Dispose();
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(("cancelled", replayed, "ops-cancel"), (againBody["data"]!.Status(), againBody["data"]!.Replayed(), againBody["data"]!["cancelledBy"]!.GetValue<string>()));
        Assert.Equal(1, await scenario.CountAsync("SELECT count(*) FROM audit_entries WHERE entity_id = @job AND action = 'bulk_replay.cancelled'", [], jobId));
    }

    [Fact]
    public async Task Live_webhooks_sent_while_a_slow_bulk_replay_runs_are_all_delivered_before_it_finishes()
    {
        var backlog = await scenario.IngestAsync(scenario.Type("backlog"), 200);
        var before = await scenario.WaitDeliveredAsync(backlog);
        var baseline = await SendLiveAsync(scenario.Type("before"), 20);

        // 200 events at 20/s: about ten seconds of replaying.
        var job = await scenario.StartBulkReplayAsync(scenario.Type("backlog"), eventsPerSecond: 20);
        await scenario.WaitForJobAsync(job.Id(), current => current.Replayed() > 0);
        var during = await SendLiveAsync(scenario.Type("live"), 20);

        // Every live webhook has arrived, and the job is still going: live traffic did not queue behind the replay.
        var meanwhile = await scenario.GetJobAsync(job.Id());
        Assert.True(meanwhile.Status() == "running" && meanwhile.Replayed() < meanwhile.Total(), meanwhile.ToJsonString());
        output.WriteLine($"live delivery latency without a bulk replay: mean {baseline.Average():0} ms, max {baseline.Max():0} ms; " +
            $"during a bulk replay at 20/s: mean {during.Average():0} ms, max {during.Max():0} ms (job at {meanwhile.Replayed()} of {meanwhile.Total()})");

        await scenario.WaitForJobAsync(job.Id(), current => current.Status() == "completed");
        await scenario.WaitDeliveredAgainAsync(backlog, before);
    }

    [Fact]
    public async Task A_bulk_replay_resumes_after_its_worker_is_stopped_or_killed_without_replaying_any_event_twice()
    {
        var events = await scenario.IngestAsync(scenario.Type("restart"), 400);
        var before = await scenario.WaitDeliveredAsync(events);
        var job = await scenario.StartBulkReplayAsync(scenario.Type("restart"), eventsPerSecond: 40);
        var jobId = Guid.Parse(job.Id());

        // SIGTERM: the worker hands the job back as it stops; the new process resumes it at once.
        await scenario.WaitForJobAsync(job.Id(), current => current.Replayed() >= 40);
        await cluster.RestartAsync(Worker);
        var afterStop = (await scenario.GetJobAsync(job.Id())).Replayed();
        await scenario.WaitForJobAsync(job.Id(), current => current.Replayed() > afterStop);

        // SIGKILL mid-page: the page in flight rolls back; after the lease a new process resumes from the last commit.
        await scenario.WaitForJobAsync(job.Id(), current => current.Replayed() >= afterStop + 60);
        await cluster.Service(Worker).KillAsync();
        var atKill = (await scenario.GetJobAsync(job.Id())).Replayed();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(atKill, (await scenario.GetJobAsync(job.Id())).Replayed());
        await cluster.RestartAsync(Worker);

        var finished = await scenario.WaitForJobAsync(job.Id(), current => current.Status() is "completed" or "failed" or "cancelled");
        Assert.Equal(("completed", 400, 0), (finished.Status(), finished.Replayed(), finished["skipped"]!.GetValue<int>()));
        Assert.Equal(400, await scenario.CountAsync("SELECT count(*) FROM replay_requests WHERE bulk_replay_id = @job", events, jobId));
        Assert.Equal(400, await scenario.CountAsync("SELECT count(DISTINCT normalized_event_id) FROM replay_requests WHERE bulk_replay_id = @job AND normalized_event_id = ANY(@events)", events, jobId));
        await scenario.WaitDeliveredAgainAsync(events, before);

        var trail = (await AuditActionsAsync(jobId)).ToList();
        Assert.Equal("bulk_replay.requested", trail[0]);
        Assert.Equal("bulk_replay.started", trail[1]);
        Assert.Equal(2, trail.Count(action => action == "bulk_replay.resumed"));
        Assert.Equal("bulk_replay.completed", trail[^1]);
        output.WriteLine($"replayed {afterStop} before the graceful stop, {atKill} before the kill; audit: {string.Join(", ", trail)}");
    }

    private async Task<List<double>> SendLiveAsync(string eventType, int count)
    {
        var sent = new Dictionary<string, DateTimeOffset>();
        for (var i = 0; i < count; i++)
        {
            var at = DateTimeOffset.UtcNow;
            sent[(await scenario.IngestOneAsync(eventType, i)).ToString()] = at;
            await Task.Delay(50);
        }
        var arrived = await Webhooks.EventuallyAsync(() => Task.FromResult(sent.Keys.Count(scenario.Sink.HasReceived)), n => n == count, BulkReplayScenario.Patience);
        Assert.True(arrived == count, $"{arrived} of {count} live webhooks delivered\n{cluster.Logs()}");
        return [.. sent.Select(pair => (scenario.Sink.Received.First(d => d.Headers["x-event-id"] == pair.Key).At - pair.Value).TotalMilliseconds)];
    }

    private async Task<long> CountJobsForAsync(string eventType)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM bulk_replays WHERE filter->>'eventType' = @eventType", new { eventType });
    }

    private async Task<IReadOnlyList<Guid>> ReplayedEventsAsync(Guid jobId)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return (await connection.QueryAsync<Guid>("SELECT normalized_event_id FROM replay_requests WHERE bulk_replay_id = @jobId", new { jobId })).AsList();
    }

    private async Task<IEnumerable<string>> AuditActionsAsync(Guid jobId)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return await connection.QueryAsync<string>("SELECT action FROM audit_entries WHERE entity_id = @jobId ORDER BY id", new { jobId });
    }
}
