using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Relay.Ingress.Api.Extensions;

namespace Relay.UnitTests.Ingress;

public sealed class TrustedProxiesTests
{
    [Fact]
    public void Parses_addresses_and_networks_from_a_comma_separated_value_and_from_array_entries()
    {
        var networks = TrustedProxies.Parse(["10.244.0.0/16, 192.168.1.7", "fd00:10::/64", " ::1 "]);

        Assert.Equal(["10.244.0.0/16", "192.168.1.7/32", "fd00:10::/64", "::1/128"], networks.Select(n => n.ToString()));
    }

    [Theory]
    [InlineData("10.244.3.9", true)]
    [InlineData("10.245.0.1", false)]
    [InlineData("192.168.1.7", true)]
    [InlineData("192.168.1.8", false)]
    [InlineData("fd00:10::42", true)]
    [InlineData("fd00:11::42", false)]
    public void A_network_trusts_its_own_addresses_and_a_single_address_only_itself(string address, bool trusted)
    {
        var networks = TrustedProxies.Parse(["10.244.0.0/16,192.168.1.7,fd00:10::/64"]);

        Assert.Equal(trusted, networks.Any(n => n.Contains(IPAddress.Parse(address))));
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("10.0.0.1/8")] // bits beyond the prefix: probably meant something narrower
    [InlineData("10.0.0.0/33")]
    [InlineData("300.1.1.1")]
    [InlineData("10.0.0.0/")]
    public void An_entry_that_is_neither_an_address_nor_a_network_stops_startup_naming_the_key_and_the_entry(string entry)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => TrustedProxies.Parse([$"127.0.0.1,{entry}"]));

        Assert.Contains(TrustedProxies.ConfigurationKey, exception.Message, StringComparison.Ordinal);
        Assert.Contains($"'{entry}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_key_Development_trusts_loopback_and_other_environments_trust_nobody()
    {
        var empty = new ConfigurationBuilder().Build();

        var development = TrustedProxies.FromConfiguration(empty, new Environment(Environments.Development));
        Assert.Contains(development, n => n.Contains(IPAddress.Loopback));
        Assert.Contains(development, n => n.Contains(IPAddress.Parse("127.0.0.2")));
        Assert.Contains(development, n => n.Contains(IPAddress.IPv6Loopback));
        Assert.DoesNotContain(development, n => n.Contains(IPAddress.Parse("10.0.0.1")));

        Assert.Empty(TrustedProxies.FromConfiguration(empty, new Environment(Environments.Production)));
        Assert.Empty(TrustedProxies.FromConfiguration(empty, new Environment(Environments.Staging)));
    }

    [Fact]
    public void The_configured_value_replaces_the_default_and_an_empty_value_trusts_nobody()
    {
        var development = new Environment(Environments.Development);

        var configured = TrustedProxies.FromConfiguration(Configuration(new() { [TrustedProxies.ConfigurationKey] = "127.0.0.1" }), development);
        Assert.Equal(["127.0.0.1/32"], configured.Select(n => n.ToString()));

        Assert.Empty(TrustedProxies.FromConfiguration(Configuration(new() { [TrustedProxies.ConfigurationKey] = "" }), development));
    }

    [Fact]
    public void Array_entries_are_read_as_environment_variables_give_them()
    {
        var configuration = Configuration(new()
        {
            [$"{TrustedProxies.ConfigurationKey}:0"] = "10.244.0.0/16",
            [$"{TrustedProxies.ConfigurationKey}:1"] = "10.96.0.10",
        });

        var networks = TrustedProxies.FromConfiguration(configuration, new Environment(Environments.Production));

        Assert.Equal(["10.244.0.0/16", "10.96.0.10/32"], networks.Select(n => n.ToString()));
    }

    [Theory]
    [InlineData("10.244.1.9", "203.0.113.7")] // the gateway: its X-Forwarded-For is the caller
    [InlineData("::ffff:10.244.1.9", "203.0.113.7")] // the same, through a dual-stack socket (Kestrel's default in a pod)
    [InlineData("10.245.0.3", "10.245.0.3")] // anyone else: its own address, whatever it claims
    [InlineData("203.0.113.66", "203.0.113.66")]
    public async Task Only_a_trusted_peer_chooses_the_source_address(string peer, string expectedSource)
    {
        var options = new ForwardedHeadersOptions();
        TrustedProxies.Apply(options, TrustedProxies.Parse(["10.244.0.0/16"]));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Headers["X-Forwarded-For"] = "203.0.113.7";
        context.Request.Headers["X-Forwarded-Host"] = "hooks.example.com";
        context.Request.Host = new HostString("ingress-api");

        await new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, Options.Create(options)).Invoke(context);

        var source = context.Connection.RemoteIpAddress!;
        Assert.Equal(expectedSource, (source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source).ToString());
        Assert.Equal(expectedSource == "203.0.113.7" ? "hooks.example.com" : "ingress-api", context.Request.Host.Value);
    }

    [Fact]
    public async Task Only_the_last_hop_is_believed()
    {
        var options = new ForwardedHeadersOptions();
        TrustedProxies.Apply(options, TrustedProxies.Parse(["127.0.0.1"]));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        // A caller's own X-Forwarded-For that reached Ingress appended to by a proxy: the caller's claim is not believed.
        context.Request.Headers["X-Forwarded-For"] = "198.51.100.1, 203.0.113.7";

        await new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, Options.Create(options)).Invoke(context);

        Assert.Equal("203.0.113.7", context.Connection.RemoteIpAddress!.ToString());
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Ingress.Api";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
