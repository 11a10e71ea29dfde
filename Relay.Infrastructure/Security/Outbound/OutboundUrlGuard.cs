using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Relay.Infrastructure.Security.Outbound;

/// <summary>
/// Decides whether an outbound URL may be requested: only http(s), and only to public addresses unless the
/// allow-list says otherwise. <see cref="ResolveAsync"/> resolves a host once and checks every A/AAAA record;
/// <see cref="SafeOutboundHandler"/> connects only to the addresses it returns, so a DNS answer that changes
/// between the check and the connection (rebinding) cannot redirect the request.
/// </summary>
public sealed class OutboundUrlGuard
{
    public delegate Task<IPAddress[]> HostResolver(string host, CancellationToken cancellationToken);

    private readonly HostResolver resolver;

    public OutboundUrlGuard(OutboundAllowList allowList, HostResolver? resolver = null)
    {
        AllowList = allowList;
        this.resolver = resolver ?? ((host, cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken));
    }

    public OutboundAllowList AllowList { get; }

    /// <summary>
    /// Reads <c>Relay:Outbound</c>. A malformed allow-list entry, or any entry at all in Production, stops the
    /// service at startup: Production must never trust internal addresses for customer-supplied URLs.
    /// </summary>
    public static OutboundUrlGuard FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(OutboundOptions.SectionName).Get<OutboundOptions>() ?? new OutboundOptions();
        OutboundAllowList allowList;
        try
        {
            allowList = new OutboundAllowList(options.AllowedHosts);
        }
        catch (FormatException exception)
        {
            throw new InvalidOperationException($"{OutboundOptions.SectionName}:AllowedHosts: {exception.Message}", exception);
        }
        if (environment.IsProduction() && !allowList.IsEmpty)
        {
            throw new InvalidOperationException(
                $"{OutboundOptions.SectionName}:AllowedHosts must be empty in Production: outbound requests to loopback, private and link-local addresses stay blocked there.");
        }
        return new OutboundUrlGuard(allowList);
    }

    /// <summary>Checks what can be checked without DNS: an absolute http(s) URL whose literal address (if any) is allowed.</summary>
    /// <exception cref="OutboundRequestBlockedException">The URL must not be requested.</exception>
    public void CheckUri(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            throw new OutboundRequestBlockedException("Destination URL must be an absolute http or https URL");
        }
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new OutboundRequestBlockedException($"Destination URL scheme '{uri.Scheme}' is not allowed; only http and https are");
        }
        var host = HostOf(uri);
        if (host.Length == 0)
        {
            throw new OutboundRequestBlockedException("Destination URL has no host");
        }
        if (IPAddress.TryParse(host, out var address))
        {
            CheckAddress(host, address);
        }
    }

    /// <summary>Checks the URL, resolves its host and checks every address; for validating a URL before storing it.</summary>
    public async Task<IPAddress[]> CheckAsync(Uri? uri, CancellationToken cancellationToken)
    {
        CheckUri(uri);
        return await ResolveAsync(HostOf(uri!), cancellationToken);
    }

    /// <summary>
    /// The addresses a connection to <paramref name="host"/> may use: all of them, after every one passed the
    /// policy (one non-public record refuses the host: an attacker controls which record a client would pick).
    /// </summary>
    /// <exception cref="OutboundRequestBlockedException">The host is, or resolves to, a blocked address.</exception>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        host = host.Trim('[', ']');
        if (IPAddress.TryParse(host, out var literal))
        {
            CheckAddress(host, literal);
            return [literal];
        }
        var addresses = await resolver(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"Destination host {host} did not resolve to any address");
        }
        if (AllowList.AllowsHost(host))
        {
            return addresses;
        }
        foreach (var address in addresses)
        {
            var category = OutboundAddressPolicy.Classify(address);
            if (category != AddressCategory.Public && !AllowList.AllowsAddress(address))
            {
                throw new OutboundRequestBlockedException($"Destination {host} resolves to {address}, {OutboundAddressPolicy.Describe(category)}");
            }
        }
        return addresses;
    }

    private void CheckAddress(string host, IPAddress address)
    {
        var category = OutboundAddressPolicy.Classify(address);
        if (category != AddressCategory.Public && !AllowList.AllowsAddress(address) && !AllowList.AllowsHost(host))
        {
            throw new OutboundRequestBlockedException($"Destination {address} is {OutboundAddressPolicy.Describe(category)}");
        }
    }

    /// <summary>The host without IPv6 brackets, punycode for international names.</summary>
    private static string HostOf(Uri uri) => uri.IdnHost.Trim('[', ']');
}
