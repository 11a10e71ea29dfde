using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Delivery attempts across all events.</summary>
public sealed class DeliveriesClient
{
    private const string Path = "/api/v1/deliveries";
    private readonly RelayHttp http;

    internal DeliveriesClient(RelayHttp http) => this.http = http;

    /// <summary>One page of delivery attempts, newest first.</summary>
    [RelayOperation("GET", Path)]
    public Task<Page<DeliveryAttempt>> ListAsync(DeliveryListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAsync<DeliveryAttempt>(Path, query ?? new DeliveryListQuery(), cancellationToken);

    /// <summary>Every delivery attempt matching the query.</summary>
    [RelayOperation("GET", Path)]
    public IAsyncEnumerable<DeliveryAttempt> ListAllAsync(DeliveryListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAllAsync<DeliveryAttempt>(Path, query ?? new DeliveryListQuery(), cancellationToken);
}
