using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Relay.Ingress.Api.Admission;

namespace Relay.UnitTests.Ingress;

public sealed class IngestAdmissionTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IngestAdmission Create(int concurrent, int queue, TimeSpan? wait = null) => new(
        Options.Create(new IngestAdmissionOptions { MaxConcurrentIngests = concurrent, IngestQueueLimit = queue, MaxIngestQueueWait = wait ?? TimeSpan.FromSeconds(10) }),
        services.GetRequiredService<IMeterFactory>());

    [Fact]
    public async Task Admits_up_to_the_limit_and_without_a_queue_refuses_the_next_at_once()
    {
        using var admission = Create(concurrent: 2, queue: 0);
        Assert.True(await admission.TryEnterAsync(CancellationToken.None));
        Assert.True(await admission.TryEnterAsync(CancellationToken.None));

        var refused = admission.TryEnterAsync(CancellationToken.None);
        Assert.True(refused.IsCompleted, "a refusal must not wait");
        Assert.False(await refused);

        admission.Exit();
        Assert.True(await admission.TryEnterAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_and_a_queued_request_takes_the_next_free_slot()
    {
        using var admission = Create(concurrent: 1, queue: 1);
        Assert.True(await admission.TryEnterAsync(CancellationToken.None));
        var queued = admission.TryEnterAsync(CancellationToken.None).AsTask();
        Assert.False(queued.IsCompleted);
        Assert.Equal(1, admission.Queued);

        var beyondQueue = admission.TryEnterAsync(CancellationToken.None);
        Assert.True(beyondQueue.IsCompleted);
        Assert.False(await beyondQueue);

        admission.Exit();
        Assert.True(await queued.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, admission.Queued);
    }

    [Fact]
    public async Task A_queued_request_is_refused_when_the_wait_runs_out_and_leaves_the_queue()
    {
        using var admission = Create(concurrent: 1, queue: 1, wait: TimeSpan.FromMilliseconds(50));
        Assert.True(await admission.TryEnterAsync(CancellationToken.None));

        Assert.False(await admission.TryEnterAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, admission.Queued);

        admission.Exit();
        Assert.True(await admission.TryEnterAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_caller_that_goes_away_while_queued_leaves_the_queue_without_a_slot()
    {
        using var admission = Create(concurrent: 1, queue: 1);
        Assert.True(await admission.TryEnterAsync(CancellationToken.None));
        using var gone = new CancellationTokenSource();
        var queued = admission.TryEnterAsync(gone.Token).AsTask();
        await gone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.Equal(0, admission.Queued);
        admission.Exit();
        Assert.True(await admission.TryEnterAsync(CancellationToken.None));
    }

    public void Dispose() => services.Dispose();
}
