using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Replay requests of single events (made with <see cref="EventsClient.ReplayAsync"/>).</summary>
public sealed class ReplaysClient
{
    private const string Path = "/api/v1/replays";
    private readonly RelayHttp http;

    internal ReplaysClient(RelayHttp http) => this.http = http;

    /// <summary>One page of replay requests, newest first.</summary>
    [RelayOperation("GET", Path)]
    public Task<Page<ReplayRequest>> ListAsync(ReplayListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAsync<ReplayRequest>(Path, query ?? new ReplayListQuery(), cancellationToken);

    /// <summary>Every replay request matching the query.</summary>
    [RelayOperation("GET", Path)]
    public IAsyncEnumerable<ReplayRequest> ListAllAsync(ReplayListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAllAsync<ReplayRequest>(Path, query ?? new ReplayListQuery(), cancellationToken);

    /// <summary>One replay request.</summary>
    [RelayOperation("GET", Path + "/{id}")]
    public Task<ReplayRequest> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        http.SendAsync<ReplayRequest>(HttpMethod.Get, $"{Path}/{RelayHttp.Segment(id)}", null, cancellationToken);
}
