using System.Diagnostics;
using System.Net;
using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Ingest;

/// <summary>
/// Gateway, Ingress and Management with tiny capacity: the gateway forwards at most 4 webhooks at once, Ingress
/// works on 2 and queues none, and PostgreSQL takes <see cref="SlowInsert"/> over every webhook whose event id
/// starts with "slow-" (a trigger), so a burst finds both limits full.
/// </summary>
public sealed class LoadSheddingCluster : RelayCluster
{
    public static readonly TimeSpan SlowInsert = TimeSpan.FromSeconds(1);

    protected override string Purpose => "shed";
    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Management.Api", "Gateway"];

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__Ingress__MaxConcurrentIngests"] = "2",
        ["Relay__Ingress__IngestQueueLimit"] = "0",
        ["Relay__Gateway__MaxConcurrentWebhooks"] = "4",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var database = OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            $"""
            CREATE FUNCTION load_shedding_slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.external_event_id LIKE 'slow-%' THEN
                    PERFORM pg_sleep({SlowInsert.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)});
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER load_shedding_slow_insert BEFORE INSERT ON webhook_events FOR EACH ROW EXECUTE FUNCTION load_shedding_slow_insert();
            """);
    }
}

public sealed class LoadSheddingTests(LoadSheddingCluster cluster) : IClassFixture<LoadSheddingCluster>
{
    private const int Burst = 50;

    [Fact]
    public async Task Beyond_capacity_webhooks_get_503_with_Retry_After_at_once_and_every_accepted_one_is_stored()
    {
        using var client = cluster.CreateClient();
        using var management = cluster.CreateClient(withManagementKey: true);
        var ids = Enumerable.Range(0, Burst).Select(i => $"slow-{Guid.NewGuid():N}").ToArray();

        var burst = ids.Select(async id =>
        {
            using var request = Webhooks.Acme(Webhooks.AcmeBody(eventId: id));
            var started = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request);
            return (Id: id, Status: response.StatusCode, Elapsed: Stopwatch.GetElapsedTime(started),
                RetryAfter: response.Headers.RetryAfter?.Delta, Body: await response.Content.ReadAsStringAsync());
        }).ToList();

        // While the burst is held up in the database, the routes that are not webhooks still answer.
        await Task.Delay(LoadSheddingCluster.SlowInsert / 4);
        using (var health = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        using (var integrations = await management.GetAsync("/api/v1/integrations"))
        {
            Assert.Equal(HttpStatusCode.OK, integrations.StatusCode);
        }

        var answers = await Task.WhenAll(burst);
        var accepted = answers.Where(a => a.Status == HttpStatusCode.Accepted).ToList();
        var shed = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.True(accepted.Count + shed.Count == Burst, string.Join("\n", answers.Where(a => a.Status is not (HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable)).Select(a => $"{(int)a.Status} {a.Body}")));
        Assert.NotEmpty(accepted);
        Assert.NotEmpty(shed);
        foreach (var answer in shed)
        {
            Assert.Contains("\"code\":\"OVERLOADED\"", answer.Body);
            Assert.Contains("\"success\":false", answer.Body);
            Assert.Equal(TimeSpan.FromSeconds(1), answer.RetryAfter);
            // Refused without waiting for a slot: sooner than one slow insert takes, even on a busy machine.
            Assert.True(answer.Elapsed < LoadSheddingCluster.SlowInsert, $"a 503 took {answer.Elapsed.TotalMilliseconds:0} ms");
        }
        // Both layers shed: the gateway beyond its 4 in flight, and Ingress beyond its 2, whose 503 and Retry-After
        // pass through the gateway unchanged.
        Assert.Contains(shed, answer => answer.Body.Contains("did not take this request", StringComparison.Ordinal));
        Assert.Contains(shed, answer => answer.Body.Contains("did not take this webhook", StringComparison.Ordinal));

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<string>(
            "SELECT external_event_id FROM webhook_events WHERE external_event_id = ANY(@ids)", new { ids })).ToHashSet();
        Assert.Equal(accepted.Select(a => a.Id).Order(), stored.Order());
    }

    [Fact]
    public async Task Once_the_burst_is_over_webhooks_are_accepted_again()
    {
        using var client = cluster.CreateClient();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var request = Webhooks.Acme(Webhooks.AcmeBody());
            using var response = await client.SendAsync(request);
            answers.Add(response.StatusCode);
        }
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.Accepted, status));
    }
}
