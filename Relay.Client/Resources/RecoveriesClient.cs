using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Recoveries of a destination's failed deliveries (started with <see cref="DestinationsClient.RecoverAsync"/>).</summary>
public sealed class RecoveriesClient
{
    private readonly RelayHttp http;

    internal RecoveriesClient(RelayHttp http) => this.http = http;

    /// <summary>A recovery's progress.</summary>
    [RelayOperation("GET", "/api/v1/recoveries/{id}")]
    public Task<Recovery> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        http.SendAsync<Recovery>(HttpMethod.Get, $"/api/v1/recoveries/{RelayHttp.Segment(id)}", null, cancellationToken);
}
