using System.Net;
using System.Net.Sockets;
using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Hardening;

public sealed class AttemptRow
{
    public string Status { get; init; } = "";
    public int? HttpStatus { get; init; }
    public string? ErrorMessage { get; init; }
}

/// <summary>A cluster whose outbound allow-list is empty, as in Production.</summary>
public sealed class NoAllowListCluster : RelayCluster
{
    protected override string Purpose => "ssrf";

    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Delivery.Worker", "Gateway"];

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__Outbound__AllowedHosts__0"] = "",
        ["Relay__Delivery__MaxAttempts"] = "1",
    };
}

/// <summary>
/// Callback URLs that point at loopback, private or link-local addresses (or names resolving to them) are refused by
/// the delivery worker: the attempt fails with the reason and no connection is made. Nothing here leaves loopback:
/// non-loopback targets are refused before any connection is attempted.
/// </summary>
public sealed class OutboundProtectionTests(NoAllowListCluster cluster) : IClassFixture<NoAllowListCluster>, IDisposable
{
    private readonly TcpListener listener = StartListener();

    private int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public void Dispose() => listener.Stop();

    [Theory]
    [InlineData("http://127.0.0.1:{port}/hook", "Destination 127.0.0.1 is a loopback address")]
    [InlineData("http://localhost:{port}/hook", "Destination localhost resolves to")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/hook", "is a loopback address")]
    [InlineData("http://0.0.0.0:{port}/hook", "Destination 0.0.0.0 is an unspecified (this-host) address")]
    [InlineData("http://10.0.0.1/hook", "Destination 10.0.0.1 is a private address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "Destination 169.254.169.254 is a link-local address")]
    [InlineData("http://[fd00::1]/hook", "Destination fd00::1 is a unique local (private IPv6) address")]
    [InlineData("ftp://127.0.0.1:{port}/hook", "scheme 'ftp' is not allowed")]
    public async Task Blocked_callback_fails_the_attempt_with_the_reason_and_sends_nothing(string template, string expectedError)
    {
        var callbackUrl = template.Replace("{port}", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE integrations SET callback_url = @callbackUrl WHERE provider = 'acme'", new { callbackUrl });
        // Ingress caches integrations briefly, but delivery reads the callback URL when it claims the event.

        using var client = cluster.CreateClient();
        using var response = await client.SendAsync(Webhooks.Acme(Webhooks.AcmeBody()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var eventId = Guid.Parse((await response.ReadJsonAsync())["data"]!["eventId"]!.GetValue<string>());

        var attempt = await Webhooks.EventuallyAsync(
            () => connection.QuerySingleOrDefaultAsync<AttemptRow>(
                "SELECT status AS Status, http_status AS HttpStatus, error_message AS ErrorMessage FROM delivery_attempts WHERE normalized_event_id = @eventId", new { eventId }),
            row => row is not null,
            TimeSpan.FromSeconds(20));
        Assert.True(attempt is not null, $"no delivery attempt was recorded\n{cluster.Logs()}");
        Assert.Equal("failed", attempt.Status);
        Assert.Null(attempt.HttpStatus);
        Assert.Contains(expectedError, attempt.ErrorMessage);
        Assert.Equal("failed", await connection.ExecuteScalarAsync<string>("SELECT status FROM normalized_events WHERE id = @eventId", new { eventId }));
        Assert.False(listener.Pending(), "the refused callback must not have opened a connection");
    }

    private static TcpListener StartListener()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }
}

/// <summary>The allow-list the harness sets (127.0.0.1) lets deliveries reach the local sink through the same handler.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class AllowListedCallbackTests(RelayCluster cluster)
{
    [Fact]
    public async Task Allow_listed_loopback_sink_receives_the_delivery()
    {
        using var client = cluster.CreateClient();
        using var response = await client.SendAsync(Webhooks.Acme(Webhooks.AcmeBody()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var eventId = Guid.Parse((await response.ReadJsonAsync())["data"]!["eventId"]!.GetValue<string>());

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var attempt = await Webhooks.EventuallyAsync(
            () => connection.QuerySingleOrDefaultAsync<AttemptRow>(
                "SELECT status AS Status, http_status AS HttpStatus, error_message AS ErrorMessage FROM delivery_attempts WHERE normalized_event_id = @eventId ORDER BY attempt_no LIMIT 1", new { eventId }),
            row => row is not null,
            TimeSpan.FromSeconds(20));
        Assert.True(attempt is not null, $"no delivery attempt was recorded\n{cluster.Logs()}");
        Assert.True(attempt.Status == "success", $"delivery to the allow-listed sink failed: {attempt.HttpStatus} {attempt.ErrorMessage}");
        Assert.Equal(202, attempt.HttpStatus);
    }
}
