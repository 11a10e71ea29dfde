using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.LiveTail;

/// <summary>
/// Ingress, Management and the gateway over a database of their own, for the live tail and the cursor lists: their
/// tests count every event of a type and insert rows while they page. Streams heartbeat every half second, and the
/// gateway ends an upstream response idle for 4 s (30 s by default), so a test sees that heartbeats keep a quiet stream
/// open through the gateway. Three streams per key; two management requests at once at the gateway, so a test can see
/// that open streams do not take those slots.
/// </summary>
public sealed class LiveTailCluster : RelayCluster
{
    public const int MaxStreamsPerKey = 3;
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan GatewayActivityTimeout = TimeSpan.FromSeconds(4);

    protected override string Purpose => "livetail";

    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Management.Api", "Gateway"];

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__Stream__HeartbeatInterval"] = HeartbeatInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        ["Relay__Stream__MaxStreamsPerKey"] = MaxStreamsPerKey.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ReverseProxy__Clusters__management__HttpRequest__ActivityTimeout"] = GatewayActivityTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        ["Relay__Gateway__MaxConcurrentManagementRequests"] = "2",
    };

    /// <summary>
    /// A client for streams: no overall timeout (a stream lasts as long as the test reads it), the management key set,
    /// and a stream disposed unread closes its connection at once, as a browser's EventSource.close() does (by default
    /// HttpClient first reads on for up to 2 s, hoping to reuse the connection).
    /// </summary>
    public HttpClient CreateStreamClient()
    {
        var handler = new SocketsHttpHandler { MaxResponseDrainSize = 0, ResponseDrainTimeout = TimeSpan.Zero };
        var client = new HttpClient(handler) { BaseAddress = GatewayAddress, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Add("x-internal-api-key", ManagementApiKey);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class LiveTailCollection : ICollectionFixture<LiveTailCluster>
{
    public const string Name = "live tail cluster";
}
