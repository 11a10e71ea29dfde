using Relay.Delivery.Worker.Delivery;
using Relay.Delivery.Worker.Persistence;
using Relay.Delivery.Worker.Scheduling;

namespace Relay.UnitTests.Delivery;

public sealed class SchedulerWakeupTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sleeps_until_the_time_given_when_nothing_is_signalled()
    {
        var wakeup = new SchedulerWakeup(TimeProvider.System);
        var started = TimeProvider.System.GetTimestamp();
        await wakeup.WaitAsync(TimeProvider.System.GetUtcNow() + TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.FromMilliseconds(90), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_time_signalled_while_sleeping_wakes_it_then()
    {
        var wakeup = new SchedulerWakeup(TimeProvider.System);
        var sleeping = wakeup.WaitAsync(TimeProvider.System.GetUtcNow() + Long, CancellationToken.None);
        wakeup.DueAt(TimeProvider.System.GetUtcNow() + TimeSpan.FromMilliseconds(50));
        Assert.Same(sleeping, await Task.WhenAny(sleeping, Task.Delay(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task Due_now_wakes_it_at_once_and_a_later_time_does_not()
    {
        var wakeup = new SchedulerWakeup(TimeProvider.System);
        var sleeping = wakeup.WaitAsync(TimeProvider.System.GetUtcNow() + Long, CancellationToken.None);
        wakeup.DueAt(TimeProvider.System.GetUtcNow() + TimeSpan.FromHours(1));
        Assert.NotSame(sleeping, await Task.WhenAny(sleeping, Task.Delay(TimeSpan.FromMilliseconds(200))));
        wakeup.DueNow();
        Assert.Same(sleeping, await Task.WhenAny(sleeping, Task.Delay(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task What_was_signalled_before_a_reset_is_forgotten_and_what_came_before_the_wait_is_kept()
    {
        var wakeup = new SchedulerWakeup(TimeProvider.System);
        wakeup.DueNow();
        wakeup.Reset();
        var sleeping = wakeup.WaitAsync(TimeProvider.System.GetUtcNow() + Long, CancellationToken.None);
        Assert.NotSame(sleeping, await Task.WhenAny(sleeping, Task.Delay(TimeSpan.FromMilliseconds(200))));
        wakeup.DueNow();
        await sleeping.WaitAsync(TimeSpan.FromSeconds(10));

        wakeup.Reset();
        wakeup.DueNow();
        await wakeup.WaitAsync(TimeProvider.System.GetUtcNow() + Long, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Cancelling_the_wait_throws()
    {
        var wakeup = new SchedulerWakeup(TimeProvider.System);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wakeup.WaitAsync(TimeProvider.System.GetUtcNow() + Long, stop.Token));
    }
}

public sealed class DeliveryOutcomeTests
{
    private static readonly ClaimedDelivery Claim = new(new DeliveryCandidate { DeliveryId = Guid.NewGuid(), EventId = Guid.NewGuid() }, Guid.NewGuid(), 0, 0, null, null, Guid.NewGuid());
    private static readonly RecordContext Context = new("event.failed", "{}", null, 100, TimeSpan.Zero, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData(DeliveryVerdictKind.Processed, "succeeded", null)]
    [InlineData(DeliveryVerdictKind.RetryScheduled, "retrying", "Callback answered HTTP 500")]
    [InlineData(DeliveryVerdictKind.Failed, "failed", "Callback answered HTTP 500")]
    public void The_delivery_takes_the_verdicts_status_and_only_a_failure_keeps_its_error(DeliveryVerdictKind kind, string status, string? error)
    {
        var result = new DeliveryAttemptResult(true, kind == DeliveryVerdictKind.Processed, 500, null, "Callback answered HTTP 500", 3);
        var outcome = new DeliveryOutcome(Claim, result, new DeliveryVerdict(kind, 1, kind == DeliveryVerdictKind.RetryScheduled ? 2 : null, kind == DeliveryVerdictKind.RetryScheduled ? TimeSpan.FromSeconds(1) : null), Context);
        Assert.Equal(status, outcome.DeliveryStatus);
        Assert.Equal(error, outcome.Error);
    }
}
