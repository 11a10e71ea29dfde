using Microsoft.Extensions.Options;

namespace Relay.Management.Api.Streaming;

/// <summary>
/// Counts the streams each caller holds open in this process and refuses one beyond
/// <see cref="EventStreamOptions.MaxStreamsPerKey"/>. A slot is given back when its stream ends, however it ends.
/// </summary>
public sealed class EventStreamSlots(IOptions<EventStreamOptions> options)
{
    private readonly Dictionary<string, int> open = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public int MaxPerCaller => options.Value.MaxStreamsPerKey;

    /// <summary>A slot for <paramref name="caller"/>, to dispose when the stream ends; null when the caller holds all of theirs.</summary>
    public IDisposable? TryTake(string caller)
    {
        lock (gate)
        {
            var count = open.GetValueOrDefault(caller);
            if (count >= MaxPerCaller)
            {
                return null;
            }
            open[caller] = count + 1;
        }
        return new Slot(this, caller);
    }

    public int OpenFor(string caller)
    {
        lock (gate)
        {
            return open.GetValueOrDefault(caller);
        }
    }

    private void Release(string caller)
    {
        lock (gate)
        {
            var count = open.GetValueOrDefault(caller) - 1;
            if (count <= 0)
            {
                open.Remove(caller);
            }
            else
            {
                open[caller] = count;
            }
        }
    }

    private sealed class Slot(EventStreamSlots slots, string caller) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                slots.Release(caller);
            }
        }
    }
}
