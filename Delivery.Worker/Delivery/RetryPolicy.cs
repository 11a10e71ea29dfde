namespace Relay.Delivery.Worker.Delivery;

/// <summary>
/// The seed's retry arithmetic, with Relay's fresh budget per run: attempts in the current run are
/// <c>processing_attempts − attempt_budget_start</c> (a replay sets the start to the attempts so far), a run has
/// <c>MaxAttempts</c> attempts, and the delay before attempt n of a run is <c>base × 2^(n−1)</c>.
/// </summary>
public static class RetryPolicy
{
    // Far beyond any sensible policy; only keeps a misconfiguration from overflowing.
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(1);

    /// <summary>The 1-based number, within the current run, of the attempt about to be made.</summary>
    public static int AttemptInRun(int processingAttempts, int attemptBudgetStart) =>
        Math.Max(1, processingAttempts - attemptBudgetStart + 1);

    /// <summary>The wait before attempt <paramref name="attemptInRun"/> (≥ 2) of a run.</summary>
    public static TimeSpan DelayBefore(int attemptInRun, int retryBaseDelayMs)
    {
        var exponent = Math.Clamp(attemptInRun - 1, 0, 40);
        var milliseconds = retryBaseDelayMs * Math.Pow(2, exponent);
        return milliseconds >= MaxDelay.TotalMilliseconds ? MaxDelay : TimeSpan.FromMilliseconds(milliseconds);
    }

    public static DeliveryVerdict Decide(bool succeeded, int processingAttempts, int attemptBudgetStart, int maxAttempts, int retryBaseDelayMs)
    {
        var attemptNo = processingAttempts + 1;
        if (succeeded)
        {
            return new DeliveryVerdict(DeliveryVerdictKind.Processed, attemptNo, null, null);
        }
        var attemptInRun = AttemptInRun(processingAttempts, attemptBudgetStart);
        if (attemptInRun >= maxAttempts)
        {
            return new DeliveryVerdict(DeliveryVerdictKind.Failed, attemptNo, null, null);
        }
        return new DeliveryVerdict(DeliveryVerdictKind.RetryScheduled, attemptNo, attemptNo + 1, DelayBefore(attemptInRun + 1, retryBaseDelayMs));
    }
}
