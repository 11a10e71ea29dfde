using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Relay.Ingress.Api.Extensions;

/// <summary>
/// The peers whose X-Forwarded-For, -Proto and -Host Ingress believes: the gateway's addresses or networks
/// (<c>Relay:Ingress:TrustedProxies</c>, addresses or CIDRs, as an array or one comma-separated value). A request from
/// any other peer keeps its connection's remote address as its source IP, so a caller that reaches Ingress directly
/// cannot choose the address that is stored and rate limited.
/// </summary>
public static class TrustedProxies
{
    public const string ConfigurationKey = "Relay:Ingress:TrustedProxies";

    /// <summary>Where the key is absent in Development: loopback, where <c>./run.sh</c> and the AppHost run the gateway.</summary>
    public static IReadOnlyList<IPNetwork> DevelopmentDefault { get; } = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    private static readonly char[] Separators = [',', ';', ' ', '\t', '\n', '\r'];

    /// <summary>The configured networks; loopback in Development when the key is absent, none elsewhere.</summary>
    public static IReadOnlyList<IPNetwork> FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(ConfigurationKey);
        if (!section.Exists())
        {
            return environment.IsDevelopment() ? DevelopmentDefault : [];
        }
        return Parse([section.Value, .. section.GetChildren().Select(child => child.Value)]);
    }

    /// <summary>
    /// Forwarded headers from these networks only, and only the last hop (the gateway sets a single X-Forwarded-For).
    /// With no networks the lists stay empty, which the middleware reads as "trust every peer": leave it out then.
    /// </summary>
    public static void Apply(ForwardedHeadersOptions options, IEnumerable<IPNetwork> networks)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        options.ForwardLimit = 1;
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var network in networks)
        {
            options.KnownIPNetworks.Add(network);
        }
    }

    /// <summary>Addresses (a single host) and CIDR networks; throws naming the key and the first entry that is neither.</summary>
    public static IReadOnlyList<IPNetwork> Parse(IEnumerable<string?> values)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in values.SelectMany(value => (value ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries)))
        {
            if (entry.Contains('/'))
            {
                // An address with bits beyond the prefix ("10.0.0.1/8", which IPNetwork would quietly widen) is usually
                // a typo for something narrower: better to stop than to trust more than was meant.
                if (!IPNetwork.TryParse(entry, out var network)
                    || !IPAddress.TryParse(entry[..entry.IndexOf('/', StringComparison.Ordinal)], out var written)
                    || !network.BaseAddress.Equals(written))
                {
                    throw Invalid(entry, "is not a CIDR network (the address bits beyond the prefix must be zero)");
                }
                networks.Add(network);
            }
            else
            {
                networks.Add(IPAddress.TryParse(entry, out var address)
                    ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
                    : throw Invalid(entry, "is not an IP address or CIDR network"));
            }
        }
        return networks;
    }

    private static InvalidOperationException Invalid(string entry, string problem) =>
        new($"{ConfigurationKey}: '{entry}' {problem} (expected addresses or CIDRs such as 10.244.0.0/16, comma-separated).");
}
