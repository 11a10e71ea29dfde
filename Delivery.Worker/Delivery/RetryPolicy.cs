using Relay.Delivery.Worker.Persistence;

namespace Relay.Delivery.Worker.Delivery;

/// <summary>
/// The seed's retry arithmetic, per delivery, with Relay's fresh budget per run: attempts in the current run are
/// <c>attempts − attempt_budget_start</c> (a replay or recovery sets the start to the attempts so far), a run has
/// <see cref="DeliveryPolicy.MaxAttempts"/> attempts, and the delay before attempt n of a run is the destination's
/// schedule, else <c>base × 2^(n−1)</c>; jitter, a receiver's <c>Retry-After</c> and the maximum delay apply on top.
/// </summary>
public static class RetryPolicy
{
    // Far beyond any sensible policy; only keeps a misconfiguration from overflowing.
    private static readonly TimeSpan Ceiling = TimeSpan.FromDays(7);

    /// <summary>The 1-based number, within the current run, of the attempt about to be made.</summary>
    public static int AttemptInRun(int attempts, int attemptBudgetStart) =>
        Math.Max(1, attempts - attemptBudgetStart + 1);

    /// <summary>The wait before attempt <paramref name="attemptInRun"/> (≥ 2) of a run, before jitter.</summary>
    public static TimeSpan DelayBefore(int attemptInRun, DeliveryPolicy policy)
    {
        if (policy.ScheduleMs is { Count: > 0 } schedule)
        {
            return TimeSpan.FromMilliseconds(schedule[Math.Clamp(attemptInRun - 2, 0, schedule.Count - 1)]);
        }
        var exponent = Math.Clamp(attemptInRun - 1, 0, 40);
        var milliseconds = policy.BaseDelayMs * Math.Pow(2, exponent);
        return milliseconds >= Ceiling.TotalMilliseconds ? Ceiling : TimeSpan.FromMilliseconds(milliseconds);
    }

    /// <param name="attempts">Attempts of this delivery before this one.</param>
    /// <param name="jitterSample">A uniform sample in [−1, 1]; scaled by the policy's jitter share.</param>
    public static DeliveryVerdict Decide(DeliveryAttemptResult result, int attempts, int attemptBudgetStart, DeliveryPolicy policy, double jitterSample)
    {
        var attemptNo = attempts + 1;
        if (result.Succeeded)
        {
            return new DeliveryVerdict(DeliveryVerdictKind.Processed, attemptNo, null, null);
        }
        var attemptInRun = AttemptInRun(attempts, attemptBudgetStart);
        if (!result.Retryable || attemptInRun >= policy.MaxAttempts)
        {
            return new DeliveryVerdict(DeliveryVerdictKind.Failed, attemptNo, null, null);
        }
        var delay = DelayBefore(attemptInRun + 1, policy);
        if (policy.JitterPercent > 0)
        {
            delay *= 1 + Math.Clamp(jitterSample, -1, 1) * policy.JitterPercent / 100.0;
        }
        if (result.RetryAfter is { } retryAfter && retryAfter > delay)
        {
            delay = retryAfter;
        }
        if (delay > policy.MaxDelay)
        {
            delay = policy.MaxDelay;
        }
        return new DeliveryVerdict(DeliveryVerdictKind.RetryScheduled, attemptNo, attemptNo + 1, delay);
    }
}
