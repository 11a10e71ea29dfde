namespace Relay.Bench;

public sealed record HttpCeiling(int Concurrency, double Seconds, int Answered, double PerSecond, LatencySummary Latency, int Errors);

public sealed record BacklogSample(double Second, int NotYetArrived);

/// <summary>Open loop at a fixed rate, closed loop at maximum, or open loop beyond capacity.</summary>
public enum PhaseKind
{
    Rate,
    Max,
    Overload,
}

/// <summary>What one Relay phase measured.</summary>
public sealed class RelayPhaseResult
{
    public required Phase Phase { get; init; }
    public required PhaseKind Kind { get; init; }
    public required string Label { get; init; }
    public int? OfferedRate => Phase.OfferedRate;
    public int? Concurrency { get; init; }
    public required double LoadSeconds { get; init; }
    public double AcceptedPerSecond => Phase.AcceptedCount / LoadSeconds;
    /// <summary>Accepted per second in the slowest whole 5-second window of the load (how "sustained" it was).</summary>
    public required double SlowestFiveSecondRate { get; init; }
    public required LatencySummary Ack { get; init; }
    /// <summary>How long the 503s of load shedding took.</summary>
    public required LatencySummary ShedAck { get; init; }
    public double ShedPerSecond => Phase.ShedCount / LoadSeconds;
    public required LatencySummary EndToEnd { get; init; }
    public required int DeliveredDuringLoad { get; init; }
    public required int NotArrivedAtEnd { get; init; }
    public required IReadOnlyList<BacklogSample> Backlog { get; init; }
    /// <summary>Seconds after the load ended until every accepted webhook had arrived; null when not within the settle time.</summary>
    public double? DrainSeconds { get; init; }
    public required int MissingAfterSettle { get; init; }
    public required double SettleSeconds { get; init; }
    public required DatabaseBacklog DatabaseAtEnd { get; init; }
    public required DatabaseBacklog DatabaseAfterSettle { get; init; }
    public required IReadOnlyDictionary<string, double> MaxRssMiB { get; init; }
    public required CpuUsage Cpu { get; init; }
    /// <summary>Per process: context switches during the load, and threads at its end.</summary>
    public IReadOnlyDictionary<string, (long Switches, int Threads)> Scheduling { get; init; } = new Dictionary<string, (long, int)>();
    /// <summary>pg_stat_database differences over the load (the stats collector lags by up to half a second).</summary>
    public required DatabaseCounters Database { get; init; }
    public IReadOnlyList<(string Service, string Wait, string Query, double Busy)> PostgresActivity { get; init; } = [];

    public bool DeliveryMeasured => Phase.ArrivedCount > 0;

    /// <summary>
    /// Delivery keeps up when, at the end of the load, no more than one second of offered load is still on its way,
    /// and the not-yet-arrived count did not grow over the phase (last third vs first third, after a 5 s ramp).
    /// </summary>
    public bool KeepsUp(out string why)
    {
        var perSecond = OfferedRate ?? AcceptedPerSecond;
        if (!DeliveryMeasured)
        {
            why = "nothing arrived at the sink";
            return false;
        }
        var window = Backlog.Where(sample => sample.Second >= 5).ToList();
        var third = Math.Max(1, window.Count / 3);
        var first = window.Take(third).Select(s => (double)s.NotYetArrived).DefaultIfEmpty(0).Average();
        var last = window.TakeLast(third).Select(s => (double)s.NotYetArrived).DefaultIfEmpty(0).Average();
        var growing = last > first + perSecond * 0.5;
        why = $"on its way at the end {NotArrivedAtEnd:N0} (≈ {NotArrivedAtEnd / perSecond:0.00} s of load); average in the first third {first:N0}, last third {last:N0}";
        return NotArrivedAtEnd <= perSecond && !growing;
    }
}
