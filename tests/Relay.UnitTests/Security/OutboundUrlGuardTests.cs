using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Relay.Infrastructure.Security.Outbound;

namespace Relay.UnitTests.Security;

/// <summary>
/// The guard decides before any connection; names resolve through a fake resolver (or, for <c>localhost</c>, the
/// system one), so nothing here sends traffic anywhere.
/// </summary>
public sealed class OutboundUrlGuardTests
{
    private static readonly Dictionary<string, IPAddress[]> FakeDns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["loopback.test"] = [IPAddress.Parse("127.0.0.1")],
        ["private.test"] = [IPAddress.Parse("10.0.0.1")],
        ["metadata.test"] = [IPAddress.Parse("169.254.169.254")],
        ["mapped.test"] = [IPAddress.Parse("::ffff:10.0.0.1")],
        ["nat64.test"] = [IPAddress.Parse("64:ff9b::a9fe:a9fe")],
        ["mixed.test"] = [IPAddress.Parse("8.8.8.8"), IPAddress.Parse("192.168.1.1")],
        ["public.test"] = [IPAddress.Parse("8.8.8.8"), IPAddress.Parse("2606:4700::1111")],
        ["empty.test"] = [],
    };

    private static OutboundUrlGuard Guard(params string[] allowed) =>
        new(new OutboundAllowList(allowed), (host, _) => Task.FromResult(FakeDns.TryGetValue(host, out var addresses) ? addresses : throw new InvalidOperationException($"unexpected lookup of {host}")));

    [Theory]
    [InlineData("ftp://example.com/hook", "scheme 'ftp'")]
    [InlineData("file:///etc/passwd", "scheme 'file'")]
    [InlineData("gopher://127.0.0.1:6379/_PING", "scheme 'gopher'")]
    [InlineData("ws://example.com/", "scheme 'ws'")]
    public void Non_http_schemes_are_refused(string url, string expected)
    {
        var exception = Assert.Throws<OutboundRequestBlockedException>(() => Guard().CheckUri(new Uri(url)));
        Assert.Contains(expected, exception.Message);
    }

    [Fact]
    public void Relative_and_missing_urls_are_refused()
    {
        Assert.Throws<OutboundRequestBlockedException>(() => Guard().CheckUri(null));
        Assert.Throws<OutboundRequestBlockedException>(() => Guard().CheckUri(new Uri("/api/v1/hook", UriKind.Relative)));
    }

    [Theory]
    [InlineData("http://127.0.0.1/", "Destination 127.0.0.1 is a loopback address")]
    [InlineData("http://10.0.0.1/hook", "Destination 10.0.0.1 is a private address")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "Destination 169.254.169.254 is a link-local address")]
    [InlineData("http://100.64.0.1/", "Destination 100.64.0.1 is a carrier-grade NAT (shared) address")]
    [InlineData("http://0.0.0.0:8080/", "Destination 0.0.0.0 is an unspecified (this-host) address")]
    [InlineData("http://[::1]:8080/", "Destination ::1 is a loopback address")]
    [InlineData("http://[::ffff:127.0.0.1]/", "is a loopback address")]
    [InlineData("http://[64:ff9b::a00:1]/", "is a private address")]
    [InlineData("http://[fe80::1]/", "is a link-local address")]
    // Alternative spellings of 127.0.0.1 that resolvers accept.
    [InlineData("http://2130706433/", "is a loopback address")]
    [InlineData("http://0x7f000001/", "is a loopback address")]
    [InlineData("http://127.1/", "is a loopback address")]
    [InlineData("http://0177.0.0.1/", "is a loopback address")]
    public void Blocked_literal_addresses_are_refused_without_dns(string url, string expected)
    {
        var guard = Guard();
        var exception = Assert.Throws<OutboundRequestBlockedException>(() => guard.CheckUri(new Uri(url)));
        Assert.Contains(expected, exception.Message);
    }

    [Theory]
    [InlineData("loopback.test", "resolves to 127.0.0.1, a loopback address")]
    [InlineData("private.test", "resolves to 10.0.0.1, a private address")]
    [InlineData("metadata.test", "resolves to 169.254.169.254, a link-local address")]
    [InlineData("mapped.test", "a private address")]
    [InlineData("nat64.test", "a link-local address")]
    [InlineData("mixed.test", "resolves to 192.168.1.1, a private address")]
    public async Task Names_resolving_to_blocked_addresses_are_refused(string host, string expected)
    {
        var exception = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => Guard().CheckAsync(new Uri($"https://{host}/hook"), CancellationToken.None));
        Assert.StartsWith($"Destination {host} ", exception.Message);
        Assert.Contains(expected, exception.Message);
    }

    [Fact]
    public async Task Localhost_is_refused_through_the_system_resolver()
    {
        var guard = new OutboundUrlGuard(OutboundAllowList.Empty);
        var exception = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => guard.CheckAsync(new Uri("http://localhost:5103/"), CancellationToken.None));
        Assert.Contains("a loopback address", exception.Message);
    }

    [Fact]
    public async Task Public_names_and_addresses_pass_with_every_address()
    {
        var guard = Guard();
        Assert.Equal(2, (await guard.CheckAsync(new Uri("https://public.test/hook"), CancellationToken.None)).Length);
        Assert.Equal([IPAddress.Parse("8.8.8.8")], await guard.CheckAsync(new Uri("http://8.8.8.8/"), CancellationToken.None));
        guard.CheckUri(new Uri("https://[2606:4700::1111]/"));
    }

    [Fact]
    public async Task A_name_without_addresses_fails_as_name_resolution()
    {
        var exception = await Assert.ThrowsAsync<HttpRequestException>(() => Guard().ResolveAsync("empty.test", CancellationToken.None));
        Assert.Equal(HttpRequestError.NameResolutionError, exception.HttpRequestError);
    }

    [Fact]
    public async Task Allow_list_admits_listed_hosts_addresses_and_ranges_only()
    {
        Assert.Single(await Guard("loopback.test").ResolveAsync("loopback.test", CancellationToken.None));
        Assert.Single(await Guard("127.0.0.1").ResolveAsync("loopback.test", CancellationToken.None));
        Assert.Single(await Guard("10.0.0.0/8").ResolveAsync("mapped.test", CancellationToken.None));
        Guard("127.0.0.1").CheckUri(new Uri("http://127.0.0.1:8080/"));
        Guard("10.0.0.0/8").CheckUri(new Uri("http://10.9.8.7/"));
        Guard("::1").CheckUri(new Uri("http://[::1]/"));

        await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => Guard("127.0.0.1").ResolveAsync("private.test", CancellationToken.None));
        await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => Guard("loopback.test").ResolveAsync("metadata.test", CancellationToken.None));
        Assert.Throws<OutboundRequestBlockedException>(() => Guard("127.0.0.1").CheckUri(new Uri("http://169.254.169.254/")));
        Assert.Throws<OutboundRequestBlockedException>(() => Guard("10.0.0.0/8").CheckUri(new Uri("http://192.168.0.1/")));
    }

    [Fact]
    public void Configuration_binds_the_allow_list_outside_production()
    {
        var guard = OutboundUrlGuard.FromConfiguration(Configuration(("Relay:Outbound:AllowedHosts:0", "127.0.0.1"), ("Relay:Outbound:AllowedHosts:1", "sink.local")), new Environment(Environments.Development));
        Assert.True(guard.AllowList.AllowsAddress(IPAddress.Loopback));
        Assert.True(guard.AllowList.AllowsHost("sink.local"));
        Assert.True(OutboundUrlGuard.FromConfiguration(Configuration(), new Environment(Environments.Development)).AllowList.IsEmpty);
    }

    [Fact]
    public void Production_refuses_to_start_with_an_allow_list()
    {
        var exception = Assert.Throws<InvalidOperationException>(() =>
            OutboundUrlGuard.FromConfiguration(Configuration(("Relay:Outbound:AllowedHosts:0", "127.0.0.1")), new Environment(Environments.Production)));
        Assert.Contains("must be empty in Production", exception.Message);
        Assert.True(OutboundUrlGuard.FromConfiguration(Configuration(), new Environment(Environments.Production)).AllowList.IsEmpty);
    }

    [Fact]
    public void A_malformed_allow_list_entry_stops_startup()
    {
        var exception = Assert.Throws<InvalidOperationException>(() =>
            OutboundUrlGuard.FromConfiguration(Configuration(("Relay:Outbound:AllowedHosts:0", "10.0.0.0/99")), new Environment(Environments.Development)));
        Assert.Contains("Relay:Outbound:AllowedHosts", exception.Message);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
