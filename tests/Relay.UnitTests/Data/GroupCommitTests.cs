using Relay.Infrastructure.Data;

namespace Relay.UnitTests.Data;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task Items_queued_during_a_commit_are_written_together_and_each_caller_gets_its_own_result()
    {
        var batches = new List<int[]>();
        var firstCommit = new TaskCompletionSource();
        await using var commit = new GroupCommit<int, string>(async (items, _) =>
        {
            lock (batches)
            {
                batches.Add([.. items]);
            }
            if (items[0] == 0)
            {
                await firstCommit.Task; // holds the only slot while the others queue
            }
            return items.Select(item => $"row {item}").ToList();
        }, maxBatchSize: 100, maxConcurrentBatches: 1);

        var first = commit.WriteAsync(0, CancellationToken.None);
        await WaitUntilAsync(() => batches.Count == 1);
        var rest = Enumerable.Range(1, 10).Select(item => commit.WriteAsync(item, CancellationToken.None)).ToArray();
        await WaitUntilAsync(() => commit.Waiting == 10);
        firstCommit.SetResult();

        Assert.Equal("row 0", await first);
        Assert.Equal(Enumerable.Range(1, 10).Select(item => $"row {item}"), await Task.WhenAll(rest));
        Assert.Equal([[0], [.. Enumerable.Range(1, 10)]], batches);
    }

    [Fact]
    public async Task A_batch_never_exceeds_its_size()
    {
        var sizes = new List<int>();
        var gate = new TaskCompletionSource();
        await using var commit = new GroupCommit<int, int>(async (items, _) =>
        {
            lock (sizes)
            {
                sizes.Add(items.Count);
            }
            await gate.Task;
            return items.ToList();
        }, maxBatchSize: 4, maxConcurrentBatches: 1);

        var writes = Enumerable.Range(0, 9).Select(item => commit.WriteAsync(item, CancellationToken.None)).ToArray();
        gate.SetResult();
        Assert.Equal(Enumerable.Range(0, 9), await Task.WhenAll(writes));
        Assert.All(sizes, size => Assert.InRange(size, 1, 4));
        Assert.Equal(9, sizes.Sum());
    }

    [Fact]
    public async Task A_failing_item_fails_only_its_own_caller()
    {
        var gate = new TaskCompletionSource();
        var calls = 0;
        await using var commit = new GroupCommit<int, int>(async (items, _) =>
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            if (items.Contains(3))
            {
                throw new InvalidOperationException("item 3 violates a constraint");
            }
            return items.Select(item => item * 10).ToList();
        }, maxBatchSize: 100, maxConcurrentBatches: 1);

        var blocker = commit.WriteAsync(0, CancellationToken.None);
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1);
        var writes = Enumerable.Range(1, 5).Select(item => commit.WriteAsync(item, CancellationToken.None)).ToArray();
        await WaitUntilAsync(() => commit.Waiting == 5);
        gate.SetResult();

        Assert.Equal(0, await blocker);
        foreach (var (write, item) in writes.Zip(Enumerable.Range(1, 5)))
        {
            if (item == 3)
            {
                var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => write);
                Assert.Contains("item 3", failure.Message);
            }
            else
            {
                Assert.Equal(item * 10, await write);
            }
        }
        Assert.Equal(1 + 1 + 5, calls); // the blocker, the failed batch of five, then each of the five alone
    }

    [Fact]
    public async Task A_database_outage_fails_the_whole_batch_at_once_instead_of_waiting_it_out_item_by_item()
    {
        var gate = new TaskCompletionSource();
        var calls = 0;
        await using var commit = new GroupCommit<int, int>(async (items, _) =>
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            if (items.Count > 1)
            {
                throw new Npgsql.NpgsqlException("connection refused", new System.Net.Sockets.SocketException());
            }
            return items.ToList();
        }, maxBatchSize: 100, maxConcurrentBatches: 1);

        var blocker = commit.WriteAsync(0, CancellationToken.None);
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1);
        var writes = Enumerable.Range(1, 5).Select(item => commit.WriteAsync(item, CancellationToken.None)).ToArray();
        await WaitUntilAsync(() => commit.Waiting == 5);
        gate.SetResult();

        Assert.Equal(0, await blocker);
        foreach (var write in writes)
        {
            await Assert.ThrowsAsync<Npgsql.NpgsqlException>(() => write);
        }
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_writer_that_returns_the_wrong_number_of_results_fails_its_callers_instead_of_answering_wrongly()
    {
        await using var commit = new GroupCommit<int, int>((items, _) => Task.FromResult<IReadOnlyList<int>>([]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => commit.WriteAsync(1, CancellationToken.None));
    }

    [Fact]
    public async Task Cancelling_stops_the_wait_and_dispose_finishes_what_was_taken()
    {
        var gate = new TaskCompletionSource();
        var written = new List<int>();
        var commit = new GroupCommit<int, int>(async (items, _) =>
        {
            await gate.Task;
            lock (written)
            {
                written.AddRange(items);
            }
            return items.ToList();
        });
        using var cancel = new CancellationTokenSource();
        var waiting = commit.WriteAsync(7, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        var disposing = commit.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted);
        gate.SetResult();
        await disposing;
        Assert.Equal([7], written);
        Assert.Throws<ObjectDisposedException>(() => { _ = commit.WriteAsync(8, CancellationToken.None); });
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }
}
