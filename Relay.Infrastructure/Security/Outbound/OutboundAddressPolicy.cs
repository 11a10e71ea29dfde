using System.Net;
using System.Net.Sockets;

namespace Relay.Infrastructure.Security.Outbound;

/// <summary>
/// Pure classification of IP addresses for server-side request forgery protection: only globally routable
/// unicast addresses are <see cref="AddressCategory.Public"/>. IPv6 forms that embed an IPv4 address
/// (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the embedded address, so
/// <c>::ffff:10.0.0.1</c> is as private as <c>10.0.0.1</c>. IPv6 outside 2000::/3 (global unicast) is never public.
/// </summary>
public static class OutboundAddressPolicy
{
    // Order matters only for the category reported; every listed range is blocked.
    private static readonly (IPNetwork Network, AddressCategory Category)[] Ipv4Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), AddressCategory.Unspecified),          // "this network" (0.0.0.0 reaches localhost on Linux)
        (IPNetwork.Parse("10.0.0.0/8"), AddressCategory.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressCategory.SharedCgnat),      // RFC 6598 shared address space
        (IPNetwork.Parse("127.0.0.0/8"), AddressCategory.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressCategory.LinkLocal),       // includes cloud metadata 169.254.169.254
        (IPNetwork.Parse("172.16.0.0/12"), AddressCategory.Private),
        (IPNetwork.Parse("192.0.0.0/24"), AddressCategory.Reserved),          // IETF protocol assignments
        (IPNetwork.Parse("192.0.2.0/24"), AddressCategory.Documentation),
        (IPNetwork.Parse("192.88.99.0/24"), AddressCategory.Reserved),        // deprecated 6to4 relay anycast
        (IPNetwork.Parse("192.168.0.0/16"), AddressCategory.Private),
        (IPNetwork.Parse("198.18.0.0/15"), AddressCategory.Benchmarking),
        (IPNetwork.Parse("198.51.100.0/24"), AddressCategory.Documentation),
        (IPNetwork.Parse("203.0.113.0/24"), AddressCategory.Documentation),
        (IPNetwork.Parse("224.0.0.0/4"), AddressCategory.Multicast),
        (IPNetwork.Parse("255.255.255.255/32"), AddressCategory.Broadcast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressCategory.Reserved),
    ];

    private static readonly IPNetwork GlobalUnicast6 = IPNetwork.Parse("2000::/3");
    private static readonly IPNetwork Nat64WellKnown = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork Ipv4Compatible = IPNetwork.Parse("::/96");

    private static readonly (IPNetwork Network, AddressCategory Category)[] Ipv6Ranges =
    [
        (IPNetwork.Parse("64:ff9b:1::/48"), AddressCategory.Private),         // local-use NAT64 (RFC 8215)
        (IPNetwork.Parse("fc00::/7"), AddressCategory.UniqueLocal),
        (IPNetwork.Parse("fe80::/10"), AddressCategory.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), AddressCategory.SiteLocal),
        (IPNetwork.Parse("ff00::/8"), AddressCategory.Multicast),
        (IPNetwork.Parse("2001:db8::/32"), AddressCategory.Documentation),
        (IPNetwork.Parse("3fff::/20"), AddressCategory.Documentation),        // RFC 9637
        (IPNetwork.Parse("2001:2::/48"), AddressCategory.Benchmarking),
        (IPNetwork.Parse("2001::/23"), AddressCategory.Reserved),             // IETF protocol assignments: Teredo, ORCHID, ...
    ];

    public static AddressCategory Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return ClassifyIpv4(address);
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return AddressCategory.Reserved;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return ClassifyIpv4(address.MapToIPv4());
        }
        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return AddressCategory.Loopback;
        }
        if (address.Equals(IPAddress.IPv6Any))
        {
            return AddressCategory.Unspecified;
        }
        if (Ipv4Compatible.Contains(address) || Nat64WellKnown.Contains(address))
        {
            // ::a.b.c.d and 64:ff9b::a.b.c.d reach a.b.c.d; judge it.
            return ClassifyIpv4(EmbeddedIpv4(address, 12));
        }
        if (SixToFour.Contains(address))
        {
            return ClassifyIpv4(EmbeddedIpv4(address, 2));
        }
        foreach (var (network, category) in Ipv6Ranges)
        {
            if (network.Contains(address))
            {
                return category;
            }
        }
        return GlobalUnicast6.Contains(address) ? AddressCategory.Public : AddressCategory.Reserved;
    }

    public static bool IsPublic(IPAddress address) => Classify(address) == AddressCategory.Public;

    /// <summary>"a private address", "a loopback address", ... for error messages.</summary>
    public static string Describe(AddressCategory category) => category switch
    {
        AddressCategory.Public => "a public address",
        AddressCategory.Unspecified => "an unspecified (this-host) address",
        AddressCategory.Loopback => "a loopback address",
        AddressCategory.Private => "a private address",
        AddressCategory.LinkLocal => "a link-local address",
        AddressCategory.SharedCgnat => "a carrier-grade NAT (shared) address",
        AddressCategory.Multicast => "a multicast address",
        AddressCategory.Broadcast => "a broadcast address",
        AddressCategory.Documentation => "a documentation address",
        AddressCategory.Benchmarking => "a benchmarking address",
        AddressCategory.UniqueLocal => "a unique local (private IPv6) address",
        AddressCategory.SiteLocal => "a site-local address",
        _ => "a reserved address",
    };

    private static AddressCategory ClassifyIpv4(IPAddress address)
    {
        foreach (var (network, category) in Ipv4Ranges)
        {
            if (network.Contains(address))
            {
                return category;
            }
        }
        return AddressCategory.Public;
    }

    private static IPAddress EmbeddedIpv4(IPAddress address, int offset)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return new IPAddress(bytes.Slice(offset, 4));
    }
}
