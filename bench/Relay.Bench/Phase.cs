using System.Collections.Concurrent;
using System.Diagnostics;

namespace Relay.Bench;

/// <summary>
/// Everything recorded about the webhooks of one phase, indexed by their sequence number: when each was due to
/// be sent, how long its acknowledgement took, whether it was accepted, and when it first reached the sink.
/// Plain arrays written once per slot, so recording costs no locks and no allocations.
/// </summary>
public sealed class Phase
{
    public const byte Accepted = 1;
    public const byte Duplicate = 2;
    public const byte Failed = 3;
    /// <summary>503 with Retry-After: Relay refused it for capacity (load shedding); still counted among the errors.</summary>
    public const byte Shed = 4;

    private readonly long[] scheduled;
    private readonly long[] ackLatency;
    private readonly long[] arrival;
    private readonly byte[] outcome;
    private readonly ConcurrentDictionary<string, int> errors = new();
    private int used;
    private int acceptedCount;
    private int shedCount;
    private int arrivedCount;
    private int duplicateArrivals;
    private int inFlight;
    private long lastAnswer;

    public Phase(int index, string name, int capacity, int? offeredRate)
    {
        Index = index;
        Name = name;
        OfferedRate = offeredRate;
        scheduled = new long[capacity];
        ackLatency = new long[capacity];
        arrival = new long[capacity];
        outcome = new byte[capacity];
    }

    public int Index { get; }
    public string Name { get; }
    public int? OfferedRate { get; }
    public int Capacity => scheduled.Length;
    public int Sent => Math.Min(Volatile.Read(ref used), Capacity);
    public int AcceptedCount => Volatile.Read(ref acceptedCount);
    public int ShedCount => Volatile.Read(ref shedCount);
    public int ArrivedCount => Volatile.Read(ref arrivedCount);
    public int DuplicateArrivals => Volatile.Read(ref duplicateArrivals);
    public int InFlight => Volatile.Read(ref inFlight);
    public IReadOnlyDictionary<string, int> Errors => errors;
    public int ErrorCount => errors.Values.Sum();
    public bool CapacityExhausted { get; private set; }

    /// <summary>Stopwatch timestamps of the phase's load window (first scheduled send to the last answer).</summary>
    public long StartTimestamp { get; set; }
    public long EndTimestamp { get; set; }
    public long LastAnswerTimestamp => Interlocked.Read(ref lastAnswer);
    public double ElapsedSeconds => Stopwatch.GetElapsedTime(StartTimestamp, EndTimestamp).TotalSeconds;

    /// <summary>Takes the next sequence number, or -1 once the arrays are full.</summary>
    public int Next()
    {
        var seq = Interlocked.Increment(ref used) - 1;
        if (seq < Capacity)
        {
            return seq;
        }
        CapacityExhausted = true;
        return -1;
    }

    public void Scheduled(int seq, long timestamp)
    {
        scheduled[seq] = timestamp;
        Interlocked.Increment(ref inFlight);
    }

    public void Completed(int seq, byte result, long answeredAt, string? error = null)
    {
        ackLatency[seq] = answeredAt - scheduled[seq];
        outcome[seq] = result;
        var last = Interlocked.Read(ref lastAnswer);
        while (answeredAt > last)
        {
            var seen = Interlocked.CompareExchange(ref lastAnswer, answeredAt, last);
            if (seen == last)
            {
                break;
            }
            last = seen;
        }
        if (result == Accepted)
        {
            Interlocked.Increment(ref acceptedCount);
        }
        else if (result == Shed)
        {
            Interlocked.Increment(ref shedCount);
        }
        if (error is not null)
        {
            errors.AddOrUpdate(error, 1, (_, count) => count + 1);
        }
        Interlocked.Decrement(ref inFlight);
    }

    /// <summary>Refused before sending (the generator's own in-flight bound); counted as an error, never hidden.</summary>
    public void NotSent(int seq, string reason)
    {
        outcome[seq] = Failed;
        ackLatency[seq] = -1;
        errors.AddOrUpdate(reason, 1, (_, count) => count + 1);
    }

    public void Arrived(int seq, long timestamp)
    {
        if (seq < 0 || seq >= Capacity)
        {
            return;
        }
        if (Interlocked.CompareExchange(ref arrival[seq], timestamp, 0) == 0)
        {
            Interlocked.Increment(ref arrivedCount);
        }
        else
        {
            Interlocked.Increment(ref duplicateArrivals);
        }
    }

    /// <summary>Arrivals at or before <paramref name="timestamp"/> (for "delivered during the phase").</summary>
    public int ArrivedBy(long timestamp)
    {
        var count = 0;
        var sent = Sent;
        for (var i = 0; i < sent; i++)
        {
            var at = Volatile.Read(ref arrival[i]);
            if (at != 0 && at <= timestamp)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Accepted webhooks that have not reached the sink (yet).</summary>
    public int MissingCount()
    {
        var missing = 0;
        var sent = Sent;
        for (var i = 0; i < sent; i++)
        {
            if (outcome[i] == Accepted && Volatile.Read(ref arrival[i]) == 0)
            {
                missing++;
            }
        }
        return missing;
    }

    /// <summary>Arrivals of webhooks the generator never saw accepted (answer lost, or an error answered after a commit).</summary>
    public int ArrivedWithoutAcceptance()
    {
        var count = 0;
        var sent = Sent;
        for (var i = 0; i < sent; i++)
        {
            if (outcome[i] != Accepted && Volatile.Read(ref arrival[i]) != 0)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Accepted per second in the slowest whole window of <paramref name="windowSeconds"/> within the load.</summary>
    public double SlowestWindowRate(int windowSeconds)
    {
        var seconds = (int)Math.Floor(ElapsedSeconds);
        if (seconds < windowSeconds)
        {
            return AcceptedCount / Math.Max(ElapsedSeconds, 1e-9);
        }
        var perSecond = new int[seconds + 1];
        for (var i = 0; i < Sent; i++)
        {
            if (outcome[i] == Accepted)
            {
                var second = (int)((scheduled[i] + ackLatency[i] - StartTimestamp) / Stopwatch.Frequency);
                if (second >= 0 && second < perSecond.Length)
                {
                    perSecond[second]++;
                }
            }
        }
        var slowest = int.MaxValue;
        for (var start = 0; start + windowSeconds <= seconds; start++)
        {
            slowest = Math.Min(slowest, perSecond.AsSpan(start, windowSeconds).ToArray().Sum());
        }
        return slowest / (double)windowSeconds;
    }

    /// <summary>Acknowledgement latencies of the accepted webhooks.</summary>
    public LatencySummary AckLatencies() => LatenciesOf(Accepted);

    /// <summary>How long the 503s of load shedding took to come back.</summary>
    public LatencySummary ShedLatencies() => LatenciesOf(Shed);

    private LatencySummary LatenciesOf(byte result)
    {
        var values = new List<long>(Sent);
        for (var i = 0; i < Sent; i++)
        {
            if (ackLatency[i] > 0 && outcome[i] == result)
            {
                values.Add(ackLatency[i]);
            }
        }
        return LatencySummary.From(values);
    }

    /// <summary>From the scheduled send to the first arrival at the sink, for accepted webhooks that arrived.</summary>
    public LatencySummary EndToEndLatencies()
    {
        var values = new List<long>(ArrivedCount);
        for (var i = 0; i < Sent; i++)
        {
            var at = Volatile.Read(ref arrival[i]);
            if (at != 0 && outcome[i] == Accepted)
            {
                values.Add(at - scheduled[i]);
            }
        }
        return LatencySummary.From(values);
    }
}

/// <summary>Exact percentiles of a set of Stopwatch durations, in milliseconds.</summary>
public sealed record LatencySummary(int Count, double P50, double P90, double P99, double P999, double Max, double Mean)
{
    public static LatencySummary From(List<long> ticks)
    {
        if (ticks.Count == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        ticks.Sort();
        double Ms(long value) => value * 1000.0 / Stopwatch.Frequency;
        // Nearest-rank percentile: the smallest value with at least p of the samples at or below it.
        double At(double p) => Ms(ticks[Math.Clamp((int)Math.Ceiling(p * ticks.Count) - 1, 0, ticks.Count - 1)]);
        return new LatencySummary(ticks.Count, At(0.50), At(0.90), At(0.99), At(0.999), Ms(ticks[^1]), ticks.Average(t => (double)t) * 1000.0 / Stopwatch.Frequency);
    }
}
