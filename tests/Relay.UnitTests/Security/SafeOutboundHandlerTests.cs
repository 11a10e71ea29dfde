using System.Net;
using System.Net.Sockets;
using System.Text;
using Relay.Infrastructure.Security.Outbound;

namespace Relay.UnitTests.Security;

/// <summary>
/// The handler against a real listener on 127.0.0.1: refused targets must never see a connection; allow-listed
/// ones get the request. Only loopback is ever contacted.
/// </summary>
public sealed class SafeOutboundHandlerTests : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int port;

    public SafeOutboundHandlerTests()
    {
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => listener.Stop();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task Loopback_is_refused_without_a_connection_unless_allow_listed(string host)
    {
        using var client = new HttpClient(SafeOutboundHandler.Create(new OutboundUrlGuard(OutboundAllowList.Empty)));
        var exception = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.PostAsync($"http://{host}:{port}/hook", new StringContent("{}")));
        Assert.Contains("a loopback address", exception.Message);
        await AssertNoConnectionAsync();
    }

    [Fact]
    public async Task Allow_listed_loopback_gets_the_request()
    {
        using var client = new HttpClient(SafeOutboundHandler.Create(new OutboundUrlGuard(new OutboundAllowList(["127.0.0.1"]))));
        var server = ServeOnceAsync("HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        var response = await client.PostAsync($"http://127.0.0.1:{port}/hook", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith("POST /hook HTTP/1.1", await server);
    }

    [Fact]
    public async Task Redirects_are_returned_not_followed()
    {
        using var client = new HttpClient(SafeOutboundHandler.Create(new OutboundUrlGuard(new OutboundAllowList(["127.0.0.1"])), handler => handler.AllowAutoRedirect = true));
        var server = ServeOnceAsync("HTTP/1.1 307 Temporary Redirect\r\nLocation: http://169.254.169.254/latest/meta-data/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        var response = await client.PostAsync($"http://127.0.0.1:{port}/hook", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        await server;
    }

    [Fact]
    public async Task Every_resolved_address_is_checked_before_connecting()
    {
        // One allow-listed record and one private record: the host is refused and nothing connects.
        var guard = new OutboundUrlGuard(new OutboundAllowList(["127.0.0.1"]),
            (_, _) => Task.FromResult(new[] { IPAddress.Loopback, IPAddress.Parse("10.0.0.1") }));
        using var client = new HttpClient(SafeOutboundHandler.Create(guard));
        var exception = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.GetAsync($"http://two-records.test:{port}/"));
        Assert.Equal("Destination two-records.test resolves to 10.0.0.1, a private address", exception.Message);
        await AssertNoConnectionAsync();
    }

    [Fact]
    public async Task The_connection_goes_to_the_checked_address_so_rebinding_cannot_swap_it()
    {
        // The first answer passes the check; any later answer points at the metadata service. The handler
        // resolves once per connection and connects to the address it checked.
        var lookups = 0;
        var guard = new OutboundUrlGuard(new OutboundAllowList(["127.0.0.1"]), (_, _) =>
            Task.FromResult(Interlocked.Increment(ref lookups) == 1 ? new[] { IPAddress.Loopback } : [IPAddress.Parse("169.254.169.254")]));
        using var client = new HttpClient(SafeOutboundHandler.Create(guard));
        var server = ServeOnceAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        var response = await client.GetAsync($"http://rebind.test:{port}/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Host: rebind.test", await server);
        Assert.Equal(1, lookups);
    }

    [Fact]
    public async Task Non_http_schemes_never_reach_the_socket_handler()
    {
        using var client = new HttpClient(SafeOutboundHandler.Create(new OutboundUrlGuard(OutboundAllowList.Empty)));
        var exception = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => client.GetAsync("ftp://127.0.0.1/file"));
        Assert.Contains("scheme 'ftp'", exception.Message);
    }

    [Fact]
    public async Task Is_an_HttpRequestException_so_delivery_records_it_as_a_failed_attempt()
    {
        using var client = new HttpClient(SafeOutboundHandler.Create(new OutboundUrlGuard(OutboundAllowList.Empty)));
        var exception = await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("http://10.0.0.1/"));
        Assert.IsType<OutboundRequestBlockedException>(exception);
        Assert.Equal("Destination 10.0.0.1 is a private address", exception.Message);
    }

    [Fact]
    public void Protections_survive_the_caller_configuration()
    {
        var handler = SafeOutboundHandler.CreateSocketsHandler(new OutboundUrlGuard(OutboundAllowList.Empty), h =>
        {
            h.AllowAutoRedirect = true;
            h.UseProxy = true;
            h.Proxy = new WebProxy("http://127.0.0.1:3128");
        });
        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseProxy);
        Assert.NotNull(handler.ConnectCallback);
    }

    private async Task AssertNoConnectionAsync()
    {
        await Task.Delay(200);
        Assert.False(listener.Pending(), "the refused request must not have opened a connection");
    }

    /// <summary>Accepts one connection, reads the request head, answers with the given raw response.</summary>
    private async Task<string> ServeOnceAsync(string rawResponse)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var connection = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = connection.GetStream();
        var buffer = new byte[8192];
        var received = new StringBuilder();
        while (!received.ToString().Contains("\r\n\r\n"))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(rawResponse), timeout.Token);
        return received.ToString();
    }
}
