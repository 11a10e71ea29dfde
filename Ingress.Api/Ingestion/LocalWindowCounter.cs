using System.Runtime.InteropServices;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// Fixed windows counted in this process: the rate limiter's stand-in while Redis is unavailable. Only the current
/// window is kept (a request in a new window drops the old one), and at most <c>maxCounters</c> keys per window:
/// sources beyond that share one overflow counter, so a flood of distinct addresses cannot grow memory without bound.
/// </summary>
public sealed class LocalWindowCounter(int maxCounters)
{
    private readonly Lock gate = new();
    private Dictionary<string, long> counts = new(StringComparer.Ordinal);
    private long currentWindow = long.MinValue;
    private long overflow;

    /// <summary>Counters held in the current window (the overflow counter aside).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return counts.Count;
            }
        }
    }

    /// <summary>Counts one request for <paramref name="key"/> in <paramref name="window"/> and returns its count so far.</summary>
    public long Increment(string key, long window)
    {
        lock (gate)
        {
            if (window > currentWindow)
            {
                // A new dictionary rather than Clear(): a spike's capacity is not kept for the rest of the process.
                counts = new Dictionary<string, long>(StringComparer.Ordinal);
                overflow = 0;
                currentWindow = window;
            }
            // A window older than the current one (the clock stepped back) counts in the current one.
            if (counts.Count >= maxCounters && !counts.ContainsKey(key))
            {
                return ++overflow;
            }
            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _);
            return ++count;
        }
    }
}
