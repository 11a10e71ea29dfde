using Relay.Delivery.Worker.Delivery;
using Relay.Delivery.Worker.Persistence;

namespace Relay.UnitTests.Delivery;

public sealed class RetryPolicyTests
{
    private static readonly DeliveryPolicy Seed = DeliveryPolicy.For(new DeliveryOptions(), null, null, 0, null, null, null);

    private static readonly DeliveryAttemptResult Failure = new(true, false, 500, null, "Callback answered HTTP 500", 3);

    private static readonly DeliveryAttemptResult Success = new(true, true, 202, null, null, 3);

    [Theory]
    [InlineData(2, 5000, 10_000)]
    [InlineData(3, 5000, 20_000)]
    [InlineData(4, 5000, 40_000)]
    [InlineData(2, 200, 400)]
    [InlineData(3, 200, 800)]
    [InlineData(2, 0, 0)]
    public void Delay_before_attempt_n_of_a_run_is_base_times_two_to_the_n_minus_one(int attemptInRun, int baseDelayMs, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RetryPolicy.DelayBefore(attemptInRun, Seed with { BaseDelayMs = baseDelayMs }));
    }

    [Fact]
    public void Delay_is_capped_instead_of_overflowing()
    {
        Assert.Equal(TimeSpan.FromDays(7), RetryPolicy.DelayBefore(1000, Seed with { BaseDelayMs = int.MaxValue }));
    }

    [Fact]
    public void Default_policy_retries_after_10_then_20_seconds_and_fails_on_the_third_attempt()
    {
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.RetryScheduled, 1, 2, TimeSpan.FromSeconds(10)), RetryPolicy.Decide(Failure, 0, 0, Seed, 0.9));
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.RetryScheduled, 2, 3, TimeSpan.FromSeconds(20)), RetryPolicy.Decide(Failure, 1, 0, Seed, -0.9));
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.Failed, 3, null, null), RetryPolicy.Decide(Failure, 2, 0, Seed, 0));
    }

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(2, 0, 3)]
    [InlineData(3, 3, 4)]
    public void Success_ends_the_delivery_whatever_the_attempt(int attempts, int budgetStart, int expectedAttemptNo)
    {
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.Processed, expectedAttemptNo, null, null), RetryPolicy.Decide(Success, attempts, budgetStart, Seed, 0));
    }

    [Fact]
    public void A_replay_gets_a_fresh_budget_with_the_delays_starting_over()
    {
        // Three attempts used up, then a replay set attempt_budget_start = 3.
        Assert.Equal(1, RetryPolicy.AttemptInRun(3, 3));
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.RetryScheduled, 4, 5, TimeSpan.FromSeconds(10)), RetryPolicy.Decide(Failure, 3, 3, Seed, 0));
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.RetryScheduled, 5, 6, TimeSpan.FromSeconds(20)), RetryPolicy.Decide(Failure, 4, 3, Seed, 0));
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.Failed, 6, null, null), RetryPolicy.Decide(Failure, 5, 3, Seed, 0));
    }

    [Fact]
    public void One_attempt_allowed_means_the_first_failure_is_final()
    {
        Assert.Equal(DeliveryVerdictKind.Failed, RetryPolicy.Decide(Failure, 0, 0, Seed with { MaxAttempts = 1 }, 0).Kind);
    }

    [Fact]
    public void A_delivery_past_a_lowered_maximum_fails_rather_than_retrying_forever()
    {
        Assert.Equal(DeliveryVerdictKind.Failed, RetryPolicy.Decide(Failure, 7, 0, Seed, 0).Kind);
    }

    [Fact]
    public void Attempt_in_run_never_drops_below_one()
    {
        Assert.Equal(1, RetryPolicy.AttemptInRun(0, 5));
    }

    [Fact]
    public void A_schedule_gives_the_delays_in_order_and_repeats_its_last()
    {
        var policy = Seed with { ScheduleMs = [100, 2000, 30_000], MaxAttempts = 10 };
        Assert.Equal(TimeSpan.FromMilliseconds(100), RetryPolicy.Decide(Failure, 0, 0, policy, 0).Delay);
        Assert.Equal(TimeSpan.FromSeconds(2), RetryPolicy.Decide(Failure, 1, 0, policy, 0).Delay);
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.Decide(Failure, 2, 0, policy, 0).Delay);
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.Decide(Failure, 6, 0, policy, 0).Delay);
    }

    [Theory]
    [InlineData(-1.0, 8_000)]
    [InlineData(0.0, 10_000)]
    [InlineData(1.0, 12_000)]
    [InlineData(5.0, 12_000)]
    public void Jitter_moves_a_delay_by_at_most_its_share_either_way(double sample, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RetryPolicy.Decide(Failure, 0, 0, Seed with { JitterPercent = 20 }, sample).Delay);
    }

    [Fact]
    public void Retry_after_longer_than_the_schedule_is_honoured_up_to_the_maximum_delay()
    {
        var policy = Seed with { ScheduleMs = [100], MaxDelay = TimeSpan.FromSeconds(30) };
        Assert.Equal(TimeSpan.FromSeconds(7), RetryPolicy.Decide(Failure with { HttpStatus = 429, RetryAfter = TimeSpan.FromSeconds(7) }, 0, 0, policy, 0).Delay);
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.Decide(Failure with { HttpStatus = 503, RetryAfter = TimeSpan.FromHours(2) }, 0, 0, policy, 0).Delay);
        // A shorter Retry-After than the policy's own delay does not hurry the retry.
        Assert.Equal(TimeSpan.FromSeconds(10), RetryPolicy.Decide(Failure with { RetryAfter = TimeSpan.FromSeconds(1) }, 0, 0, Seed, 0).Delay);
    }

    [Fact]
    public void Gone_and_refused_targets_fail_at_once_with_attempts_left()
    {
        Assert.Equal(DeliveryVerdictKind.Failed, RetryPolicy.Decide(Failure with { HttpStatus = 410, Retryable = false }, 0, 0, Seed, 0).Kind);
        Assert.Equal(DeliveryVerdictKind.Failed, RetryPolicy.Decide(DeliveryAttemptResult.NotAttempted("Integration is inactive"), 0, 0, Seed, 0).Kind);
    }
}
