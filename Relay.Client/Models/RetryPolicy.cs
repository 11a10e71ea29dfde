namespace Relay.Client;

/// <summary>A destination's own retry policy: attempts in all (1-50), the delays before each retry (null: exponential), jitter (0-100 %) and the longest delay.</summary>
public sealed record RetryPolicy(int MaxAttempts, IReadOnlyList<int>? ScheduleMs = null, int JitterPercent = 0, int? MaxDelayMs = null);
