using System.Globalization;

namespace Relay.Bench;

/// <summary>One target of issue #13 checked against the run's numbers.</summary>
public sealed record TargetRow(string Target, string Measured, string Verdict);

/// <summary>
/// The issue's targets, each met, missed (by how much) or not measured in this run. Pure: it reads only the results.
/// </summary>
public static class Targets
{
    public const double IngestPerSecond = 3000;
    public const double AckP99Ms = 25;
    public const double EndToEndP99Ms = 500;
    public const double ServiceRssMiB = 300;
    public const double AllServicesRssMiB = 500;
    public const double OverloadAckP99Ms = 100;
    /// <summary>"503 within a few milliseconds": the p99 of the refusals.</summary>
    public const double ShedP99Ms = 10;
    /// <summary>The overload phase counts as "2× capacity" when it offered at least this multiple of what max accepted.</summary>
    public const double OverloadFactor = 1.8;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IReadOnlyList<TargetRow> Evaluate(RunContext run)
    {
        var rows = new List<TargetRow>();
        var max = run.Phases.FirstOrDefault(p => p.Kind == PhaseKind.Max);
        var fixedRate = run.Phases.FirstOrDefault(p => p.Kind == PhaseKind.Rate);
        var overload = run.Phases.FirstOrDefault(p => p.Kind == PhaseKind.Overload);

        if (max is null)
        {
            rows.Add(new($"ingest ≥ {IngestPerSecond:N0}/s sustained, delivery keeping up", "no max phase", NotMeasured));
        }
        else
        {
            var keepsUp = max.KeepsUp(out var why);
            var sustained = max.LoadSeconds >= 59 ? "" : $" (only {max.LoadSeconds:0} s)";
            rows.Add(new($"ingest ≥ {IngestPerSecond:N0}/s sustained for 60 s, no errors",
                $"{max.AcceptedPerSecond:N0}/s over {max.LoadSeconds:0} s{sustained}; slowest 5 s {max.SlowestFiveSecondRate:N0}/s; errors {max.Phase.ErrorCount:N0}",
                Verdict(max.AcceptedPerSecond >= IngestPerSecond && max.Phase.ErrorCount == 0 && max.LoadSeconds >= 59, max.AcceptedPerSecond, IngestPerSecond, higherIsBetter: true)));
            rows.Add(new("… with delivery keeping up (delivered/s ≈ accepted/s, no growing backlog)",
                $"delivered {max.DeliveredDuringLoad / max.LoadSeconds:N0}/s of {max.AcceptedPerSecond:N0}/s accepted; {why}",
                max.DeliveryMeasured ? (keepsUp ? Met : "missed") : NotMeasured));
        }

        if (fixedRate is null)
        {
            rows.Add(new($"at 1,000/s: ack p99 ≤ {AckP99Ms} ms, end-to-end p99 ≤ {EndToEndP99Ms} ms", "no fixed-rate phase", NotMeasured));
        }
        else
        {
            var rate = fixedRate.OfferedRate!.Value;
            var at = rate == 1000 ? "at 1,000/s" : $"at {rate:N0}/s (the target is at 1,000/s)";
            rows.Add(new($"{at}: ack p99 ≤ {AckP99Ms} ms", Ms(fixedRate.Ack.P99), Verdict(fixedRate.Ack.P99 <= AckP99Ms, fixedRate.Ack.P99, AckP99Ms, higherIsBetter: false)));
            rows.Add(new($"{at}: end-to-end p99 ≤ {EndToEndP99Ms} ms", fixedRate.DeliveryMeasured ? Ms(fixedRate.EndToEnd.P99) : "0 arrived",
                fixedRate.DeliveryMeasured ? Verdict(fixedRate.EndToEnd.P99 <= EndToEndP99Ms, fixedRate.EndToEnd.P99, EndToEndP99Ms, higherIsBetter: false) : NotMeasured));
        }

        // Memory over every phase, overload included: the largest RSS of each service, and the largest sum in one phase.
        var services = run.Phases.SelectMany(p => p.MaxRssMiB.Where(pair => BenchCluster.ServiceNames.Contains(pair.Key)).Select(pair => (Phase: p.Label, Service: pair.Key, MiB: pair.Value))).ToList();
        if (services.Count == 0)
        {
            rows.Add(new($"each service < {ServiceRssMiB} MiB RSS, all five < {AllServicesRssMiB} MiB", "no phase ran", NotMeasured));
        }
        else
        {
            var worst = services.MaxBy(s => s.MiB);
            rows.Add(new($"each service < {ServiceRssMiB} MiB RSS (largest over all phases)", $"{worst.Service} {worst.MiB:N0} MiB ({worst.Phase})",
                Verdict(worst.MiB < ServiceRssMiB, worst.MiB, ServiceRssMiB, higherIsBetter: false)));
            var heaviest = services.GroupBy(s => s.Phase).Select(phase => (Phase: phase.Key, MiB: phase.Sum(s => s.MiB))).MaxBy(phase => phase.MiB);
            rows.Add(new($"all five < {AllServicesRssMiB} MiB RSS together (sum of each one's peak in a phase)", $"{heaviest.MiB:N0} MiB ({heaviest.Phase})",
                Verdict(heaviest.MiB < AllServicesRssMiB, heaviest.MiB, AllServicesRssMiB, higherIsBetter: false)));
        }

        rows.Add(run.Idle is { } idle
            ? new($"idle: all five < {IdleUsage.TargetPercentOfCore} % of a core", $"{idle.TotalCpuPercentOfCore.ToString("0.00", Invariant)} % over {idle.Seconds:0} s; {idle.TotalSwitchesPerSecond:N0} context switches/s",
                Verdict(idle.TotalCpuPercentOfCore < IdleUsage.TargetPercentOfCore, idle.TotalCpuPercentOfCore, IdleUsage.TargetPercentOfCore, higherIsBetter: false))
            : new($"idle: all five < {IdleUsage.TargetPercentOfCore} % of a core", "no idle phase (--idle S)", NotMeasured));

        if (overload is null)
        {
            rows.Add(new($"overload (2× capacity): accepted ack p99 ≤ {OverloadAckP99Ms} ms, 503s within a few ms", "no overload phase", NotMeasured));
        }
        else
        {
            var factor = max is { AcceptedPerSecond: > 0 } ? overload.OfferedRate!.Value / max.AcceptedPerSecond : double.NaN;
            var reached = overload.Phase.ShedCount > 0 && (double.IsNaN(factor) || factor >= OverloadFactor);
            var offered = double.IsNaN(factor) ? $"{overload.OfferedRate:N0}/s offered" : $"{overload.OfferedRate:N0}/s offered = {factor.ToString("0.0", Invariant)} × max";
            rows.Add(new($"overload: accepted ack p99 ≤ {OverloadAckP99Ms} ms at 2× capacity",
                $"{Ms(overload.Ack.P99)} ({offered}; accepted {overload.AcceptedPerSecond:N0}/s, shed {overload.ShedPerSecond:N0}/s)",
                reached ? Verdict(overload.Ack.P99 <= OverloadAckP99Ms, overload.Ack.P99, OverloadAckP99Ms, higherIsBetter: false) : "not measured: nothing was shed, capacity not reached"));
            rows.Add(new($"overload: 503 with Retry-After answered within a few ms (p99 ≤ {ShedP99Ms} ms)",
                overload.Phase.ShedCount == 0 ? "no 503" : $"p50 {Ms(overload.ShedAck.P50)}, p99 {Ms(overload.ShedAck.P99)} ({overload.Phase.ShedCount:N0} shed)",
                overload.Phase.ShedCount == 0 ? NotMeasured : Verdict(overload.ShedAck.P99 <= ShedP99Ms, overload.ShedAck.P99, ShedP99Ms, higherIsBetter: false)));
            var otherErrors = overload.Phase.ErrorCount - overload.Phase.ShedCount;
            rows.Add(new("overload: every webhook answered 202 or 503 + Retry-After (no timeouts or other errors)", $"{otherErrors:N0} other errors",
                otherErrors == 0 ? Met : "missed"));
        }

        foreach (var phase in run.Phases)
        {
            rows.Add(new($"{phase.Label}: nothing lost (every accepted webhook delivered)",
                phase.DeliveryMeasured ? (phase.MissingAfterSettle == 0 ? $"{phase.Phase.AcceptedCount:N0} of {phase.Phase.AcceptedCount:N0}" : $"{phase.MissingAfterSettle:N0} of {phase.Phase.AcceptedCount:N0} missing after {phase.SettleSeconds:0} s") : "0 arrived",
                phase.DeliveryMeasured ? (phase.MissingAfterSettle == 0 ? Met : "missed") : NotMeasured));
        }
        return rows;
    }

    private const string Met = "met";
    private const string NotMeasured = "not measured";

    public static string Ms(double value) => double.IsNaN(value) ? "–" : value < 10 ? $"{value.ToString("0.00", Invariant)} ms" : value < 1000 ? $"{value.ToString("0.0", Invariant)} ms" : $"{(value / 1000).ToString("0.00", Invariant)} s";

    public static string Verdict(bool met, double measured, double target, bool higherIsBetter)
    {
        if (met)
        {
            return Met;
        }
        if (double.IsNaN(measured))
        {
            return NotMeasured;
        }
        var gap = higherIsBetter ? (target - measured) / target : (measured - target) / target;
        return gap > 0 ? $"missed by {gap.ToString("P0", Invariant)}" : "missed";
    }
}
