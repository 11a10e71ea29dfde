using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Bulk replays: every event matching a filter replayed as one tracked job at a rate.</summary>
public sealed class BulkReplaysClient
{
    private const string Path = "/api/v1/replays/bulk";
    private readonly RelayHttp http;

    internal BulkReplaysClient(RelayHttp http) => this.http = http;

    /// <summary>Counts the events the filter matches and estimates the time, without replaying anything (a dry run).</summary>
    [RelayOperation("POST", Path, Status = 200)]
    public Task<BulkReplayPreview> PreviewAsync(BulkReplayRequest request, CancellationToken cancellationToken = default) =>
        http.SendAsync<BulkReplayPreview>(HttpMethod.Post, Path, (request ?? throw new ArgumentNullException(nameof(request))) with { DryRun = true }, cancellationToken);

    /// <summary>Starts replaying every event the filter matches; follow it with <see cref="GetAsync"/>.</summary>
    [RelayOperation("POST", Path, Status = 202)]
    public Task<BulkReplay> StartAsync(BulkReplayRequest request, CancellationToken cancellationToken = default) =>
        http.SendAsync<BulkReplay>(HttpMethod.Post, Path, (request ?? throw new ArgumentNullException(nameof(request))) with { DryRun = false }, cancellationToken);

    /// <summary>One page of bulk replays, newest first.</summary>
    [RelayOperation("GET", Path)]
    public Task<Page<BulkReplay>> ListAsync(BulkReplayListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAsync<BulkReplay>(Path, query ?? new BulkReplayListQuery(), cancellationToken);

    /// <summary>Every bulk replay matching the query.</summary>
    [RelayOperation("GET", Path)]
    public IAsyncEnumerable<BulkReplay> ListAllAsync(BulkReplayListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAllAsync<BulkReplay>(Path, query ?? new BulkReplayListQuery(), cancellationToken);

    /// <summary>A bulk replay's progress.</summary>
    [RelayOperation("GET", Path + "/{id}")]
    public Task<BulkReplay> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        http.SendAsync<BulkReplay>(HttpMethod.Get, $"{Path}/{RelayHttp.Segment(id)}", null, cancellationToken);

    /// <summary>Stops a queued or running bulk replay (what it replayed stays replayed); a finished one is a <see cref="RelayConflictException"/>.</summary>
    [RelayOperation("POST", Path + "/{id}/cancel")]
    public Task<BulkReplay> CancelAsync(Guid id, string? requestedBy = null, CancellationToken cancellationToken = default) =>
        http.SendAsync<BulkReplay>(HttpMethod.Post, $"{Path}/{RelayHttp.Segment(id)}/cancel", new ActionRequest(requestedBy), cancellationToken);
}
