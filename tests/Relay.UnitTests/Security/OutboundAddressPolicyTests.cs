using System.Net;
using Relay.Infrastructure.Security.Outbound;

namespace Relay.UnitTests.Security;

/// <summary>Pure classification: nothing here opens a socket.</summary>
public sealed class OutboundAddressPolicyTests
{
    [Theory]
    // IPv4
    [InlineData("127.0.0.1", AddressCategory.Loopback)]
    [InlineData("127.255.255.254", AddressCategory.Loopback)]
    [InlineData("10.0.0.1", AddressCategory.Private)]
    [InlineData("172.16.0.1", AddressCategory.Private)]
    [InlineData("172.31.255.255", AddressCategory.Private)]
    [InlineData("192.168.1.1", AddressCategory.Private)]
    [InlineData("169.254.169.254", AddressCategory.LinkLocal)]
    [InlineData("100.64.0.1", AddressCategory.SharedCgnat)]
    [InlineData("100.127.255.254", AddressCategory.SharedCgnat)]
    [InlineData("0.0.0.0", AddressCategory.Unspecified)]
    [InlineData("0.1.2.3", AddressCategory.Unspecified)]
    [InlineData("224.0.0.1", AddressCategory.Multicast)]
    [InlineData("239.255.255.250", AddressCategory.Multicast)]
    [InlineData("240.0.0.1", AddressCategory.Reserved)]
    [InlineData("255.255.255.255", AddressCategory.Broadcast)]
    [InlineData("192.0.0.8", AddressCategory.Reserved)]
    [InlineData("192.0.2.1", AddressCategory.Documentation)]
    [InlineData("198.51.100.7", AddressCategory.Documentation)]
    [InlineData("203.0.113.9", AddressCategory.Documentation)]
    [InlineData("198.18.0.1", AddressCategory.Benchmarking)]
    // IPv6
    [InlineData("::1", AddressCategory.Loopback)]
    [InlineData("::", AddressCategory.Unspecified)]
    [InlineData("fc00::1", AddressCategory.UniqueLocal)]
    [InlineData("fd12:3456:789a::1", AddressCategory.UniqueLocal)]
    [InlineData("fe80::1", AddressCategory.LinkLocal)]
    [InlineData("fe80::1%2", AddressCategory.LinkLocal)]
    [InlineData("fec0::1", AddressCategory.SiteLocal)]
    [InlineData("ff02::1", AddressCategory.Multicast)]
    [InlineData("2001:db8::1", AddressCategory.Documentation)]
    [InlineData("3fff::1", AddressCategory.Documentation)]
    [InlineData("2001::1", AddressCategory.Reserved)]            // Teredo
    [InlineData("100::1", AddressCategory.Reserved)]             // discard-only
    [InlineData("64:ff9b:1::a00:1", AddressCategory.Private)]    // local-use NAT64
    // IPv6 forms that embed an IPv4 address are judged by it.
    [InlineData("::ffff:127.0.0.1", AddressCategory.Loopback)]
    [InlineData("::ffff:10.0.0.1", AddressCategory.Private)]
    [InlineData("::ffff:169.254.169.254", AddressCategory.LinkLocal)]
    [InlineData("::ffff:7f00:1", AddressCategory.Loopback)]
    [InlineData("::127.0.0.1", AddressCategory.Loopback)]        // IPv4-compatible (deprecated)
    [InlineData("64:ff9b::a00:1", AddressCategory.Private)]      // NAT64 of 10.0.0.1
    [InlineData("64:ff9b::7f00:1", AddressCategory.Loopback)]    // NAT64 of 127.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe", AddressCategory.LinkLocal)] // NAT64 of 169.254.169.254
    [InlineData("2002:a00:1::1", AddressCategory.Private)]       // 6to4 of 10.0.0.1
    [InlineData("2002:7f00:1::", AddressCategory.Loopback)]      // 6to4 of 127.0.0.1
    // Public
    [InlineData("8.8.8.8", AddressCategory.Public)]
    [InlineData("1.1.1.1", AddressCategory.Public)]
    [InlineData("172.32.0.1", AddressCategory.Public)]
    [InlineData("100.128.0.1", AddressCategory.Public)]
    [InlineData("2606:4700::1111", AddressCategory.Public)]
    [InlineData("2001:4860:4860::8888", AddressCategory.Public)]
    [InlineData("::ffff:8.8.8.8", AddressCategory.Public)]
    [InlineData("64:ff9b::808:808", AddressCategory.Public)]     // NAT64 of 8.8.8.8
    [InlineData("2002:808:808::1", AddressCategory.Public)]      // 6to4 of 8.8.8.8
    public void Classifies_addresses(string address, AddressCategory expected)
    {
        Assert.Equal(expected, OutboundAddressPolicy.Classify(IPAddress.Parse(address)));
        Assert.Equal(expected == AddressCategory.Public, OutboundAddressPolicy.IsPublic(IPAddress.Parse(address)));
    }

    [Fact]
    public void Every_category_has_a_description_for_error_messages()
    {
        foreach (var category in Enum.GetValues<AddressCategory>())
        {
            Assert.Matches("^an? [a-z]", OutboundAddressPolicy.Describe(category));
        }
        Assert.Equal("a private address", OutboundAddressPolicy.Describe(AddressCategory.Private));
    }
}
