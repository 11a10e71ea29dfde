using System.Net;
using System.Net.Sockets;
using Relay.Infrastructure.Security.Outbound;
using Relay.Management.Api.Integrations;

namespace Relay.UnitTests.Management;

/// <summary>Names resolve through a fake resolver: nothing here sends a query or a request anywhere.</summary>
public sealed class CallbackUrlCheckTests
{
    private static CallbackUrlCheck Check(params string[] allowed) =>
        new(new OutboundUrlGuard(new OutboundAllowList(allowed), (host, _) => host switch
        {
            "hooks.example.com" => Task.FromResult(new[] { IPAddress.Parse("93.184.215.14") }),
            "internal.example.com" => Task.FromResult(new[] { IPAddress.Parse("10.1.2.3") }),
            _ => throw new SocketException((int)SocketError.HostNotFound),
        }));

    [Theory]
    [InlineData("https://hooks.example.com/acme")]
    [InlineData("http://93.184.215.14:8080/hook")]
    public async Task A_public_target_is_accepted(string url)
    {
        Assert.Null(await Check().FindProblemAsync(url, CancellationToken.None));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://127.0.0.1:8080/hook", "loopback")]
    [InlineData("http://[::1]/hook", "loopback")]
    [InlineData("http://10.0.0.1/hook", "private")]
    [InlineData("https://internal.example.com/hook", "resolves to 10.1.2.3")]
    public async Task A_non_public_target_is_refused_with_the_reason(string url, string reason)
    {
        var problem = await Check().FindProblemAsync(url, CancellationToken.None);
        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
    }

    [Fact]
    public async Task The_allow_list_admits_what_delivery_may_call()
    {
        Assert.Null(await Check("127.0.0.1").FindProblemAsync("http://127.0.0.1:8080/hook", CancellationToken.None));
        Assert.NotNull(await Check("127.0.0.1").FindProblemAsync("http://169.254.169.254/", CancellationToken.None));
    }

    [Fact]
    public async Task A_host_that_does_not_resolve_is_refused()
    {
        Assert.Contains("could not be resolved", await Check().FindProblemAsync("https://nowhere.invalid/hook", CancellationToken.None));
    }
}
