using System.Globalization;
using System.Text;

namespace Relay.Bench;

/// <summary>The run as markdown: the summary table (absolute numbers and ratios to the ceilings), the targets, and the detail behind them.</summary>
public static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Markdown(RunContext run)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');

        Line("# Relay benchmark");
        Line();
        Line($"{run.StartedAt:yyyy-MM-dd HH:mm} UTC · commit {run.Commit} · {Environment.ProcessorCount} cores, " +
             $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0} GiB · load average before {run.LoadAverageBefore}, after {run.LoadAverageAfter} · " +
             $"everything on 127.0.0.1: load generator + sink (one process), gateway, 4 services, PostgreSQL, RabbitMQ, Redis");
        Line();
        var overrides = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => $"{e.Key}={e.Value}")
            .Where(e => e.StartsWith("Relay__", StringComparison.Ordinal) || e.StartsWith("DOTNET_", StringComparison.Ordinal) || e.StartsWith("BENCH_RELAYDB_OPTIONS", StringComparison.Ordinal) || e.StartsWith("BENCH_SETUP_SQL", StringComparison.Ordinal))
            // The SDK's own switches (telemetry, first-run, CLI) change nothing in the services.
            .Where(e => !e.StartsWith("DOTNET_CLI_", StringComparison.Ordinal) && !e.StartsWith("DOTNET_NOLOGO", StringComparison.Ordinal)
                && !e.StartsWith("DOTNET_GENERATE_ASPNET_CERTIFICATE", StringComparison.Ordinal) && !e.StartsWith("DOTNET_SKIP_FIRST_TIME_EXPERIENCE", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        if (overrides.Count > 0)
        {
            Line($"Settings from the environment: `{string.Join("`, `", overrides)}`.");
            Line();
        }
        Line($"Durability: PostgreSQL {run.Durability}; RabbitMQ publisher confirms, durable queues, persistent messages; an event is acknowledged (202) only after its transaction commits.");
        Line();

        Line("| measurement | accepted/s | × HTTP ceiling | × PG ceiling | ack p50 | ack p90 | ack p99 | ack max | end-to-end p50 | end-to-end p99 | errors | every accepted event arrived |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var http = run.HttpCeiling;
        var pg = run.PostgresCeiling;
        if (http is not null)
        {
            Line($"| ceiling: ASP.NET Core endpoint that only reads the body ({http.Concurrency} connections, {http.Seconds:0} s) | {http.PerSecond:N0} | 1 | – | {Ms(http.Latency.P50)} | {Ms(http.Latency.P90)} | {Ms(http.Latency.P99)} | {Ms(http.Latency.Max)} | – | – | {http.Errors:N0} | – |");
        }
        if (pg is not null)
        {
            Line($"| ceiling: PostgreSQL single-row INSERT, fsync on ({pg.Clients} connections, {pg.Seconds:0} s) | {pg.PerSecond:N0} | – | 1 | {Ms(pg.Latency.P50)} | {Ms(pg.Latency.P90)} | {Ms(pg.Latency.P99)} | {Ms(pg.Latency.Max)} | – | – | 0 | – |");
        }
        foreach (var phase in run.Phases)
        {
            var how = phase.Kind switch
            {
                PhaseKind.Max => $"max, {phase.Concurrency} connections",
                PhaseKind.Overload => $"beyond capacity, {phase.OfferedRate:N0}/s offered, open loop",
                _ => $"{phase.OfferedRate:N0}/s offered, open loop",
            };
            Line($"| Relay through the gateway: {how}, {phase.LoadSeconds:0} s | {phase.AcceptedPerSecond:N0} | {Ratio(phase.AcceptedPerSecond, http?.PerSecond)} | {Ratio(phase.AcceptedPerSecond, pg?.PerSecond)} | " +
                 $"{Ms(phase.Ack.P50)} | {Ms(phase.Ack.P90)} | {Ms(phase.Ack.P99)} | {Ms(phase.Ack.Max)} | {EndToEnd(phase, e => e.P50)} | {EndToEnd(phase, e => e.P99)} | {phase.Phase.ErrorCount:N0}{(phase.Phase.ShedCount > 0 ? $" ({phase.Phase.ShedCount:N0} shed: 503 + Retry-After)" : "")} | {Arrived(phase)} |");
        }
        Line();
        Line("Ack latency is measured from the moment a webhook was due to be sent (open loop) or was sent (closed loop) to the end of the answer; end-to-end from the same moment to the first arrival of the delivery at the sink. The reference service behind seed 004 measured ≈ 370 webhooks/s with ack p99 ≈ 290 ms on this machine type, i.e. ≈ 0.011 × the HTTP ceiling and ≈ 0.051 × the PostgreSQL ceiling of that measurement (34,000 requests/s, 7,300 inserts/s).");
        Line();

        Line("## Targets");
        Line();
        Line("| target | measured | verdict |");
        Line("|---|---|---|");
        foreach (var row in Targets.Evaluate(run))
        {
            Line($"| {row.Target} | {row.Measured} | {row.Verdict} |");
        }
        Line();

        if (run.Idle is { } idle)
        {
            Line($"## Idle ({idle.Seconds:0} s with nothing sent)");
            Line();
            Line("| service | CPU, % of a core | context switches/s |");
            Line("|---|---:|---:|");
            foreach (var (service, cost) in idle.Services.OrderBy(pair => Array.IndexOf(BenchCluster.ServiceNames, pair.Key)))
            {
                Line($"| {service} | {cost.CpuPercentOfCore.ToString("0.00", Invariant)} | {cost.SwitchesPerSecond:N0} |");
            }
            Line($"| **all five** | **{idle.TotalCpuPercentOfCore.ToString("0.00", Invariant)}** | **{idle.TotalSwitchesPerSecond:N0}** |");
            Line();
        }

        foreach (var overload in run.Phases.Where(p => p.Kind == PhaseKind.Overload))
        {
            Line($"## Beyond capacity: {overload.OfferedRate:N0}/s offered, open loop, {overload.LoadSeconds:0} s");
            Line();
            Line("| | per second | p50 | p99 | max |");
            Line("|---|---:|---:|---:|---:|");
            Line($"| offered | {overload.OfferedRate:N0} | | | |");
            Line($"| accepted (202): acknowledgement | {overload.AcceptedPerSecond:N0} | {Ms(overload.Ack.P50)} | {Ms(overload.Ack.P99)} | {Ms(overload.Ack.Max)} |");
            Line($"| shed (503 with Retry-After): answer | {overload.ShedPerSecond:N0} | {Ms(overload.ShedAck.P50)} | {Ms(overload.ShedAck.P99)} | {Ms(overload.ShedAck.Max)} |");
            Line($"| other errors | {(overload.Phase.ErrorCount - overload.Phase.ShedCount) / overload.LoadSeconds:N0} | | | |");
            Line();
            Line("Largest RSS during the phase: " + string.Join(", ", overload.MaxRssMiB.OrderBy(pair => Array.IndexOf(BenchCluster.ServiceNames, pair.Key) is var i && i < 0 ? 99 : i)
                .Select(pair => $"{pair.Key} {pair.Value:N0} MiB")) + ".");
            Line();
        }

        Line("## Where the CPU went during the load");
        Line();
        Line("Core-seconds per second of load (2.0 = both cores busy) and CPU time per accepted webhook, from /proc.");
        Line();
        var groups = run.Phases.SelectMany(p => p.Cpu.Seconds.Keys).Distinct().OrderBy(GroupOrder).ToList();
        Line("| component | " + string.Join(" | ", run.Phases.Select(p => $"{p.Label}: cores | µs/webhook")) + " |");
        Line("|---|" + string.Join("", run.Phases.Select(_ => "---:|---:|")));
        foreach (var group in groups)
        {
            Line($"| {group} | " + string.Join(" | ", run.Phases.Select(p =>
            {
                var seconds = p.Cpu.Seconds.GetValueOrDefault(group);
                return $"{seconds / p.LoadSeconds:0.00} | {PerWebhook(seconds, p.Phase.AcceptedCount)}";
            })) + " |");
        }
        Line("| **machine busy** | " + string.Join(" | ", run.Phases.Select(p => $"**{p.Cpu.MachineBusySeconds / p.LoadSeconds:0.00}** of {p.Cpu.MachineTotalSeconds / p.LoadSeconds:0.0} | {PerWebhook(p.Cpu.MachineBusySeconds, p.Phase.AcceptedCount)}")) + " |");
        Line();

        Line("PostgreSQL work per accepted webhook during the load (pg_stat_database of the run's database; delivery included):");
        Line();
        Line("| | " + string.Join(" | ", run.Phases.Select(p => p.Label)) + " |");
        Line("|---|" + string.Join("", run.Phases.Select(_ => "---:|")));
        Row("transactions committed (read-only ones included)", p => PerAccepted(p.Database.Commits, p));
        Row("WAL fsyncs (whole server; group commit shares one)", p => PerAccepted(p.Database.WalSyncs, p));
        Row("WAL bytes (whole server)", p => p.Phase.AcceptedCount == 0 ? "–" : (p.Database.WalBytes / (double)p.Phase.AcceptedCount).ToString("N0", Invariant));
        Row("rows inserted", p => PerAccepted(p.Database.Inserted, p));
        Row("rows updated", p => PerAccepted(p.Database.Updated, p));
        Row("rows deleted", p => PerAccepted(p.Database.Deleted, p));
        Row("buffer pages touched", p => PerAccepted(p.Database.BlocksTouched, p));
        Row("rollbacks", p => PerAccepted(p.Database.Rollbacks, p));
        Line();

        foreach (var phase in run.Phases.Where(p => p.PostgresActivity.Count > 0))
        {
            Line($"PostgreSQL, {phase.Label} (--pg-sample: average backends active on a statement; 1.00 = one backend all the time):");
            Line();
            Line("| busy | service | waiting on | statement |");
            Line("|---:|---|---|---|");
            foreach (var (service, wait, query, busy) in phase.PostgresActivity)
            {
                Line($"| {busy:0.00} | {service} | {wait} | `{query.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal)}` |");
            }
            Line();
        }

        Line("## Memory (largest RSS during the load, MiB)");
        Line();
        var processes = run.Phases.SelectMany(p => p.MaxRssMiB.Keys).Distinct().OrderBy(name => Array.IndexOf(BenchCluster.ServiceNames, name) is var i && i < 0 ? 99 : i).ToList();
        Line("| process | " + string.Join(" | ", run.Phases.Select(p => p.Label)) + " |");
        Line("|---|" + string.Join("", run.Phases.Select(_ => "---:|")));
        foreach (var process in processes)
        {
            Line($"| {process} | " + string.Join(" | ", run.Phases.Select(p => p.MaxRssMiB.TryGetValue(process, out var mib) ? mib.ToString("N0", Invariant) : "–")) + " |");
        }
        Line();

        Line("Threads at the end of the load, and context switches per accepted webhook:");
        Line();
        Line("| process | " + string.Join(" | ", run.Phases.Select(p => $"{p.Label}: threads | switches/webhook")) + " |");
        Line("|---|" + string.Join("", run.Phases.Select(_ => "---:|---:|")));
        foreach (var process in processes)
        {
            Line($"| {process} | " + string.Join(" | ", run.Phases.Select(p => p.Scheduling.TryGetValue(process, out var s)
                ? $"{s.Threads} | {(p.Phase.AcceptedCount == 0 ? "–" : (s.Switches / (double)p.Phase.AcceptedCount).ToString("0.0", Invariant))}"
                : "– | –")) + " |");
        }
        Line();

        Line("## Delivery and backlog");
        Line();
        Line("| | " + string.Join(" | ", run.Phases.Select(p => p.Label)) + " |");
        Line("|---|" + string.Join("", run.Phases.Select(_ => "---|")));
        Row("accepted / sent", p => $"{p.Phase.AcceptedCount:N0} / {p.Phase.Sent:N0}");
        Row("errors", p => p.Phase.ErrorCount == 0 ? "none" : string.Join("; ", p.Phase.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} ×{e.Value:N0}")));
        Row("delivered during the load", p => $"{p.DeliveredDuringLoad:N0} ({p.DeliveredDuringLoad / p.LoadSeconds:N0}/s)");
        Row("accepted but not arrived when the load ended", p => $"{p.NotArrivedAtEnd:N0}");
        Row("largest not-yet-arrived count during the load", p => $"{(p.Backlog.Count == 0 ? 0 : p.Backlog.Max(s => s.NotYetArrived)):N0}");
        Row("all arrived", p => p.DrainSeconds is { } drain ? $"{drain:0.0} s after the load" : $"no: {p.MissingAfterSettle:N0} missing after {p.SettleSeconds:0} s");
        Row("end-to-end p90 / p99.9 / max", p => p.DeliveryMeasured ? $"{Ms(p.EndToEnd.P90)} / {Ms(p.EndToEnd.P999)} / {Ms(p.EndToEnd.Max)}" : "not measured");
        Row("duplicate deliveries (at-least-once)", p => $"{p.Phase.DuplicateArrivals:N0}");
        Row("delivered but not acknowledged 202 to the sender", p => $"{p.Phase.ArrivedWithoutAcceptance():N0}");
        Row("database when the load ended", p => p.DatabaseAtEnd.ToString());
        Row("database after settling", p => p.DatabaseAfterSettle.ToString());
        Line();
        Line($"Sink: {run.SinkDeliveries:N0} deliveries, {run.DeliveriesWithoutHeaders:N0} without x-event-id / x-correlation-id / x-integration-provider, {run.ForeignDeliveries:N0} not from this run's phases (warm-up excluded from the tables).");
        if (run.LoggedProblems.Count > 0)
        {
            Line();
            Line("**The services logged warnings or errors during the run** (the numbers may not be representative; see bench/results/logs):");
            Line();
            foreach (var problem in run.LoggedProblems)
            {
                Line($"- {problem}");
            }
        }
        if (run.ExitedServices.Count > 0)
        {
            Line();
            Line($"**Services that exited during the run:** {string.Join(", ", run.ExitedServices)}.");
        }
        Line();
        var o = run.Options;
        if (run.PrefillTime is { } prefill)
        {
            Line($"Prefilled database: {o.PrefillEvents:N0} delivered events written before the load in {prefill.TotalSeconds:0.0} s ({o.PrefillEvents / prefill.TotalSeconds:N0}/s).");
            Line();
        }
        Line($"Command: `./bench.sh{(o.Rate is { } r ? $" --rate {r}" : "")}{(o.Max ? " --max" : "")}{(o.Overload ? o.OverloadRate is { } or ? $" --overload-rate {or}" : " --overload" : "")}{(o.IdleSeconds is { } idleSeconds ? $" --idle {idleSeconds}" : "")}{(o.PrefillEvents > 0 ? $" --prefill {o.PrefillEvents}" : "")} --duration {o.DurationSeconds} --concurrency {o.Concurrency}` (ceilings {o.EffectiveCeilingSeconds} s, PostgreSQL clients {o.PostgresClients}, warm-up {o.WarmupSeconds} s at 300/s, settle ≤ {o.SettleSeconds} s).");
        return text.ToString();

        void Row(string name, Func<RelayPhaseResult, string> value) => Line($"| {name} | " + string.Join(" | ", run.Phases.Select(value)) + " |");
    }

    private static string Ms(double value) => Targets.Ms(value);

    private static string Ratio(double value, double? ceiling) => ceiling is > 0 ? (value / ceiling.Value).ToString("0.000", Invariant) : "–";

    private static string PerAccepted(long value, RelayPhaseResult phase) =>
        phase.Phase.AcceptedCount == 0 ? "–" : (value / (double)phase.Phase.AcceptedCount).ToString("0.00", Invariant);

    private static string PerWebhook(double seconds, int webhooks) => webhooks == 0 ? "–" : (seconds * 1e6 / webhooks).ToString("N0", Invariant);

    private static string EndToEnd(RelayPhaseResult phase, Func<LatencySummary, double> pick) =>
        phase.DeliveryMeasured ? Ms(pick(phase.EndToEnd)) : "not measured (0 arrived)";

    private static string Arrived(RelayPhaseResult phase) =>
        !phase.DeliveryMeasured
            ? $"not measured: 0 of {phase.Phase.AcceptedCount:N0} arrived"
            : phase.MissingAfterSettle == 0
                ? $"yes ({phase.Phase.AcceptedCount:N0} of {phase.Phase.AcceptedCount:N0})"
                : $"no: {phase.MissingAfterSettle:N0} of {phase.Phase.AcceptedCount:N0} missing after {phase.SettleSeconds:0} s";

    private static int GroupOrder(string group) => group switch
    {
        "Gateway" => 0,
        "Ingress.Api" => 1,
        "Delivery.Worker" => 2,
        "Management.Api" => 3,
        "Replay.Worker" => 4,
        _ when group.StartsWith("PostgreSQL", StringComparison.Ordinal) => 5,
        "RabbitMQ" => 6,
        "Redis" => 7,
        _ when group.StartsWith("Relay.Bench", StringComparison.Ordinal) => 8,
        CpuSnapshot.Other => 10,
        _ => 9,
    };
}
