using Microsoft.Extensions.Time.Testing;
using Relay.Replay.Worker.Bulk;

namespace Relay.UnitTests.Replays;

public sealed class RatePacerTests
{
    [Theory]
    [InlineData(1, 100, 1)]
    [InlineData(10, 100, 1)]
    [InlineData(20, 100, 2)]
    [InlineData(100, 100, 10)]
    [InlineData(250, 100, 25)]
    [InlineData(1000, 100, 100)]
    [InlineData(5000, 100, 100)]
    [InlineData(5000, 1000, 500)]
    public void Pages_hold_about_a_tenth_of_a_second_of_events_within_the_configured_size(int eventsPerSecond, int maxPageSize, int expected)
    {
        Assert.Equal(expected, RatePacer.PageSize(eventsPerSecond, maxPageSize));
    }

    [Fact]
    public void Instant_pages_are_spaced_to_the_rate_exactly()
    {
        var time = new FakeTimeProvider();
        var pacer = new RatePacer(100, time);
        var start = time.GetUtcNow();
        for (var page = 0; page < 100; page++)
        {
            var wait = pacer.Next(10);
            Assert.Equal(TimeSpan.FromMilliseconds(100), wait);
            time.Advance(wait);
        }
        Assert.Equal(TimeSpan.FromSeconds(10), time.GetUtcNow() - start);
    }

    [Fact]
    public void The_time_a_page_took_counts_towards_the_wait()
    {
        var time = new FakeTimeProvider();
        var pacer = new RatePacer(100, time);
        time.Advance(TimeSpan.FromMilliseconds(40));
        Assert.Equal(TimeSpan.FromMilliseconds(60), pacer.Next(10));
    }

    [Fact]
    public void A_job_that_fell_behind_does_not_catch_up_in_a_burst()
    {
        var time = new FakeTimeProvider();
        var pacer = new RatePacer(100, time);
        time.Advance(pacer.Next(10));

        // A page that took 5 s (a database pause) is owed no catch-up: the next page goes at once, and those after it
        // are spaced to the rate again rather than sent back to back to make up the lost time.
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.Zero, pacer.Next(10));
        Assert.Equal(TimeSpan.FromMilliseconds(100), pacer.Next(10));
    }

    [Theory]
    [InlineData(7, 1)]
    [InlineData(100, 10)]
    [InlineData(1000, 100)]
    public void However_long_pages_take_no_stretch_of_time_sees_more_than_the_rate_plus_one_page(int eventsPerSecond, int pageSize)
    {
        var time = new FakeTimeProvider();
        var pacer = new RatePacer(eventsPerSecond, time);
        var random = new Random(eventsPerSecond);
        var starts = new List<TimeSpan>();
        var origin = time.GetUtcNow();
        for (var page = 0; page < 1000; page++)
        {
            starts.Add(time.GetUtcNow() - origin);
            // Pages take from nothing to three times their share of a second, now and then far longer.
            var took = TimeSpan.FromSeconds(random.NextDouble() * 3 * pageSize / eventsPerSecond + (random.Next(50) == 0 ? 2 : 0));
            time.Advance(took);
            time.Advance(pacer.Next(pageSize));
        }

        // Every window that starts at a page's start: the pages started within it hold at most rate × window + one page.
        for (var first = 0; first < starts.Count; first++)
        {
            for (var last = first; last < starts.Count; last++)
            {
                var window = starts[last] - starts[first];
                var events = (last - first + 1) * pageSize;
                if (events > eventsPerSecond * window.TotalSeconds + pageSize + 1e-6)
                {
                    Assert.Fail($"{events} events started within {window.TotalSeconds:0.000} s at {eventsPerSecond}/s");
                }
            }
        }
    }

    [Fact]
    public void A_rate_below_one_event_per_second_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RatePacer(0, new FakeTimeProvider()));
    }
}
