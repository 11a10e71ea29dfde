using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Relay.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace Relay.IntegrationTests.Hardening;

/// <summary>
/// Gateway, Ingress and Management with the gateway's logging as shipped (YARP's own categories not turned down,
/// unlike <see cref="HardeningCluster"/>) and its own forwarding lines at Debug, so the log-volume test sees every
/// line the gateway would write about a client's mistake.
/// </summary>
public sealed class GatewayProtocolCluster : RelayCluster
{
    protected override string Purpose => "protocol";

    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Management.Api", "Gateway"];

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Logging__LogLevel__Default"] = "Information",
        ["Logging__LogLevel__Relay.Gateway"] = "Debug",
    };
}

/// <summary>What the gateway answers to requests that are the client's mistake, hop by hop, over raw sockets.</summary>
public sealed class GatewayProtocolTests(GatewayProtocolCluster cluster, ITestOutputHelper output) : IClassFixture<GatewayProtocolCluster>
{
    private Uri Gateway => cluster.GatewayAddress;

    public static TheoryData<string, string> NonAsciiValues() => new()
    {
        // Header bytes are written as Latin-1 chars: "\u00c3\u00a9" is UTF-8's é, "\u00e9" a lone Latin-1 é, "\u00ff" never valid UTF-8.
        { "GET /api/v1/health", "caf\u00c3\u00a9" },
        { "GET /api/v1/events", "caf\u00c3\u00a9" },
        { "POST /api/v1/webhooks/acme", "caf\u00c3\u00a9" },
        { "GET /api/v1/events", "caf\u00e9" },
        { "POST /api/v1/webhooks/acme", "\u00ff\u00fe" },
    };

    [Theory]
    [MemberData(nameof(NonAsciiValues))]
    public async Task A_header_value_with_non_ascii_bytes_gets_400_naming_the_header_never_503(string requestLine, string value)
    {
        var head = $"{requestLine} HTTP/1.1\r\nHost: relay.test\r\nContent-Type: application/json\r\nContent-Length: 2\r\nX-Customer-Note: {value}";

        var response = await RawHttp.SendAsync(Gateway, head, "{}"u8.ToArray());

        Assert.True(response.Status == 400, $"gateway: {response}");
        Assert.Equal("VALIDATION_ERROR", response.ErrorCode);
        Assert.Equal("X-Customer-Note", response.Json?["error"]?["details"]?["header"]?.GetValue<string>());
        Assert.DoesNotContain(value, response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hop_by_hop_kestrel_accepts_a_utf8_header_and_only_the_gateways_forwarding_could_not_send_it()
    {
        // What each hop does with the same request: the services' Kestrel decodes the UTF-8 value and serves the
        // request; it was the gateway's HttpClient that refused to send it upstream (which the gateway answered 503).
        var head = "GET /api/v1/events HTTP/1.1\r\nHost: relay.test\r\nX-Customer-Note: caf\u00c3\u00a9";

        var management = await RawHttp.SendAsync(cluster.Service("Management.Api").BaseAddress, head);
        var gateway = await RawHttp.SendAsync(Gateway, head);

        Assert.True(management.Status == 401, $"Management.Api directly: {management}");
        Assert.True(gateway.Status == 400, $"gateway: {gateway}");
    }

    public static TheoryData<string, string, string> UnsupportedMethods() => new()
    {
        { "TRACE", "/api/v1/webhooks/acme", "POST" },
        { "CONNECT", "/api/v1/webhooks/acme", "POST" },
        { "GET", "/api/v1/webhooks/acme", "POST" },
        { "PROPFIND", "/api/v1/webhooks/acme", "POST" },
        { "TRACE", "/api/v1/events", "GET, POST" },
        { "CONNECT", "/api/v1/events", "GET, POST" },
        { "PROPFIND", "/api/v1/events", "GET, POST" },
        { "FOO", "/api/v1/integrations", "GET, POST" },
        { "TRACE", "/api/v1/health", "GET, HEAD" },
        { "CONNECT", "/api/v1/health", "GET, HEAD" },
        { "POST", "/api/v1/health", "GET, HEAD" },
        { "PROPFIND", "/api/v1/health", "GET, HEAD" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedMethods))]
    public async Task A_method_the_route_does_not_serve_gets_405_with_allow_never_503(string method, string path, string allow)
    {
        var response = await RawHttp.SendAsync(Gateway, $"{method} {path} HTTP/1.1\r\nHost: relay.test\r\nContent-Length: 0");

        Assert.True(response.Status == 405, $"{method} {path}: {response}");
        Assert.Equal("METHOD_NOT_ALLOWED", response.ErrorCode);
        Assert.Equal(allow, response.Headers.GetValueOrDefault("Allow"));
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    public async Task A_standard_method_on_a_management_path_is_left_to_management_which_asks_for_the_key_first(string method)
    {
        var response = await RawHttp.SendAsync(Gateway, $"{method} /api/v1/events/{Guid.NewGuid()} HTTP/1.1\r\nHost: relay.test\r\nContent-Length: 0");

        Assert.True(response.Status == 401, response.ToString());
    }

    [Fact]
    public async Task Connect_in_authority_form_is_refused_by_kestrel_with_a_4xx()
    {
        var response = await RawHttp.SendAsync(Gateway, "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443");

        Assert.True(response.Status is >= 400 and < 500, response.ToString());
    }

    [Fact]
    public async Task A_webhook_sent_at_400_bytes_per_second_is_accepted_through_the_gateway()
    {
        // About 24 s at 400 B/s: above the 240 B/s minimum everywhere, so the gateway must not be the hop that gives
        // up (it used to pass the body on in 4 KiB bursts, starving Ingress's data-rate check: 503 after ~20 s).
        var body = Webhooks.AcmeBody(data: new { id = "inv_slow", note = new string('x', 9_500) });
        var head = RawHttp.Head($"POST /api/v1/webhooks/acme HTTP/1.1\r\nHost: relay.test\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nx-acme-signature: {Webhooks.Sign(body)}");

        var response = await RawHttp.SendPacedAsync(Gateway, head, Encoding.UTF8.GetBytes(body), bytesPerSecond: 400, TimeSpan.FromSeconds(60));

        Assert.True(response.Status == 202, $"{response}\n{cluster.Logs()}");
    }

    [Fact]
    public async Task A_body_sent_below_the_minimum_rate_gets_408_in_the_envelope()
    {
        var body = Encoding.UTF8.GetBytes(Webhooks.AcmeBody(data: new { id = "inv_too_slow", note = new string('x', 2_000) }));
        var head = RawHttp.Head($"POST /api/v1/webhooks/acme HTTP/1.1\r\nHost: relay.test\r\nContent-Type: application/json\r\nContent-Length: {body.Length}");

        var response = await RawHttp.SendPacedAsync(Gateway, head, body, bytesPerSecond: 60, TimeSpan.FromSeconds(40));

        Assert.True(response.Status == 408, response.ToString());
        Assert.Equal("REQUEST_TIMEOUT", response.ErrorCode);
    }

    [Fact]
    public async Task Hundreds_of_client_mistakes_log_at_most_one_short_line_each_and_no_stack_trace()
    {
        var lines = new ConcurrentQueue<(string Service, string Line)>();
        var services = new[] { "Gateway", "Ingress.Api", "Management.Api" }.Select(cluster.Service).ToList();
        void Watch(ServiceProcess service, string line) => lines.Enqueue((service.Name, line));
        var handlers = services.Select(service => (service, handler: (Action<string>)(line => Watch(service, line)))).ToList();
        handlers.ForEach(h => h.service.LineWritten += h.handler);
        var gatewayBytesBefore = cluster.Service("Gateway").OutputBytes;

        var sent = 0;
        try
        {
            for (var round = 0; round < 40; round++)
            {
                foreach (var mistake in ClientMistakes)
                {
                    await SendMistakeAsync(mistake);
                    sent++;
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(1)); // the last lines reach the output readers
        }
        finally
        {
            handlers.ForEach(h => h.service.LineWritten -= h.handler);
        }

        var gatewayBytes = cluster.Service("Gateway").OutputBytes - gatewayBytesBefore;
        var forwardingLines = lines.Count(l => l.Service == "Gateway" && l.Line.Contains("not forwarded", StringComparison.Ordinal));
        output.WriteLine($"{sent} client mistakes: gateway wrote {gatewayBytes} bytes ({gatewayBytes / (double)sent:F1} per request), " +
            $"{forwardingLines} forwarding lines; Ingress and Management wrote {lines.Count(l => l.Service != "Gateway")} lines");
        var stackLines = lines.Where(l => l.Line.StartsWith("   at ", StringComparison.Ordinal) || l.Line.Contains("   at ", StringComparison.Ordinal)).ToList();
        Assert.True(stackLines.Count == 0, $"stack trace lines:\n{string.Join("\n", stackLines.Take(20))}");
        // The simple console formatter writes two lines per entry (the category, then the message): ~200 bytes.
        Assert.True(gatewayBytes <= sent * 200L, $"gateway wrote {gatewayBytes} bytes for {sent} requests:\n{string.Join("\n", lines.Where(l => l.Service == "Gateway").Take(30).Select(l => l.Line))}");
        Assert.True(forwardingLines <= sent, $"{forwardingLines} forwarding lines for {sent} requests");
    }

    /// <summary>Request bytes, and whether the client then closes its sending side before reading (an abandoned body).</summary>
    private static readonly (string Name, byte[] Request, bool HalfClose, bool Reset)[] ClientMistakes =
    [
        ("non-ASCII header", RawHttp.Head("GET /api/v1/events HTTP/1.1\r\nHost: relay.test\r\nX-Note: caf\u00c3\u00a9"), false, false),
        ("TRACE", RawHttp.Head("TRACE /api/v1/webhooks/acme HTTP/1.1\r\nHost: relay.test"), false, false),
        ("CONNECT with a path", RawHttp.Head("CONNECT /api/v1/events HTTP/1.1\r\nHost: relay.test"), false, false),
        ("malformed header line", Encoding.ASCII.GetBytes("GET /api/v1/events HTTP/1.1\r\nHost: relay.test\r\nNo colon here\r\n\r\n"), false, false),
        ("bad chunk size", Encoding.ASCII.GetBytes("POST /api/v1/webhooks/acme HTTP/1.1\r\nHost: relay.test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"), false, false),
        ("abandoned webhook body", Encoding.ASCII.GetBytes("POST /api/v1/webhooks/acme HTTP/1.1\r\nHost: relay.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"eventId\":"), true, false),
        ("abandoned management body", Encoding.ASCII.GetBytes($"POST /api/v1/events/{Guid.Empty}/replay HTTP/1.1\r\nHost: relay.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nx-internal-api-key: {RelayCluster.ManagementApiKey}\r\n\r\n{{\"a\":"), true, false),
        ("aborted mid-body", Encoding.ASCII.GetBytes("POST /api/v1/webhooks/globex HTTP/1.1\r\nHost: relay.test\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"id\":\"x\","), false, true),
    ];

    private async Task SendMistakeAsync((string Name, byte[] Request, bool HalfClose, bool Reset) mistake)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, Gateway.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(mistake.Request, timeout.Token);
        if (mistake.Reset)
        {
            // Close with RST while the gateway is still forwarding the body: a client that went away.
            await Task.Delay(20, timeout.Token);
            tcp.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
            tcp.Close();
            return;
        }
        if (mistake.HalfClose)
        {
            tcp.Client.Shutdown(SocketShutdown.Send);
        }
        var buffer = new byte[8192];
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
        {
            // Reset after the answer: fine.
        }
    }
}
