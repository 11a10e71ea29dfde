using Microsoft.Extensions.Options;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Replays;
using Relay.Management.Api.Data;

namespace Relay.Management.Api.Replays;

/// <summary>
/// Bulk replays as an operator asks for them: a dry run counts what a filter matches; a request stores the job (with
/// that count, a cutoff time and its rate) before anything is published, and Replay.Worker runs it; a cancellation
/// stops it at its next page.
/// </summary>
public sealed class BulkReplayService(BulkReplayRepository repository, OutboxSignal outboxSignal, IOptions<BulkReplayOptions> options, TimeProvider timeProvider)
{
    public int MaxEventsPerSecond => options.Value.BulkMaxEventsPerSecond;

    public async Task<BulkReplayPreview> PreviewAsync(BulkReplayInput input, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var rate = RateOf(input);
        var matching = await repository.CountAsync(input.Filter, now, cancellationToken);
        return new BulkReplayPreview(true, matching, JsonColumn.Parse(input.Filter.ToJson()), now, rate, Math.Round((double)matching / rate, 1));
    }

    /// <param name="correlationId">Follows the job into every replay it makes, as a single replay's does.</param>
    public async Task<BulkReplayView> CreateAsync(BulkReplayInput input, string correlationId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var job = await repository.CreateAsync(Guid.CreateVersion7(now), input.Filter, RateOf(input), input.RequestedBy, input.Reason!, correlationId, now, cancellationToken);
        outboxSignal.Notify();
        return job;
    }

    public Task<BulkReplayCancellation> CancelAsync(Guid id, string requestedBy, CancellationToken cancellationToken) =>
        repository.CancelAsync(id, requestedBy, timeProvider.GetUtcNow(), cancellationToken);

    private int RateOf(BulkReplayInput input) => input.EventsPerSecond ?? options.Value.BulkEventsPerSecond;
}
