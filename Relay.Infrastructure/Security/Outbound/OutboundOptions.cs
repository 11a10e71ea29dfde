using Microsoft.Extensions.Configuration;

namespace Relay.Infrastructure.Security.Outbound;

/// <summary><c>Relay:Outbound</c>.</summary>
public sealed class OutboundOptions
{
    public const string SectionName = "Relay:Outbound";

    /// <summary>
    /// Host names, IP addresses or CIDR ranges that outbound requests may reach although they are not public
    /// (the local delivery sink, tests). Empty by default; Production refuses to start unless it is empty.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];
}
