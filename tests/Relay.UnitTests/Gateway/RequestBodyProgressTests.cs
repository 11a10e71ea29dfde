using Microsoft.AspNetCore.Server.Kestrel.Core;
using Relay.Gateway.Forwarding;

namespace Relay.UnitTests.Gateway;

/// <summary>Telling a client the upstream cut for slowness from an upstream that failed.</summary>
public sealed class RequestBodyProgressTests
{
    private static readonly MinDataRate Rate = new(240, TimeSpan.FromSeconds(5));

    [Theory]
    [InlineData(6, 600, true)]     // 100 B/s after the grace period: too slow
    [InlineData(6, 2_400, false)]  // 400 B/s: fine
    [InlineData(3, 10, false)]     // still within the grace period
    public async Task A_body_is_too_slow_only_after_the_grace_period_and_below_the_rate(int seconds, int bytes, bool tooSlow)
    {
        var time = new SteppedTime();
        var progress = new RequestBodyProgress(new MemoryStream(new byte[bytes]), time);

        var buffer = new byte[bytes];
        Assert.Equal(bytes, await progress.ReadAsync(buffer));
        time.Advance(TimeSpan.FromSeconds(seconds));

        Assert.Equal(tooSlow, progress.WasBelow(Rate));
    }

    [Fact]
    public void A_body_never_read_is_not_judged()
    {
        var progress = new RequestBodyProgress(new MemoryStream(), new SteppedTime());

        Assert.False(progress.WasBelow(Rate));
    }

    private sealed class SteppedTime : TimeProvider
    {
        private long ticks = TimeSpan.TicksPerDay;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }
}
