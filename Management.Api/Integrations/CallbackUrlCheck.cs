using System.Net.Sockets;
using Relay.Infrastructure.Security.Outbound;

namespace Relay.Management.Api.Integrations;

/// <summary>
/// Refuses a callback URL that delivery would refuse: the SSRF guard's rules (<c>Relay:Outbound</c>), with the host
/// resolved now, so a URL pointing at a loopback, private, link-local or metadata address is a 400 when it is set
/// rather than a failure at every delivery. Delivery still checks at each connection, since DNS answers change.
/// </summary>
public sealed class CallbackUrlCheck(OutboundUrlGuard guard)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Null when the URL may be used, else what is wrong with it (for the <c>callbackUrl</c> field).</summary>
    public async Task<string?> FindProblemAsync(string callbackUrl, CancellationToken cancellationToken)
    {
        var uri = new Uri(callbackUrl);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResolveTimeout);
        try
        {
            await guard.CheckAsync(uri, timeout.Token);
            return null;
        }
        catch (OutboundRequestBlockedException blocked)
        {
            return $"must reach a public address: {blocked.Message}";
        }
        catch (Exception exception) when (exception is HttpRequestException or SocketException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return $"must have a host that resolves: {uri.IdnHost} could not be resolved";
        }
    }
}
