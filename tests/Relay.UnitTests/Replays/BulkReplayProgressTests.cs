using Relay.Management.Api.Replays;

namespace Relay.UnitTests.Replays;

public sealed class BulkReplayProgressTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("running", 1000, 250, 0, 25.0)]
    [InlineData("running", 3, 1, 0, 33.3)]
    [InlineData("running", 100, 120, 0, 100.0)]   // a status filter can match more than it counted
    [InlineData("cancelled", 1000, 400, 0, 40.0)]
    [InlineData("completed", 1000, 990, 10, 100.0)]
    [InlineData("completed", 0, 0, 0, 100.0)]
    [InlineData("queued", 0, 0, 0, 0.0)]
    public void Percent_is_the_share_replayed_or_skipped_and_100_once_completed(string status, int total, int replayed, int skipped, double expected)
    {
        Assert.Equal(expected, BulkReplayProgress.Percent(status, total, replayed, skipped));
    }

    [Fact]
    public void The_estimate_uses_the_job_rate_until_it_has_run_a_while()
    {
        Assert.Equal(10.0, BulkReplayProgress.EstimatedSecondsRemaining("queued", 1000, 0, 100, null, Now));
        Assert.Equal(9.0, BulkReplayProgress.EstimatedSecondsRemaining("running", 1000, 100, 100, Now.AddMilliseconds(-500), Now));
    }

    [Fact]
    public void The_estimate_uses_the_rate_achieved_when_that_is_slower()
    {
        // 100 replayed in 10 s: 10/s achieved against 100/s asked; 900 left.
        Assert.Equal(90.0, BulkReplayProgress.EstimatedSecondsRemaining("running", 1000, 100, 100, Now.AddSeconds(-10), Now));
        // Faster than asked (a first page goes at once) is not believed.
        Assert.Equal(7.0, BulkReplayProgress.EstimatedSecondsRemaining("running", 1000, 300, 100, Now.AddSeconds(-1), Now));
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("cancelled")]
    [InlineData("failed")]
    public void A_finished_job_has_no_estimate(string status)
    {
        Assert.Null(BulkReplayProgress.EstimatedSecondsRemaining(status, 1000, 10, 100, Now.AddSeconds(-10), Now));
    }
}
