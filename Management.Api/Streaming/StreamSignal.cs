namespace Relay.Management.Api.Streaming;

/// <summary>One open stream's wake-up: set by <see cref="EventStreamWake"/>, awaited by the stream between reads.</summary>
public sealed class StreamSignal(Action<StreamSignal> unregister) : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);
    private int disposed;

    public void Notify()
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Woken by another notification first; one wake-up is enough.
            }
        }
    }

    /// <summary>True when woken, false when <paramref name="timeout"/> passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            unregister(this);
        }
    }
}
