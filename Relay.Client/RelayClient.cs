using Relay.Client.Http;

namespace Relay.Client;

/// <summary>
/// A typed client of Relay's management API through its gateway. Thread-safe; create one per gateway and key and keep
/// it (with <see cref="RelayClient(HttpClient, RelayClientOptions)"/>, the <see cref="HttpClient"/> from
/// <c>IHttpClientFactory</c>). Every method takes a <see cref="CancellationToken"/>; an error answer is thrown as a
/// <see cref="RelayApiException"/> (or one of its subclasses).
/// </summary>
public sealed class RelayClient : IDisposable
{
    private readonly HttpClient? ownedHttpClient;

    /// <summary>A client over <paramref name="httpClient"/>, whose <see cref="HttpClient.BaseAddress"/> is the gateway.</summary>
    public RelayClient(HttpClient httpClient, RelayClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        if (httpClient.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress: the gateway's URL.", nameof(httpClient));
        }
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            throw new ArgumentException("An API key is required.", nameof(options));
        }
        var http = new RelayHttp(httpClient, options);
        Events = new EventsClient(http);
        Integrations = new IntegrationsClient(http);
        Destinations = new DestinationsClient(http);
        Recoveries = new RecoveriesClient(http);
        Deliveries = new DeliveriesClient(http);
        AuditEntries = new AuditEntriesClient(http);
        Replays = new ReplaysClient(http);
        BulkReplays = new BulkReplaysClient(http);
        ApiKeys = new ApiKeysClient(http);
        Health = new HealthClient(http);
        Stats = new StatsClient(http);
    }

    /// <summary>A client with an <see cref="HttpClient"/> of its own for the gateway at <paramref name="gateway"/>, disposed with it.</summary>
    public RelayClient(Uri gateway, string apiKey)
        : this(new HttpClient { BaseAddress = gateway ?? throw new ArgumentNullException(nameof(gateway)) }, new RelayClientOptions(apiKey), owned: true)
    {
    }

    private RelayClient(HttpClient httpClient, RelayClientOptions options, bool owned)
        : this(httpClient, options)
    {
        ownedHttpClient = owned ? httpClient : null;
    }

    /// <summary>Events: list, detail, status, publish, replay, live stream.</summary>
    public EventsClient Events { get; }

    /// <summary>Integrations.</summary>
    public IntegrationsClient Integrations { get; }

    /// <summary>Destinations, with pause, resume, secret rotation, attempts, test sends and recovery.</summary>
    public DestinationsClient Destinations { get; }

    /// <summary>Recoveries of failed deliveries.</summary>
    public RecoveriesClient Recoveries { get; }

    /// <summary>Delivery attempts.</summary>
    public DeliveriesClient Deliveries { get; }

    /// <summary>The audit trail.</summary>
    public AuditEntriesClient AuditEntries { get; }

    /// <summary>Replay requests of single events.</summary>
    public ReplaysClient Replays { get; }

    /// <summary>Bulk replays.</summary>
    public BulkReplaysClient BulkReplays { get; }

    /// <summary>API keys.</summary>
    public ApiKeysClient ApiKeys { get; }

    /// <summary>The gateway's health.</summary>
    public HealthClient Health { get; }

    /// <summary>Activity per minute (accepted, delivered, failed, latency).</summary>
    public StatsClient Stats { get; }

    /// <summary>Disposes the <see cref="HttpClient"/> the client made itself; one given to it stays the caller's.</summary>
    public void Dispose() => ownedHttpClient?.Dispose();
}
