namespace Relay.Infrastructure.Security.Outbound;

/// <summary>Why an address may or may not be the target of an outbound request.</summary>
public enum AddressCategory
{
    Public,
    Unspecified,
    Loopback,
    Private,
    LinkLocal,
    SharedCgnat,
    Multicast,
    Broadcast,
    Reserved,
    Documentation,
    Benchmarking,
    UniqueLocal,
    SiteLocal,
}
