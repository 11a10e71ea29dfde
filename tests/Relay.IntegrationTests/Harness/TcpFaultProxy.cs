using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Relay.IntegrationTests.Harness;

/// <summary>
/// A loopback TCP forwarder between services and a dependency. <see cref="Cut"/> drops every connection and
/// refuses new ones, as a broker or database outage looks from the services; <see cref="Restore"/> ends it.
/// The shared dependency itself keeps running for every other test.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly ConcurrentDictionary<Guid, (TcpClient Client, TcpClient Upstream)> connections = new();
    private readonly CancellationTokenSource stopping = new();
    private volatile bool cut;

    public TcpFaultProxy(string host, int port)
    {
        target = new IPEndPoint(IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host), port);
        listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public void Cut()
    {
        cut = true;
        foreach (var (id, pair) in connections)
        {
            pair.Client.Dispose();
            pair.Upstream.Dispose();
            connections.TryRemove(id, out _);
        }
    }

    public void Restore() => cut = false;

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            if (cut)
            {
                client.Dispose();
                continue;
            }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        var id = Guid.NewGuid();
        try
        {
            await upstream.ConnectAsync(target, stopping.Token);
            connections[id] = (client, upstream);
            await Task.WhenAny(
                client.GetStream().CopyToAsync(upstream.GetStream(), stopping.Token),
                upstream.GetStream().CopyToAsync(client.GetStream(), stopping.Token));
        }
        catch (Exception)
        {
            // A cut or a closed peer ends the pair; both sides are closed below.
        }
        finally
        {
            connections.TryRemove(id, out _);
            client.Dispose();
            upstream.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        stopping.Cancel();
        listener.Stop();
        Cut();
        stopping.Dispose();
        return ValueTask.CompletedTask;
    }
}
