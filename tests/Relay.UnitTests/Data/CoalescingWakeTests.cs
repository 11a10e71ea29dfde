using Microsoft.Extensions.Time.Testing;
using Relay.Infrastructure.Messaging;

namespace Relay.UnitTests.Data;

public sealed class CoalescingWakeTests
{
    [Fact]
    public void The_first_wake_passes_at_once_and_a_burst_after_it_becomes_one_wake_when_the_interval_is_up()
    {
        var time = new FakeTimeProvider();
        var wakes = 0;
        using var wake = new CoalescingWake(() => wakes++, TimeSpan.FromSeconds(1), time);

        wake.Notify();
        Assert.Equal(1, wakes);

        for (var i = 0; i < 50; i++)
        {
            wake.Notify();
        }
        Assert.Equal(1, wakes);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, wakes);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, wakes); // held, not dropped

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, wakes);
        wake.Notify();
        Assert.Equal(3, wakes); // quiet for longer than the interval: passes at once
    }
}
