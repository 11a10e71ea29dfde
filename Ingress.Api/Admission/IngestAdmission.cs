using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace Relay.Ingress.Api.Admission;

/// <summary>
/// Admission control for the webhook route: at most <see cref="IngestAdmissionOptions.MaxConcurrentIngests"/> webhooks
/// are ingested at once, at most <see cref="IngestAdmissionOptions.IngestQueueLimit"/> wait (oldest first) for at most
/// <see cref="IngestAdmissionOptions.MaxIngestQueueWait"/>, and every other one is refused at once. Taken after the body
/// is read, so a client that sends its body slowly never holds a slot (Kestrel's minimum data rate deals with it).
/// A semaphore and a counter instead of ASP.NET Core's rate-limiting middleware: that one has no bound on the
/// wait, and would take the permit before the body is read.
/// </summary>
public sealed class IngestAdmission : IDisposable
{
    public const string MeterName = "Relay.Ingress";
    public const string ShedName = "relay.ingress.shed";

    /// <summary>The <c>reason</c> tag: the queue was full, or the wait in it ran out.</summary>
    public const string QueueFull = "queue_full";
    public const string QueueTimeout = "queue_timeout";

    private readonly SemaphoreSlim slots;
    private readonly int queueLimit;
    private readonly TimeSpan maxQueueWait;
    private readonly Meter meter;
    private readonly Counter<long> shed;
    private int queued;

    public IngestAdmission(IOptions<IngestAdmissionOptions> options, IMeterFactory meterFactory)
    {
        var value = options.Value;
        slots = new SemaphoreSlim(value.MaxConcurrentIngests, value.MaxConcurrentIngests);
        queueLimit = value.IngestQueueLimit;
        maxQueueWait = value.MaxIngestQueueWait;
        RetryAfter = value.OverloadRetryAfter;
        meter = meterFactory.Create(MeterName);
        shed = meter.CreateCounter<long>(ShedName, description: "Webhooks refused with 503 because Ingress was at capacity (tag reason: queue_full, queue_timeout)");
    }

    public TimeSpan RetryAfter { get; }

    /// <summary>Webhooks waiting for a slot now.</summary>
    public int Queued => Volatile.Read(ref queued);

    /// <summary>True when the caller may ingest, and must then call <see cref="Exit"/>; false when it is to be refused.</summary>
    public async ValueTask<bool> TryEnterAsync(CancellationToken cancellationToken)
    {
        if (slots.Wait(0, CancellationToken.None))
        {
            return true;
        }
        if (Interlocked.Increment(ref queued) > queueLimit)
        {
            Interlocked.Decrement(ref queued);
            shed.Add(1, new KeyValuePair<string, object?>("reason", QueueFull));
            return false;
        }
        try
        {
            if (await slots.WaitAsync(maxQueueWait, cancellationToken))
            {
                return true;
            }
            shed.Add(1, new KeyValuePair<string, object?>("reason", QueueTimeout));
            return false;
        }
        finally
        {
            Interlocked.Decrement(ref queued);
        }
    }

    public void Exit() => slots.Release();

    public void Dispose()
    {
        slots.Dispose();
        meter.Dispose();
    }
}
