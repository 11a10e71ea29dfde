using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Infrastructure.Security.Outbound;

/// <summary>
/// The message handler for every request to a customer-supplied URL (integration callbacks, destinations).
/// It refuses non-http(s) URLs and blocked literal addresses before sending, and its
/// <see cref="SocketsHttpHandler"/> resolves host names itself in <see cref="SocketsHttpHandler.ConnectCallback"/>,
/// checks every address and connects only to a checked one. Redirects are never followed (a 3xx is the
/// answer), no proxy is used (a proxy would resolve the name itself), and a refusal surfaces as
/// <see cref="OutboundRequestBlockedException"/> with nothing sent.
/// </summary>
public sealed class SafeOutboundHandler : DelegatingHandler
{
    private readonly OutboundUrlGuard guard;

    private SafeOutboundHandler(OutboundUrlGuard guard, SocketsHttpHandler inner) : base(inner) => this.guard = guard;

    /// <summary>For <c>ConfigurePrimaryHttpMessageHandler(SafeOutboundHandler.Create)</c>; needs <c>AddRelayOutboundProtection()</c>.</summary>
    public static HttpMessageHandler Create(IServiceProvider services) => Create(services.GetRequiredService<OutboundUrlGuard>());

    /// <param name="configure">Tunes the socket handler (timeouts, pool); the protections are applied after it and cannot be turned off.</param>
    public static HttpMessageHandler Create(OutboundUrlGuard guard, Action<SocketsHttpHandler>? configure = null) =>
        new SafeOutboundHandler(guard, CreateSocketsHandler(guard, configure));

    /// <summary>The pinned-connection socket handler alone, for callers that add their own outer handlers.</summary>
    public static SocketsHttpHandler CreateSocketsHandler(OutboundUrlGuard guard, Action<SocketsHttpHandler>? configure = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // Re-resolve (and re-check) names regularly rather than keeping a connection for the process lifetime.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            UseCookies = false,
        };
        configure?.Invoke(handler);
        handler.AllowAutoRedirect = false;
        handler.UseProxy = false;
        handler.Proxy = null;
        handler.ConnectCallback = (context, cancellationToken) => ConnectAsync(guard, context.DnsEndPoint, cancellationToken);
        return handler;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Prepare(request);
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception) when (exception.InnerException is OutboundRequestBlockedException blocked)
        {
            // SocketsHttpHandler wraps what the connect callback throws; give callers the refusal itself.
            ExceptionDispatchInfo.Throw(blocked);
            throw;
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Prepare(request);
        try
        {
            return base.Send(request, cancellationToken);
        }
        catch (HttpRequestException exception) when (exception.InnerException is OutboundRequestBlockedException blocked)
        {
            ExceptionDispatchInfo.Throw(blocked);
            throw;
        }
    }

    private void Prepare(HttpRequestMessage request)
    {
        guard.CheckUri(request.RequestUri);
        // HTTP/3 runs over QUIC, which does not go through ConnectCallback; keep every request on TCP.
        if (request.Version.Major >= 3 || request.VersionPolicy == HttpVersionPolicy.RequestVersionOrHigher)
        {
            request.Version = HttpVersion.Version11;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }
    }

    private static async ValueTask<Stream> ConnectAsync(OutboundUrlGuard guard, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var addresses = await guard.ResolveAsync(endPoint.Host, cancellationToken);
        SocketException? lastFailure = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException exception)
            {
                socket.Dispose();
                lastFailure = exception;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw lastFailure ?? new SocketException((int)SocketError.HostNotFound);
    }
}
