namespace Relay.Delivery.Worker.Delivery;

/// <summary><c>Relay:Delivery:*</c>: the retry policy and how hard the worker may push.</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Relay:Delivery";

    /// <summary>Attempts per delivery run (a replay starts a fresh run).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The delay before attempt n of a run is <c>RetryBaseDelayMs × 2^(n−1)</c>: 10 s, then 20 s with the default.</summary>
    public int RetryBaseDelayMs { get; set; } = 5000;

    /// <summary>How long one HTTP delivery may take, connect to last response byte.</summary>
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>Deliveries in flight at once, per path (message consumers and the scheduler each).</summary>
    public int Concurrency { get; set; } = 32;

    public int SchedulerIntervalMs { get; set; } = 250;

    public int SchedulerBatchSize { get; set; } = 50;

    /// <summary>A pending event whose message has not arrived after this long is delivered by the scheduler.</summary>
    public int PendingGraceSeconds { get; set; } = 30;

    /// <summary>
    /// How long a claim owns an event. A worker that dies mid-delivery loses it after this, and the scheduler
    /// delivers the event again; it must comfortably exceed <see cref="TimeoutSeconds"/>.
    /// </summary>
    public int LeaseSeconds { get; set; } = 60;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    internal static bool IsValid(DeliveryOptions options) =>
        options is { MaxAttempts: >= 1, RetryBaseDelayMs: >= 0, TimeoutSeconds: >= 1, Concurrency: >= 1, SchedulerIntervalMs: >= 10, SchedulerBatchSize: >= 1, PendingGraceSeconds: >= 1 }
        && options.LeaseSeconds >= options.TimeoutSeconds + 5;
}
