using System.Net;

namespace Relay.Infrastructure.Security.Outbound;

/// <summary>
/// Targets an operator allows despite the address rules: host names (exact, case-insensitive), IP addresses and
/// CIDR ranges. A host name entry trusts whatever that name resolves to; an address or range entry allows only
/// those addresses, whichever name led to them. Meant for the local delivery sink and tests, never Production.
/// </summary>
public sealed class OutboundAllowList
{
    private readonly HashSet<string> hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> networks = [];

    public static OutboundAllowList Empty { get; } = new([]);

    /// <exception cref="FormatException">An entry is neither a host name, an IP address nor a CIDR range.</exception>
    public OutboundAllowList(IEnumerable<string> entries)
    {
        foreach (var raw in entries)
        {
            var entry = raw.Trim();
            if (entry.Length == 0)
            {
                continue;
            }
            if (entry.Contains('/'))
            {
                // Host bits set (10.0.0.1/8) is almost certainly a typo; refuse rather than guess the intent.
                if (!IPNetwork.TryParse(entry, out var network) || !IPAddress.TryParse(entry[..entry.IndexOf('/')], out var baseAddress) || !network.BaseAddress.Equals(baseAddress))
                {
                    throw new FormatException($"Outbound allow-list entry '{entry}' is not a valid CIDR range (e.g. 10.1.0.0/16).");
                }
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry.Trim('[', ']'), out var address))
            {
                var single = Normalize(address);
                networks.Add(new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else if (Uri.CheckHostName(entry) == UriHostNameType.Dns)
            {
                hosts.Add(entry.TrimEnd('.'));
            }
            else
            {
                throw new FormatException($"Outbound allow-list entry '{entry}' is not a host name, an IP address or a CIDR range.");
            }
        }
    }

    public bool IsEmpty => hosts.Count == 0 && networks.Count == 0;

    public bool AllowsHost(string host) => hosts.Count > 0 && hosts.Contains(host.TrimEnd('.'));

    public bool AllowsAddress(IPAddress address)
    {
        var normalized = Normalize(address);
        foreach (var network in networks)
        {
            if (network.Contains(normalized))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>::ffff:127.0.0.1 is 127.0.0.1 for matching; scope ids do not matter.</summary>
    private static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;
    }
}
