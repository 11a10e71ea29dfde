using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.IntegrationTests.ApiKeys;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

/// <summary>
/// <c>GET /api/v1/stats/activity</c> through the gateway: a fresh integration's webhooks, delivered to one destination
/// that answers and one that always fails, show up in the current minute's bucket with exact counts; every other
/// minute of the window is there with zeros; bad parameters are refused in the envelope.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class ActivityStatsApiTests(RelayCluster cluster) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private static readonly string[] DataFields = ["bucketSeconds", "buckets", "from", "to", "totals"];
    private static readonly string[] BucketFields = ["accepted", "delivered", "exhausted", "failedAttempts", "latencyP50Ms", "latencyP95Ms", "start"];
    private static readonly string[] TotalFields = ["accepted", "delivered", "exhausted", "failedAttempts"];

    private readonly HttpClient management = cluster.CreateClient(withManagementKey: true);
    private readonly HttpClient webhooks = cluster.CreateClient();

    public void Dispose()
    {
        management.Dispose();
        webhooks.Dispose();
    }

    [Fact]
    public async Task The_current_minute_counts_a_fresh_integrations_events_deliveries_failed_attempts_and_exhausted_deliveries()
    {
        await using var healthy = await CountingSink.StartAsync();
        await using var broken = await CountingSink.StartAsync();
        broken.Failing = true;
        var integration = await ConsoleIntegration.CreateAsync(management, healthy.Url);
        await integration.AddDestinationGivingUpAfterTwoAttemptsAsync(management, broken.Url);

        // Everything below takes a few seconds: start early enough in a minute for all of it to land in that minute.
        if (DateTime.UtcNow.Second >= 40)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - DateTime.UtcNow.Second));
        }
        var startMinute = Minute(DateTime.UtcNow);
        var eventIds = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            eventIds.Add(await ManagementData.IngestAsync(webhooks, integration.Webhook("console.stats")));
        }
        foreach (var eventId in eventIds)
        {
            // Each event: one delivery succeeded with one attempt, the other failed after its two.
            var statuses = await Webhooks.EventuallyAsync(
                async () => string.Join(",", (await DetailAsync(eventId))["deliveries"]!.AsArray().Select(d => d!["status"]!.GetValue<string>()).Order()),
                joined => joined == "failed,succeeded", Patience);
            Assert.True(statuses == "failed,succeeded", $"event {eventId}: {statuses}\n{cluster.Logs()}");
        }

        var data = await ActivityAsync($"minutes=5&integrationId={integration.Id}");

        Assert.Equal(DataFields, data.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(60, data["bucketSeconds"]!.GetValue<int>());
        var buckets = data["buckets"]!.AsArray().Select(bucket => bucket!).ToList();
        Assert.Equal(5, buckets.Count);
        Assert.All(buckets, bucket => Assert.Equal(BucketFields, bucket.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal)));
        Assert.Equal(TotalFields, data["totals"]!.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal((3, 3, 6, 3), Counts(data["totals"]!));

        var to = Time(data["to"]!);
        var current = buckets[^1];
        Assert.Equal(Minute(to), Time(current["start"]!));
        // The minute's exact numbers, unless the run crossed into the next minute after all (then the window since the
        // start minute holds them).
        var sinceStart = buckets.Where(bucket => Time(bucket["start"]!) >= startMinute).ToList();
        Assert.Equal((3, 3, 6, 3), Sum(sinceStart));
        if (Minute(to) == startMinute)
        {
            Assert.Equal((3, 3, 6, 3), Counts(current));
        }
        var withDeliveries = sinceStart.Where(bucket => bucket["delivered"]!.GetValue<int>() > 0).ToList();
        Assert.NotEmpty(withDeliveries);
        Assert.All(withDeliveries, bucket =>
        {
            var (p50, p95) = (bucket["latencyP50Ms"]!.GetValue<long>(), bucket["latencyP95Ms"]!.GetValue<long>());
            Assert.InRange(p50, 0, p95);
            Assert.InRange(p95, 0, (long)Patience.TotalMilliseconds);
        });
        // The minutes before the first webhook of a new integration: zeros, and no latency.
        Assert.All(buckets.Where(bucket => Time(bucket["start"]!) < startMinute), bucket =>
        {
            Assert.Equal((0, 0, 0, 0), Counts(bucket));
            Assert.Null(bucket["latencyP50Ms"]);
            Assert.Null(bucket["latencyP95Ms"]);
        });

        // Another integration's window holds none of it.
        var other = await ActivityAsync($"minutes=5&integrationId={Guid.NewGuid()}");
        Assert.Equal((0, 0, 0, 0), Counts(other["totals"]!));
    }

    [Fact]
    public async Task By_default_the_last_hour_comes_minute_by_minute_oldest_first_ending_with_the_current_minute()
    {
        var before = DateTime.UtcNow;
        var data = await ActivityAsync("");
        var after = DateTime.UtcNow;

        var starts = data["buckets"]!.AsArray().Select(bucket => Time(bucket!["start"]!)).ToList();
        Assert.Equal(60, starts.Count);
        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(1), pair.Second - pair.First));
        Assert.Equal(starts[0], Time(data["from"]!));
        var to = Time(data["to"]!);
        Assert.InRange(to, before.AddSeconds(-1), after.AddSeconds(1));
        Assert.Equal(Minute(to), starts[^1]);
        var totals = data["totals"]!;
        Assert.Equal(Sum(data["buckets"]!.AsArray().Select(bucket => bucket!).ToList()), Counts(totals));
    }

    [Fact]
    public async Task The_stats_need_a_key_and_a_read_scope_is_enough()
    {
        using (var anonymous = await webhooks.GetAsync("/api/v1/stats/activity"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        var reader = await ApiKeyClient.CreateAsync(cluster, ["read"]);
        using var withReadKey = ApiKeyClient.With(cluster, reader.Key);
        using var answer = await withReadKey.GetAsync("/api/v1/stats/activity?minutes=1");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Theory]
    [InlineData("minutes=0", "minutes")]
    [InlineData("minutes=1441", "minutes")]
    [InlineData("minutes=ten", "minutes")]
    [InlineData("minutes=-5", "minutes")]
    [InlineData("minutes=5&minutes=6", "minutes")]
    [InlineData("integrationId=not-a-uuid", "integrationId")]
    [InlineData("provider=acme", "provider")]
    public async Task Bad_parameters_are_refused_with_the_validation_envelope(string query, string parameter)
    {
        using var response = await management.GetAsync($"/api/v1/stats/activity?{query}");
        await ManagementData.AssertValidationErrorAsync(response, parameter);
    }

    [Fact]
    public async Task A_whole_day_is_the_longest_window()
    {
        var data = await ActivityAsync("minutes=1440");
        Assert.Equal(1440, data["buckets"]!.AsArray().Count);
    }

    private async Task<JsonNode> ActivityAsync(string query) =>
        (await ManagementData.GetJsonAsync(management, $"/api/v1/stats/activity{(query.Length == 0 ? "" : "?" + query)}"))["data"]!;

    private async Task<JsonNode> DetailAsync(Guid eventId) =>
        (await ManagementData.GetJsonAsync(management, $"/api/v1/events/{eventId}"))["data"]!;

    private static (int Accepted, int Delivered, int FailedAttempts, int Exhausted) Counts(JsonNode counts) => (
        counts["accepted"]!.GetValue<int>(), counts["delivered"]!.GetValue<int>(), counts["failedAttempts"]!.GetValue<int>(), counts["exhausted"]!.GetValue<int>());

    private static (int, int, int, int) Sum(IReadOnlyList<JsonNode> buckets) => buckets.Select(Counts).Aggregate(
        (0, 0, 0, 0), (sum, next) => (sum.Item1 + next.Accepted, sum.Item2 + next.Delivered, sum.Item3 + next.FailedAttempts, sum.Item4 + next.Exhausted));

    private static DateTime Time(JsonNode value) =>
        DateTime.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static DateTime Minute(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
}
