namespace Relay.Replay.Worker.Bulk;

/// <summary>Wakes an idle <see cref="BulkReplayRunner"/> when a job is requested, so it does not wait for its next look.</summary>
public sealed class BulkReplayWakeup
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Notify()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is pending already; one is enough.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);
}
