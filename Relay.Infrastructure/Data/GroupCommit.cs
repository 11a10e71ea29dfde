using System.Threading.Channels;

namespace Relay.Infrastructure.Data;

/// <summary>
/// Group commit: concurrent callers hand in one item each, and the items waiting at that moment are written
/// together by one call of the batch writer (one transaction, one WAL flush, a few round trips), each caller
/// answered with its own result once that call returned. Batches form by themselves: nothing waits for a
/// batch to fill, so an idle system writes each item at once, and a loaded one writes what queued during the
/// previous commit (up to <c>maxBatchSize</c>, with up to <c>maxConcurrentBatches</c> commits in flight).
/// When a batch of several fails, each of its items is written again on its own, so one bad item (a
/// constraint, a value the database refuses) fails only its own caller; a transient database failure
/// (<see cref="TransientDatabaseErrors"/>) fails the whole batch at once, for the callers to retry.
/// </summary>
/// <remarks>
/// The batch writer must return one result per item, in the items' order, and must be safe to call again for
/// items of a batch that failed (one transaction: it committed or it did not).
/// </remarks>
public sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> writeBatch;
    private readonly int maxBatchSize;
    private readonly SemaphoreSlim commitSlots;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>();
    private readonly Task loop;

    public GroupCommit(Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> writeBatch, int maxBatchSize = 128, int maxConcurrentBatches = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentBatches, 1);
        this.writeBatch = writeBatch;
        this.maxBatchSize = maxBatchSize;
        commitSlots = new SemaphoreSlim(maxConcurrentBatches, maxConcurrentBatches);
        loop = Task.Run(RunAsync);
    }

    /// <summary>Items waiting for a commit slot (a measure of how far the database is behind).</summary>
    public int Waiting => queue.Reader.Count;

    /// <summary>
    /// Writes the item with whatever else is waiting. Cancelling stops the wait, not the write: an item already
    /// handed to the writer may still be committed.
    /// </summary>
    public Task<TResult> WriteAsync(TItem item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommit<TItem, TResult>));
        }
        return pending.Result.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        var batches = new List<Task>();
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                // Waiting for a slot first lets items pile up meanwhile, which is what makes the next batch large.
                await commitSlots.WaitAsync(CancellationToken.None);
                var batch = new List<Pending>(Math.Min(maxBatchSize, Math.Max(reader.Count, 1)));
                while (batch.Count < maxBatchSize && reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }
                if (batch.Count == 0)
                {
                    commitSlots.Release();
                    continue;
                }
                batches.RemoveAll(task => task.IsCompleted);
                batches.Add(CommitAsync(batch));
            }
        }
        finally
        {
            await Task.WhenAll(batches);
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        try
        {
            await Task.Yield();
            await WriteAndAnswerAsync(batch);
        }
        catch (Exception exception) when (TransientDatabaseErrors.IsTransient(exception))
        {
            // The database is away, not an item at fault: trying each item alone would only wait out the outage
            // once per item. Every caller gets the failure now and retries on its own, into a new batch.
            foreach (var pending in batch)
            {
                pending.Result.TrySetException(exception);
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Someone in the batch may be at fault: every item gets its own try, and its own answer.
            foreach (var pending in batch)
            {
                try
                {
                    await WriteAndAnswerAsync([pending]);
                }
                catch (Exception single)
                {
                    pending.Result.TrySetException(single);
                }
            }
        }
        catch (Exception exception)
        {
            batch[0].Result.TrySetException(exception);
        }
        finally
        {
            commitSlots.Release();
        }
    }

    private async Task WriteAndAnswerAsync(List<Pending> batch)
    {
        var results = await writeBatch(batch.ConvertAll(pending => pending.Item), CancellationToken.None);
        if (results.Count != batch.Count)
        {
            throw new InvalidOperationException($"The batch writer returned {results.Count} results for {batch.Count} items.");
        }
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Result.TrySetResult(results[i]);
        }
    }

    /// <summary>Stops taking items and waits for the ones taken to be written.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
        commitSlots.Dispose();
    }

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Result);
}
