using System.Net;

namespace Relay.Management.Api.Security;

/// <summary>
/// The address failed key attempts are counted against. Behind the gateway the TCP peer is the gateway itself, so
/// it is the last <c>X-Forwarded-For</c> entry: YARP replaces that header with the address it took the request from
/// (the real client; or, where <c>Relay:Gateway:KnownProxies</c> names a load balancer, the client the balancer
/// reported), so a client cannot choose it through the gateway. Only the gateway may reach Management.Api (as it
/// alone reaches Ingress, which reads the header the same way); a caller that reached it directly could.
/// </summary>
public static class ManagementClientAddress
{
    private const string ForwardedFor = "X-Forwarded-For";

    public static string Of(HttpContext context)
    {
        var address = LastForwarded(context.Request.Headers[ForwardedFor]) ?? context.Connection.RemoteIpAddress;
        return address is null ? "unknown" : Bucket(address);
    }

    /// <summary>
    /// An IPv4 address, or an IPv6 address's /64: one subscriber usually holds a whole /64, and counting its
    /// addresses one by one would give it 2^64 budgets.
    /// </summary>
    public static string Bucket(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static IPAddress? LastForwarded(Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count == 0)
        {
            return null;
        }
        var last = values[^1] ?? "";
        var entry = last[(last.LastIndexOf(',') + 1)..].Trim();
        return IPEndPoint.TryParse(entry, out var endpoint) ? endpoint.Address : null;
    }
}
