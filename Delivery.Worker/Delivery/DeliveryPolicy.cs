namespace Relay.Delivery.Worker.Delivery;

/// <summary>
/// How one destination is delivered to: its own settings, with <c>Relay:Delivery</c>'s defaults where it sets none
/// (the default destination of a seed integration sets none, so it behaves exactly as the seed).
/// </summary>
/// <param name="ScheduleMs">Delays before attempts 2, 3, …; the last one repeats. Null: <c>BaseDelayMs × 2^(n−1)</c>.</param>
/// <param name="JitterPercent">Each delay is moved by a random amount of up to this share, either way.</param>
/// <param name="MaxDelay">No delay exceeds it, not even one a receiver asks for with <c>Retry-After</c>.</param>
public sealed record DeliveryPolicy(int MaxAttempts, IReadOnlyList<int>? ScheduleMs, int BaseDelayMs, int JitterPercent, TimeSpan MaxDelay, TimeSpan Timeout, int? RateLimitPerSecond)
{
    public static DeliveryPolicy For(DeliveryOptions defaults, int? maxAttempts, int[]? scheduleMs, int jitterPercent, int? maxDelayMs, int? timeoutSeconds, int? rateLimitPerSecond) =>
        new(maxAttempts ?? defaults.MaxAttempts,
            scheduleMs is { Length: > 0 } ? scheduleMs : null,
            defaults.RetryBaseDelayMs,
            Math.Clamp(jitterPercent, 0, 100),
            maxDelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromSeconds(defaults.MaxRetryDelaySeconds),
            timeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : defaults.Timeout,
            rateLimitPerSecond);
}
