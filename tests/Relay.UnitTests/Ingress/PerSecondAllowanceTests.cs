using Relay.Ingress.Api.Ingestion;
using Relay.UnitTests.Webhooks;

namespace Relay.UnitTests.Ingress;

public sealed class PerSecondAllowanceTests
{
    [Fact]
    public void Allows_the_number_per_clock_second_and_starts_again_the_next()
    {
        var clock = FixedTime.AtUnixSeconds(1_700_000_000);
        var allowance = new PerSecondAllowance(3, clock);
        Assert.Equal([true, true, true, false, false], Enumerable.Range(0, 5).Select(_ => allowance.TryTake()));
        clock.Now = clock.Now.AddMilliseconds(999);
        Assert.False(allowance.TryTake());
        clock.Now = clock.Now.AddMilliseconds(1);
        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => allowance.TryTake()));
    }
}
