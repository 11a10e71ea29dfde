
using Relay.Delivery.Worker.Delivery;

namespace Relay.UnitTests.Delivery;

public sealed class RetryPolicyTests
{
    [Theory]
    [InlineData(2, 5000, 10_000)]
    [InlineData(3, 5000, 20_000)]
    [InlineData(4, 5000, 40_000)]
    [InlineData(2, 200, 400)]
    [InlineData(3, 200, 800)]
    [InlineData(2, 0, 0)]
    public void Delay_before_attempt_n_of_a_run_is_base_times_two_to_the_n_minus_one(int attemptInRun, int baseDelayMs, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RetryPolicy.DelayBefore(attemptInRun, baseDelayMs));
    }

    [Fact]
    public void Delay_is_capped_instead_of_overflowing()
    {
        Assert.Equal(TimeSpan.FromDays(1), RetryPolicy.DelayBefore(1000, int.MaxValue));
    }

    [Fact]
    public void Default_policy_retries_after_10_then_20_seconds_and_fails_on_the_third_attempt()
    {
        var first = RetryPolicy.Decide(succeeded: false, processingAttempts: 0, attemptBudgetStart: 0, maxAttempts: 3, retryBaseDelayMs: 5000);
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.RetryScheduled, 1, 2, TimeSpan.FromSeconds(10)), first);

        var second = RetryPolicy.Decide(false, 1, 0, 3, 5000);
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.RetryScheduled, 2, 3, TimeSpan.FromSeconds(20)), second);

        var third = RetryPolicy.Decide(false, 2, 0, 3, 5000);
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.Failed, 3, null, null), third);
    }

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(2, 0, 3)]
    [InlineData(3, 3, 4)]
    public void Success_processes_the_event_whatever_the_attempt(int processingAttempts, int budgetStart, int expectedAttemptNo)
    {
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.Processed, expectedAttemptNo, null, null),
            RetryPolicy.Decide(true, processingAttempts, budgetStart, 3, 5000));
    }

    [Fact]
    public void A_replay_gets_a_fresh_budget_with_the_delays_starting_over()
    {
        // Three attempts used up, then a replay set attempt_budget_start = 3.
        Assert.Equal(1, RetryPolicy.AttemptInRun(3, 3));
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.RetryScheduled, 4, 5, TimeSpan.FromSeconds(10)), RetryPolicy.Decide(false, 3, 3, 3, 5000));
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.RetryScheduled, 5, 6, TimeSpan.FromSeconds(20)), RetryPolicy.Decide(false, 4, 3, 3, 5000));
        Assert.Equal(new DeliveryVerdict(DeliveryVerdictKind.Failed, 6, null, null), RetryPolicy.Decide(false, 5, 3, 3, 5000));
    }

    [Fact]
    public void One_attempt_allowed_means_the_first_failure_is_final()
    {
        Assert.Equal(DeliveryVerdictKind.Failed, RetryPolicy.Decide(false, 0, 0, 1, 5000).Kind);
    }

    [Fact]
    public void An_event_past_a_lowered_maximum_fails_rather_than_retrying_forever()
    {
        Assert.Equal(DeliveryVerdictKind.Failed, RetryPolicy.Decide(false, 7, 0, 3, 5000).Kind);
    }

    [Fact]
    public void Attempt_in_run_never_drops_below_one()
    {
        Assert.Equal(1, RetryPolicy.AttemptInRun(0, 5));
    }
}
