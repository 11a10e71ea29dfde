using Relay.Ingress.Api.Ingestion;

namespace Relay.UnitTests.Ingress;

public sealed class LocalWindowCounterTests
{
    [Fact]
    public void Counts_each_key_on_its_own_within_a_window()
    {
        var counter = new LocalWindowCounter(maxCounters: 10);

        Assert.Equal([1, 2, 3], Enumerable.Range(0, 3).Select(_ => counter.Increment("acme:10.0.0.1", 100)));
        Assert.Equal(1, counter.Increment("acme:10.0.0.2", 100));
        Assert.Equal(1, counter.Increment("globex:10.0.0.1", 100));
        Assert.Equal(4, counter.Increment("acme:10.0.0.1", 100));
    }

    [Fact]
    public void A_new_window_starts_every_count_again_and_drops_the_old_counters()
    {
        var counter = new LocalWindowCounter(maxCounters: 10);
        for (var i = 0; i < 5; i++)
        {
            counter.Increment($"acme:10.0.0.{i}", 100);
        }
        Assert.Equal(5, counter.Count);

        Assert.Equal(1, counter.Increment("acme:10.0.0.1", 101));
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public void A_window_from_before_the_current_one_counts_in_the_current_one()
    {
        var counter = new LocalWindowCounter(maxCounters: 10);
        counter.Increment("acme:10.0.0.1", 101);

        // The clock stepped back: neither a reset nor a second set of counters.
        Assert.Equal(2, counter.Increment("acme:10.0.0.1", 100));
        Assert.Equal(3, counter.Increment("acme:10.0.0.1", 101));
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public void Keys_beyond_the_cap_share_one_counter_and_memory_stays_bounded()
    {
        var counter = new LocalWindowCounter(maxCounters: 3);
        foreach (var key in new[] { "a", "b", "c" })
        {
            counter.Increment(key, 7);
        }

        // Every new key from here on counts in the one overflow counter...
        Assert.Equal([1, 2, 3, 4], new[] { "d", "e", "f", "d" }.Select(key => counter.Increment(key, 7)));
        // ...the keys already held keep their own counts...
        Assert.Equal(2, counter.Increment("a", 7));
        // ...and no more than the cap is ever held, however many sources there are.
        for (var i = 0; i < 10_000; i++)
        {
            counter.Increment($"flood-{i}", 7);
        }
        Assert.Equal(3, counter.Count);

        // The next window starts empty, overflow included.
        Assert.Equal(1, counter.Increment("d", 8));
        Assert.Equal(1, counter.Increment("e", 8));
    }

    [Fact]
    public void Concurrent_increments_are_all_counted()
    {
        var counter = new LocalWindowCounter(maxCounters: 100);

        Parallel.For(0, 20_000, i => counter.Increment($"key-{i % 10}", 5));

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(2_001, counter.Increment($"key-{i}", 5));
        }
    }
}
