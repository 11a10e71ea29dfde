using System.Diagnostics;
using System.Runtime.InteropServices;
using Relay.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException exception)
{
    if (exception.Message.Length == 0)
    {
        Console.WriteLine(BenchOptions.Usage); // --help
        return 0;
    }
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var root = Environment.GetEnvironmentVariable("RELAY_ROOT") ?? FindRepositoryRoot();
var results = Path.Combine(root, "bench", "results");
var output = options.Output ?? Path.Combine(results, "latest.md");
var runId = Guid.NewGuid().ToString("N")[..8];

// Ctrl-C, SIGTERM and a watchdog all end the run the same way: load stops, services stop, the database goes.
using var cancellation = new CancellationTokenSource();
var budget = TimeSpan.FromSeconds(300 + 3 * (options.DurationSeconds + options.SettleSeconds) + 2 * options.CeilingDurationSeconds + options.WarmupSeconds
    + options.EffectiveIdleSeconds + options.PrefillEvents / 2000);
cancellation.CancelAfter(budget);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});

var runner = new BenchRunner(options, root, runId, Path.Combine(results, "logs"));
try
{
    var report = await runner.RunAsync(cancellation.Token);
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    await File.WriteAllTextAsync(output, report, CancellationToken.None);
    Console.WriteLine();
    Console.WriteLine(report);
    Console.WriteLine($"[bench] written to {Path.GetRelativePath(Environment.CurrentDirectory, output)}; service logs in {Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(results, "logs"))}");
    return 0;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine($"[bench] stopped (interrupted, or the {budget.TotalMinutes:0}-minute limit passed); cleaned up.");
    return 130;
}
catch (Exception exception)
{
    Console.Error.WriteLine($"[bench] failed: {exception.Message}");
    return 1;
}

static string FindRepositoryRoot()
{
    foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Relay.sln")))
            {
                return directory.FullName;
            }
        }
    }
    throw new InvalidOperationException("Relay.sln not found above the working directory; set RELAY_ROOT.");
}

namespace Relay.Bench
{
    /// <summary>
    /// The phases of one run, in order: services up, prefill, ceilings, warm-up, idle, Relay at a fixed rate, Relay at
    /// max, Relay beyond capacity.
    /// </summary>
    public sealed class BenchRunner(BenchOptions options, string root, string runId, string logDirectory)
    {
        private const int WarmupRate = 300;
        private const int IdleSettleSeconds = 10;
        private const int CeilingPhase = 90;

        public async Task<string> RunAsync(CancellationToken cancellationToken)
        {
            var context = new RunContext
            {
                StartedAt = DateTimeOffset.UtcNow,
                LoadAverageBefore = ProcFs.LoadAverage(),
                Commit = Environment.GetEnvironmentVariable("BENCH_GIT_COMMIT") ?? "unknown",
                Options = options,
            };
            Log($"run {runId}; load average {context.LoadAverageBefore} ({Environment.ProcessorCount} cores)");

            if (Directory.Exists(logDirectory))
            {
                Directory.Delete(logDirectory, recursive: true);
            }
            var webhooks = new AcmeWebhooks(runId, BenchCluster.AcmeSecret);
            await using var endpoints = await BenchEndpoints.StartAsync(webhooks);
            await using var cluster = BenchCluster.Create(root, runId, logDirectory);
            Log($"starting the five services (Release) over database {cluster.DatabaseName}, vhost {cluster.VirtualHost}; sink at {endpoints.BaseAddress}");
            await cluster.StartAsync(endpoints.BaseAddress, Log, cancellationToken);
            context.Durability = await cluster.ReadDurabilityAsync(cancellationToken);
            if (Environment.GetEnvironmentVariable("BENCH_SETUP_SQL") is { Length: > 0 } setupSql)
            {
                // An experiment without a migration (e.g. dropping an index to price it); the report names it.
                Log($"BENCH_SETUP_SQL on {cluster.DatabaseName}: {setupSql}");
                await using var dataSource = Npgsql.NpgsqlDataSource.Create(cluster.DatabaseConnectionString);
                await using var command = dataSource.CreateCommand(setupSql);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            Log(context.Durability);
            if (options.PrefillEvents > 0)
            {
                Log($"prefill: {options.PrefillEvents:N0} delivered events straight into {cluster.DatabaseName}");
                context.PrefillTime = await Prefill.RunAsync(cluster.DatabaseConnectionString, options.PrefillEvents, Log, cancellationToken);
                Log($"  done in {context.PrefillTime.Value.TotalSeconds:0.0} s ({options.PrefillEvents / context.PrefillTime.Value.TotalSeconds:N0} events/s)");
            }

            var pids = new Dictionary<string, int>(cluster.ProcessIds) { ["Relay.Bench (load + sink)"] = Environment.ProcessId };
            await using var postgresSampler = options.PostgresSampling ? new PostgresActivitySampler(cluster.DatabaseConnectionString, cluster.DatabaseName) : null;
            await using var memory = new MemorySampler(pids);
            using var generator = new LoadGenerator(webhooks, maxConnections: Math.Max(options.Concurrency, 4096));
            var gatewayTarget = new Uri(cluster.GatewayAddress, "/api/v1/webhooks/acme");

            if (options.Ceilings)
            {
                var seconds = options.EffectiveCeilingSeconds;
                Log($"ceiling 1/2: body-reading endpoint, closed loop, {options.Concurrency} connections, {seconds} s");
                var phase = new Phase(CeilingPhase, "ceiling", 80_000 * seconds + 10_000, null);
                await generator.RunClosedLoopAsync(phase, new Uri(endpoints.BaseAddress, "/ceiling/acme"), options.Concurrency, TimeSpan.FromSeconds(seconds), cancellationToken);
                context.HttpCeiling = new HttpCeiling(options.Concurrency, phase.ElapsedSeconds, phase.AcceptedCount, phase.AcceptedCount / phase.ElapsedSeconds, phase.AckLatencies(), phase.ErrorCount);
                Log($"  {context.HttpCeiling.PerSecond:N0} requests/s, p99 {context.HttpCeiling.Latency.P99:0.0} ms, errors {context.HttpCeiling.Errors}");

                Log($"ceiling 2/2: PostgreSQL single-row INSERT, {options.PostgresClients} connections, {seconds} s");
                context.PostgresCeiling = await PostgresCeiling.RunAsync(cluster.DatabaseConnectionString, options.PostgresClients, TimeSpan.FromSeconds(seconds), cancellationToken);
                Log($"  {context.PostgresCeiling.PerSecond:N0} inserts/s, p99 {context.PostgresCeiling.Latency.P99:0.0} ms");
            }

            if (options.WarmupSeconds > 0)
            {
                Log($"warm-up: {WarmupRate}/s for {options.WarmupSeconds} s (not recorded)");
                var warmup = new Phase(0, "warm-up", WarmupRate * options.WarmupSeconds + 100, WarmupRate);
                endpoints.Track(warmup);
                await generator.RunOpenLoopAsync(warmup, gatewayTarget, WarmupRate, TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);
                await WaitForArrivalsAsync(warmup, TimeSpan.FromSeconds(20), cancellationToken);
                if (warmup.AcceptedCount == 0)
                {
                    throw new InvalidOperationException($"the warm-up had no webhook accepted ({Describe(warmup.Errors)}); see {logDirectory}");
                }
                Log($"  accepted {warmup.AcceptedCount:N0}, arrived {warmup.ArrivedCount:N0}, errors {Describe(warmup.Errors)}");
            }

            if (options.EffectiveIdleSeconds > 0)
            {
                // The warm-up's tail (last deliveries, tiered JIT compiling in the background, a GC) is not idleness.
                Log($"idle: {IdleSettleSeconds} s to settle, then nothing sent for {options.EffectiveIdleSeconds} s; CPU and context switches of the services");
                await Task.Delay(TimeSpan.FromSeconds(IdleSettleSeconds), cancellationToken);
                context.Idle = await IdleUsage.MeasureAsync(cluster.ProcessIds, TimeSpan.FromSeconds(options.EffectiveIdleSeconds), cancellationToken);
                Log($"  {context.Idle.TotalCpuPercentOfCore:0.00} % of a core, {context.Idle.TotalSwitchesPerSecond:N0} context switches/s in all ({string.Join(", ", context.Idle.Services.Select(s => $"{s.Key} {s.Value.CpuPercentOfCore:0.00} %"))})");
            }

            if (options.RunRatePhase)
            {
                var rate = options.EffectiveRate;
                var phase = new Phase(1, $"{rate:N0}/s offered", (int)Math.Min(int.MaxValue - 1, (long)rate * options.DurationSeconds + 100), rate);
                context.Phases.Add(await RunRelayPhaseAsync(phase, PhaseKind.Rate, cluster, endpoints, memory, pids, postgresSampler, cancellationToken,
                    token => generator.RunOpenLoopAsync(phase, gatewayTarget, rate, TimeSpan.FromSeconds(options.DurationSeconds), token),
                    $"open loop at {rate:N0}/s for {options.DurationSeconds} s", null));
            }
            if (options.RunMaxPhase)
            {
                var phase = new Phase(2, "max", 25_000 * options.DurationSeconds + 10_000, null);
                context.Phases.Add(await RunRelayPhaseAsync(phase, PhaseKind.Max, cluster, endpoints, memory, pids, postgresSampler, cancellationToken,
                    token => generator.RunClosedLoopAsync(phase, gatewayTarget, options.Concurrency, TimeSpan.FromSeconds(options.DurationSeconds), token),
                    $"closed loop, {options.Concurrency} connections, {options.DurationSeconds} s", options.Concurrency));
            }
            if (options.RunOverloadPhase)
            {
                var max = context.Phases.FirstOrDefault(p => p.Kind == PhaseKind.Max);
                var rate = options.OverloadRate ?? (int)Math.Round(2 * (max?.AcceptedPerSecond ?? 0));
                if (rate <= 0)
                {
                    Log("overload: skipped, the max phase accepted nothing to double");
                }
                else
                {
                    var why = options.OverloadRate is null ? $"2 × the max phase's {max!.AcceptedPerSecond:N0}/s" : "--overload-rate";
                    var phase = new Phase(3, $"overload {rate:N0}/s", (int)Math.Min(int.MaxValue - 1, (long)rate * options.DurationSeconds + 100), rate);
                    context.Phases.Add(await RunRelayPhaseAsync(phase, PhaseKind.Overload, cluster, endpoints, memory, pids, postgresSampler, cancellationToken,
                        token => generator.RunOpenLoopAsync(phase, gatewayTarget, rate, TimeSpan.FromSeconds(options.DurationSeconds), token),
                        $"open loop at {rate:N0}/s ({why}) for {options.DurationSeconds} s", null));
                }
            }

            context.LoadAverageAfter = ProcFs.LoadAverage();
            context.SinkDeliveries = endpoints.Deliveries;
            context.ForeignDeliveries = endpoints.ForeignDeliveries;
            context.DeliveriesWithoutHeaders = endpoints.DeliveriesWithoutHeaders;
            context.ExitedServices = cluster.ExitedServices().ToList();
            context.LoggedProblems = cluster.LoggedProblems();
            Log("stopping the services and removing the run's database, vhost and Redis keys");
            return Report.Markdown(context);
        }

        private async Task<RelayPhaseResult> RunRelayPhaseAsync(
            Phase phase, PhaseKind kind, BenchCluster cluster, BenchEndpoints endpoints, MemorySampler memory, IReadOnlyDictionary<string, int> pids,
            PostgresActivitySampler? postgresSampler, CancellationToken cancellationToken, Func<CancellationToken, Task> load, string description, int? concurrency)
        {
            Log($"Relay, {phase.Name}: {description}");
            endpoints.Track(phase);
            memory.Reset();
            postgresSampler?.Reset();
            var cpuBefore = CpuSnapshot.Take(pids, cluster.DatabaseName);
            var databaseBefore = await cluster.ReadCountersAsync(cancellationToken);
            var switchesBefore = pids.ToDictionary(pair => pair.Key, pair => ProcFs.ContextSwitches(pair.Value));
            var backlog = new List<BacklogSample>();
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sampler = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                var started = Stopwatch.GetTimestamp();
                try
                {
                    while (await timer.WaitForNextTickAsync(sampling.Token))
                    {
                        var second = Stopwatch.GetElapsedTime(started).TotalSeconds;
                        backlog.Add(new BacklogSample(second, phase.AcceptedCount - phase.ArrivedCount));
                        if ((int)Math.Round(second) % 10 == 0)
                        {
                            Log($"  {second:0} s: accepted {phase.AcceptedCount:N0}, arrived {phase.ArrivedCount:N0}, in flight {phase.InFlight:N0}, shed {phase.ShedCount:N0}, errors {phase.ErrorCount:N0}");
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // Load over.
                }
            }, CancellationToken.None);

            await load(cancellationToken);
            var loadEnd = Stopwatch.GetTimestamp();
            await sampling.CancelAsync();
            await sampler;
            var cpuAfter = CpuSnapshot.Take(pids, cluster.DatabaseName);
            var databaseAfter = await cluster.ReadCountersAsync(cancellationToken);
            var scheduling = pids.ToDictionary(pair => pair.Key, pair =>
            {
                var threads = ProcFs.ContextSwitches(pair.Value);
                return (ProcFs.SwitchesSince(switchesBefore[pair.Key], threads), threads.Count);
            });
            var maxRss = memory.MaxMiB();
            var postgresActivity = postgresSampler?.Top(15) ?? [];
            var notArrivedAtEnd = phase.MissingCount();
            var deliveredDuringLoad = phase.ArrivedBy(loadEnd);
            var databaseAtEnd = await cluster.ReadBacklogAsync(cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();

            Log($"  load done: accepted {phase.AcceptedCount:N0} ({phase.AcceptedCount / phase.ElapsedSeconds:N0}/s), shed {phase.ShedCount:N0}, errors {Describe(phase.Errors)}; settling (up to {options.SettleSeconds} s) for {notArrivedAtEnd:N0} not yet arrived");
            var drained = await WaitForArrivalsAsync(phase, TimeSpan.FromSeconds(options.SettleSeconds), cancellationToken);
            var settleSeconds = Stopwatch.GetElapsedTime(loadEnd).TotalSeconds;
            var databaseAfterSettle = await cluster.ReadBacklogAsync(cancellationToken);
            var missing = phase.MissingCount();
            Log($"  arrived {phase.ArrivedCount:N0} of {phase.AcceptedCount:N0} accepted{(drained ? $", all within {settleSeconds:0.0} s of the end" : $"; {missing:N0} still missing after {settleSeconds:0} s")}; database: {databaseAfterSettle}");

            return new RelayPhaseResult
            {
                Phase = phase,
                Kind = kind,
                Label = phase.Name,
                Concurrency = concurrency,
                LoadSeconds = phase.ElapsedSeconds,
                SlowestFiveSecondRate = phase.SlowestWindowRate(5),
                Ack = phase.AckLatencies(),
                ShedAck = phase.ShedLatencies(),
                EndToEnd = phase.EndToEndLatencies(),
                DeliveredDuringLoad = deliveredDuringLoad,
                NotArrivedAtEnd = notArrivedAtEnd,
                Backlog = backlog,
                DrainSeconds = drained ? settleSeconds : null,
                MissingAfterSettle = missing,
                SettleSeconds = settleSeconds,
                DatabaseAtEnd = databaseAtEnd,
                DatabaseAfterSettle = databaseAfterSettle,
                MaxRssMiB = maxRss,
                Cpu = CpuSnapshot.Between(cpuBefore, cpuAfter),
                PostgresActivity = postgresActivity,
                Database = databaseAfter - databaseBefore,
                Scheduling = scheduling,
            };
        }

        /// <summary>True once every accepted webhook of the phase reached the sink; false when the wait runs out.</summary>
        private static async Task<bool> WaitForArrivalsAsync(Phase phase, TimeSpan limit, CancellationToken cancellationToken)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                if (phase.InFlight == 0 && phase.MissingCount() == 0)
                {
                    return true;
                }
                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    return false;
                }
                await Task.Delay(100, cancellationToken);
            }
        }

        private static string Describe(IReadOnlyDictionary<string, int> errors) =>
            errors.Count == 0 ? "none" : string.Join(", ", errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} ×{e.Value:N0}"));

        private static void Log(string message) => Console.Error.WriteLine($"[bench {DateTime.UtcNow:HH:mm:ss}] {message}");
    }

    public sealed class RunContext
    {
        public required DateTimeOffset StartedAt { get; init; }
        public required string LoadAverageBefore { get; init; }
        public string LoadAverageAfter { get; set; } = "";
        public required string Commit { get; init; }
        public required BenchOptions Options { get; init; }
        public string Durability { get; set; } = "";
        public HttpCeiling? HttpCeiling { get; set; }
        public TimeSpan? PrefillTime { get; set; }
        public IdleUsage? Idle { get; set; }
        public PostgresCeiling.Result? PostgresCeiling { get; set; }
        public List<RelayPhaseResult> Phases { get; } = [];
        public long SinkDeliveries { get; set; }
        public long ForeignDeliveries { get; set; }
        public long DeliveriesWithoutHeaders { get; set; }
        public List<string> ExitedServices { get; set; } = [];
        public IReadOnlyList<string> LoggedProblems { get; set; } = [];
    }
}
