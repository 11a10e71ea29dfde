namespace Relay.Management.Api.Destinations;

/// <summary>
/// A destination's own retry policy, as given and as answered. Unset (null on the destination), Delivery.Worker
/// uses Relay:Delivery's defaults.
/// </summary>
/// <param name="MaxAttempts">Attempts in all, the first included (1-50).</param>
/// <param name="ScheduleMs">The delay before each retry, in order (at most 20, each 0-86,400,000 ms); null: exponential from Relay:Delivery:RetryBaseDelayMs.</param>
/// <param name="JitterPercent">Each delay varies randomly by up to this share of it (0-100).</param>
/// <param name="MaxDelayMs">No delay is longer (at most 604,800,000 ms, a week); null: one hour.</param>
public sealed record RetryPolicy(int MaxAttempts, IReadOnlyList<int>? ScheduleMs, int JitterPercent, int? MaxDelayMs)
{
    public const int MaxAttemptsLimit = 50;
    public const int MaxScheduleLength = 20;
    public const int MaxScheduledDelayMs = 86_400_000;
    public const int MaxDelayLimitMs = 604_800_000;
}
