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
    public int Concurrency { get; set; } = 128;

    /// <summary>How soon the scheduler looks again while due deliveries wait for a free slot.</summary>
    public int SchedulerIntervalMs { get; set; } = 250;

    /// <summary>
    /// The longest the scheduler sleeps. It otherwise sleeps until the earliest due time the database knows (a retry,
    /// a deferral, an expiring lease, a fan-out overdue) or this worker schedules meanwhile; this bounds how late it
    /// notices what another replica scheduled.
    /// </summary>
    public int SchedulerMaxSleepMs { get; set; } = 5000;

    /// <summary>Most events fanned out (and their deliveries claimed) by one transaction.</summary>
    public int FanOutBatchSize { get; set; } = 64;

    /// <summary>Most attempt outcomes recorded by one transaction.</summary>
    public int RecordBatchSize { get; set; } = 128;

    public int SchedulerBatchSize { get; set; } = 50;

    /// <summary>A pending event whose message has not arrived after this long is delivered by the scheduler.</summary>
    public int PendingGraceSeconds { get; set; } = 30;

    /// <summary>
    /// How long a claim owns an event. A worker that dies mid-delivery loses it after this, and the scheduler
    /// delivers the event again; it must comfortably exceed <see cref="TimeoutSeconds"/>.
    /// </summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>The longest wait between attempts of a destination that sets no maximum of its own (also bounds <c>Retry-After</c>).</summary>
    public int MaxRetryDelaySeconds { get; set; } = 3600;

    /// <summary>
    /// Deliveries to one destination in flight at once in this worker. The worker has <see cref="Concurrency"/> slots
    /// for message deliveries and as many for the scheduler's, so with the defaults one slow endpoint can hold at most
    /// half of them; the rest stay for the others.
    /// </summary>
    public int MaxInFlightPerDestination { get; set; } = 64;

    /// <summary>Consecutive failed attempts to a destination that open its circuit (nothing is sent for a cooldown).</summary>
    public int CircuitBreakerFailures { get; set; } = 5;

    /// <summary>The first cooldown of an open circuit; it doubles after each failed probe, up to <see cref="CircuitBreakerMaxOpenSeconds"/>.</summary>
    public double CircuitBreakerOpenSeconds { get; set; } = 30;

    public double CircuitBreakerMaxOpenSeconds { get; set; } = 300;

    /// <summary>
    /// A destination is disabled automatically once it has failed this many attempts in a row, over at least
    /// <see cref="AutoDisableAfterSeconds"/> (both must hold), so a long-dead endpoint stops being tried.
    /// </summary>
    public int AutoDisableAfterFailures { get; set; } = 100;

    public double AutoDisableAfterSeconds { get; set; } = 86400;

    /// <summary>How long a delivery waits when the destination's gate says not now (probe in flight, in-flight limit).</summary>
    public int DeferMs { get; set; } = 1000;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public TimeSpan CircuitOpen => TimeSpan.FromSeconds(CircuitBreakerOpenSeconds);

    public TimeSpan CircuitMaxOpen => TimeSpan.FromSeconds(Math.Max(CircuitBreakerMaxOpenSeconds, CircuitBreakerOpenSeconds));

    public TimeSpan CircuitProbeWait => TimeSpan.FromMilliseconds(DeferMs);

    public TimeSpan AutoDisablePeriod => TimeSpan.FromSeconds(AutoDisableAfterSeconds);

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    internal static bool IsValid(DeliveryOptions options) =>
        options is { MaxAttempts: >= 1, RetryBaseDelayMs: >= 0, TimeoutSeconds: >= 1, Concurrency: >= 1, SchedulerIntervalMs: >= 10, SchedulerMaxSleepMs: >= 10, FanOutBatchSize: >= 1, RecordBatchSize: >= 1, SchedulerBatchSize: >= 1, PendingGraceSeconds: >= 1,
            MaxRetryDelaySeconds: >= 1, MaxInFlightPerDestination: >= 1, CircuitBreakerFailures: >= 1, CircuitBreakerOpenSeconds: > 0, AutoDisableAfterFailures: >= 1, AutoDisableAfterSeconds: >= 0, DeferMs: >= 10 }
        && options.LeaseSeconds >= options.TimeoutSeconds + 5;
}
