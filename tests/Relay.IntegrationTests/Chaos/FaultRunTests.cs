using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Dapper;
using Relay.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace Relay.IntegrationTests.Chaos;

/// <summary>
/// The fault run behind <c>scripts/chaos.sh</c>: a bounded stream of signed webhooks through the gateway into a
/// counting sink while, one after another, RabbitMQ, PostgreSQL and Redis are restarted (and the next requests after each must succeed), Delivery.Worker and
/// Ingress.Api are SIGKILLed and restarted, and the sink answers 500 for a while. It restarts the shared
/// infrastructure, so it runs alone (<c>./test.sh</c> runs it after the suite; the normal run excludes it).
/// </summary>
[Trait("Category", "Chaos")]
public sealed class FaultRunTests(ITestOutputHelper output)
{
    private sealed class FaultCluster(string sinkBaseUrl) : RelayCluster
    {
        protected override string Purpose => "chaos";

        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            ["Relay__Seed__CallbackBaseUrl"] = sinkBaseUrl,
            ["Relay__RateLimit__PermitsPerMinute"] = "1000000",
            // A budget that outlasts every fault of the run: 100 ms doubling over 12 attempts is minutes of retrying.
            ["Relay__Delivery__MaxAttempts"] = "12",
            ["Relay__Delivery__RetryBaseDelayMs"] = "100",
        };
    }

    private sealed record Mode(string Name, int RatePerSecond, TimeSpan Between, TimeSpan SinkOutage, TimeSpan Settle)
    {
        public static Mode FromEnvironment() => Environment.GetEnvironmentVariable("RELAY_CHAOS_MODE") == "full"
            ? new Mode("full", 40, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(4))
            : new Mode("short", 15, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(3));
    }

    [Fact]
    public async Task Nothing_accepted_is_lost_through_five_faults()
    {
        var mode = Mode.FromEnvironment();
        await using var sink = await CountingSink.StartAsync();
        var cluster = new FaultCluster(sink.BaseUrl);
        await cluster.InitializeAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var sender = new WebhookStream(cluster.CreateClient(), mode.RatePerSecond);
            var sending = sender.RunAsync();
            var faults = new List<string>();

            async Task Step(string name, Func<Task> fault)
            {
                await Task.Delay(mode.Between);
                Log($"{clock.Elapsed.TotalSeconds,6:F1}s  {name}");
                await fault();
                faults.Add(name);
            }

            // Once a dependency is back, the very next requests must succeed: no 503 from connections it killed.
            async Task AssertNextRequestsSucceedAsync(string dependency)
            {
                using var management = cluster.CreateClient(withManagementKey: true);
                using var health = await management.GetAsync("/api/v1/health");
                Assert.True(health.StatusCode == HttpStatusCode.OK, $"after {dependency} came back, /api/v1/health answered {(int)health.StatusCode}: {await health.Content.ReadAsStringAsync()}");
                using var events = await management.GetAsync("/api/v1/events?pageSize=1");
                Assert.True(events.StatusCode == HttpStatusCode.OK, $"after {dependency} came back, GET /api/v1/events answered {(int)events.StatusCode}");
                for (var i = 0; i < 3; i++)
                {
                    var status = await sender.SendProbeAsync();
                    Assert.True(status == HttpStatusCode.Accepted, $"after {dependency} came back, webhook {i + 1} answered {status?.ToString() ?? "nothing"}");
                }
                Log($"{clock.Elapsed.TotalSeconds,6:F1}s  {dependency} back: health, a management read and 3 webhooks succeeded at once");
            }

            await Step("restart RabbitMQ", async () =>
            {
                await Infra("restart", "rabbitmq");
                await AssertNextRequestsSucceedAsync("RabbitMQ");
            });
            await Step("restart PostgreSQL", async () =>
            {
                await Infra("restart", "postgres");
                await AssertNextRequestsSucceedAsync("PostgreSQL");
            });
            await Step("restart Redis", async () =>
            {
                await Infra("restart", "redis");
                await AssertNextRequestsSucceedAsync("Redis");
            });
            await Step("SIGKILL Delivery.Worker, then start it", async () =>
            {
                await cluster.Service("Delivery.Worker").KillAsync();
                await Task.Delay(TimeSpan.FromSeconds(2));
                await cluster.RestartAsync("Delivery.Worker");
            });
            await Step("SIGKILL Ingress.Api, then start it", async () =>
            {
                await cluster.Service("Ingress.Api").KillAsync();
                await Task.Delay(TimeSpan.FromSeconds(2));
                await cluster.RestartAsync("Ingress.Api");
            });
            await Step($"sink answers 500 for {mode.SinkOutage.TotalSeconds:F0}s", async () =>
            {
                sink.Failing = true;
                await Task.Delay(mode.SinkOutage);
                sink.Failing = false;
            });
            await Task.Delay(mode.Between);
            sender.Stop();
            await sending;
            Log($"{clock.Elapsed.TotalSeconds,6:F1}s  stopped sending; settling (at most {mode.Settle.TotalSeconds:F0}s)");

            // Settle: every event Relay stored (acknowledged with 202 or not) must reach the sink.
            await using var database = cluster.OpenDatabase();
            var settleDeadline = DateTime.UtcNow + mode.Settle;
            Ledger ledger;
            while (true)
            {
                ledger = await Ledger.TakeAsync(sender, sink, database);
                if ((ledger.InFlight == 0 && ledger.Lost == 0) || DateTime.UtcNow > settleDeadline)
                {
                    break;
                }
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            var report = ledger.Render(mode.Name, faults, clock.Elapsed);
            Log(report);
            var ledgerPath = Environment.GetEnvironmentVariable("RELAY_CHAOS_LEDGER");
            if (!string.IsNullOrEmpty(ledgerPath))
            {
                await File.WriteAllTextAsync(ledgerPath, report);
            }

            Assert.True(ledger.Accepted > 0, "nothing was accepted: the run proves nothing");
            Assert.True(ledger.Lost == 0, $"lost {ledger.Lost}\n{report}\n{cluster.Logs()}");
            Assert.True(ledger.InFlight == 0, $"{ledger.InFlight} still in flight after settling\n{report}\n{cluster.Logs()}");
            // At least once: duplicates come only from crash windows, so they must stay a small fraction.
            Assert.True(ledger.Duplicates <= Math.Max(10, ledger.Accepted / 10), $"too many duplicate deliveries\n{report}");
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private void Log(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    private static async Task Infra(string verb, string component)
    {
        var script = Path.Combine(ServiceBinaries.RepositoryRoot, "scripts", "infra.sh");
        using var process = Process.Start(new ProcessStartInfo(script, [verb, component]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"infra.sh {verb} {component} failed: {await stderr}");
    }

    /// <summary>Sends unique signed acme webhooks at a fixed rate (open loop) and remembers what became of each.</summary>
    private sealed class WebhookStream(HttpClient client, int ratePerSecond)
    {
        private readonly CancellationTokenSource stop = new();
        public ConcurrentDictionary<string, byte> AcceptedEventIds { get; } = new();
        public ConcurrentDictionary<string, int> Rejections { get; } = new();
        public int Sent;

        public void Stop() => stop.Cancel();

        public async Task RunAsync()
        {
            var inFlight = new List<Task>();
            var interval = TimeSpan.FromSeconds(1.0 / ratePerSecond);
            var clock = Stopwatch.StartNew();
            var next = TimeSpan.Zero;
            while (!stop.IsCancellationRequested)
            {
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
                next += interval;
                Interlocked.Increment(ref Sent);
                inFlight.Add(SendOneAsync());
                inFlight.RemoveAll(task => task.IsCompleted);
            }
            await Task.WhenAll(inFlight);
        }

        /// <summary>One more webhook outside the stream's rhythm, counted in the ledger like the others.</summary>
        public Task<HttpStatusCode?> SendProbeAsync()
        {
            Interlocked.Increment(ref Sent);
            return SendOneAsync();
        }

        private async Task<HttpStatusCode?> SendOneAsync()
        {
            try
            {
                using var response = await client.SendAsync(Webhooks.Acme(Webhooks.AcmeBody()));
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    AcceptedEventIds[(await response.ReadJsonAsync())["data"]!["eventId"]!.GetValue<string>()] = 0;
                }
                else
                {
                    Rejections.AddOrUpdate(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                }
                return response.StatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                Rejections.AddOrUpdate("no answer", 1, (_, n) => n + 1);
                return null;
            }
        }
    }

    private sealed record Ledger(int Sent, int Accepted, IReadOnlyDictionary<string, int> Rejections, int Delivered, int Duplicates, int InFlight, int Lost, int StoredWithoutAck, int StoredWithoutAckDelivered)
    {
        public static async Task<Ledger> TakeAsync(WebhookStream sender, CountingSink sink, Npgsql.NpgsqlDataSource database)
        {
            await using var connection = await database.OpenConnectionAsync();
            var statuses = (await connection.QueryAsync<(Guid Id, string Status)>("SELECT id, status FROM normalized_events"))
                .ToDictionary(row => row.Id.ToString(), row => row.Status);
            var accepted = sender.AcceptedEventIds.Keys.ToList();
            var delivered = accepted.Count(sink.HasReceived);
            var undelivered = accepted.Where(id => !sink.HasReceived(id)).ToList();
            var inFlight = undelivered.Count(id => statuses.TryGetValue(id, out var status) && status is "pending" or "processing" or "retrying");
            var storedWithoutAck = statuses.Keys.Where(id => !sender.AcceptedEventIds.ContainsKey(id)).ToList();
            // An event stored whose 202 never reached the sender (Ingress killed mid-request) is Relay's to deliver too.
            var unackedUndelivered = storedWithoutAck.Where(id => !sink.HasReceived(id)).ToList();
            var unackedInFlight = unackedUndelivered.Count(id => statuses[id] is "pending" or "processing" or "retrying");
            return new Ledger(
                sender.Sent,
                accepted.Count,
                new Dictionary<string, int>(sender.Rejections),
                delivered,
                sink.DuplicateArrivals,
                inFlight + unackedInFlight,
                undelivered.Count - inFlight + unackedUndelivered.Count - unackedInFlight,
                storedWithoutAck.Count,
                storedWithoutAck.Count - unackedUndelivered.Count);
        }

        public string Render(string mode, IReadOnlyList<string> faults, TimeSpan elapsed)
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"Fault run ({mode}): {faults.Count} faults in {elapsed.TotalSeconds:F0}s — {string.Join("; ", faults)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  sent                      {Sent,6}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  accepted (202)            {Accepted,6}");
            var rejected = Rejections.Values.Sum();
            var breakdown = string.Join(", ", Rejections.OrderBy(r => r.Key).Select(r => $"{r.Key}: {r.Value}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"  rejected                  {rejected,6}{(rejected > 0 ? $"   ({breakdown})" : "")}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  delivered at least once   {Delivered,6}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  duplicate deliveries      {Duplicates,6}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  stored without a 202      {StoredWithoutAck,6}   (delivered {StoredWithoutAckDelivered})");
            text.AppendLine(CultureInfo.InvariantCulture, $"  still in flight           {InFlight,6}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  lost                      {Lost,6}");
            text.Append(CultureInfo.InvariantCulture, $"lost {Lost}");
            return text.ToString();
        }
    }
}
