using System.Net;
using Relay.Infrastructure.Security.Outbound;

namespace Relay.UnitTests.Security;

public sealed class OutboundAllowListTests
{
    [Fact]
    public void Empty_allows_nothing()
    {
        var allowList = new OutboundAllowList([]);
        Assert.True(allowList.IsEmpty);
        Assert.False(allowList.AllowsHost("localhost"));
        Assert.False(allowList.AllowsAddress(IPAddress.Loopback));
        Assert.True(OutboundAllowList.Empty.IsEmpty);
    }

    [Fact]
    public void Host_names_match_exactly_and_case_insensitively()
    {
        var allowList = new OutboundAllowList(["sink.internal", "Hooks.Example.COM."]);
        Assert.True(allowList.AllowsHost("sink.internal"));
        Assert.True(allowList.AllowsHost("SINK.internal."));
        Assert.True(allowList.AllowsHost("hooks.example.com"));
        Assert.False(allowList.AllowsHost("evil.sink.internal"));
        Assert.False(allowList.AllowsHost("sink.internal.evil.com"));
        Assert.False(allowList.AllowsAddress(IPAddress.Loopback));
    }

    [Fact]
    public void Single_addresses_match_themselves_including_their_mapped_form()
    {
        var allowList = new OutboundAllowList(["127.0.0.1", "[::1]"]);
        Assert.True(allowList.AllowsAddress(IPAddress.Parse("127.0.0.1")));
        Assert.True(allowList.AllowsAddress(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.True(allowList.AllowsAddress(IPAddress.IPv6Loopback));
        Assert.False(allowList.AllowsAddress(IPAddress.Parse("127.0.0.2")));
        Assert.False(allowList.AllowsHost("localhost"));
    }

    [Fact]
    public void Cidr_ranges_match_their_members()
    {
        var allowList = new OutboundAllowList(["10.20.0.0/16", "fd00:1::/32"]);
        Assert.True(allowList.AllowsAddress(IPAddress.Parse("10.20.3.4")));
        Assert.True(allowList.AllowsAddress(IPAddress.Parse("::ffff:10.20.3.4")));
        Assert.False(allowList.AllowsAddress(IPAddress.Parse("10.21.0.1")));
        Assert.True(allowList.AllowsAddress(IPAddress.Parse("fd00:1:2::3")));
        Assert.False(allowList.AllowsAddress(IPAddress.Parse("fd00:2::3")));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/8")]      // host bits set: almost certainly a typo
    [InlineData("not a host")]
    [InlineData("http://127.0.0.1")]
    public void Malformed_entries_are_rejected(string entry)
    {
        Assert.Throws<FormatException>(() => new OutboundAllowList([entry]));
    }
}
