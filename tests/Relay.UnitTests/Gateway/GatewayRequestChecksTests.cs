using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Relay.Gateway.Middleware;

namespace Relay.UnitTests.Gateway;

/// <summary>The gateway's own refusals before anything is forwarded: non-ASCII header values and methods a route does not serve.</summary>
public sealed class GatewayRequestChecksTests
{
    [Theory]
    [InlineData("caf\u00c3\u00a9")]
    [InlineData("caf\u00e9")]
    [InlineData("\u00ff")]
    [InlineData("emoji \ud83d\ude00")]
    public void A_header_value_outside_ascii_is_found_by_name(string value)
    {
        var headers = new HeaderDictionary { ["Host"] = "relay.test", ["X-Note"] = new StringValues(["plain", value]) };

        Assert.Equal("X-Note", GatewayMiddleware.FirstNonAsciiHeader(headers));
    }

    [Fact]
    public void Ascii_headers_pass()
    {
        var headers = new HeaderDictionary { ["Host"] = "relay.test", ["X-Note"] = "plain ascii ~!@#$%^&*()" };

        Assert.Null(GatewayMiddleware.FirstNonAsciiHeader(headers));
    }

    [Fact]
    public async Task A_non_ascii_header_is_refused_with_400_naming_it()
    {
        var context = NewContext();
        context.Request.Headers["X-Note"] = "caf\u00e9";
        var forwarded = false;

        await GatewayMiddleware.RejectNonAsciiHeaders(context, () => { forwarded = true; return Task.CompletedTask; });

        Assert.False(forwarded);
        Assert.Equal(400, context.Response.StatusCode);
        var body = ReadBody(context);
        Assert.Contains("\"header\":\"X-Note\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("caf", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Allowed_methods_come_from_route_metadata_in_upper_case()
    {
        var allowed = AllowedMethods.Parse(" get ,POST,, ");

        Assert.NotNull(allowed);
        Assert.Equal(["GET", "POST"], allowed.Methods);
        Assert.Equal("GET, POST", allowed.Header);
        Assert.True(allowed.Allows("post"));
        Assert.False(allowed.Allows("TRACE"));
        Assert.False(allowed.Allows("CONNECT"));
        Assert.Null(AllowedMethods.Parse(" , "));
        Assert.Null(AllowedMethods.Parse(null));
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("DELETE", true)]
    [InlineData("options", true)]
    [InlineData("TRACE", false)]
    [InlineData("CONNECT", false)]
    [InlineData("PROPFIND", false)]
    [InlineData("FOO", false)]
    public void A_route_whose_upstream_answers_standard_methods_refuses_only_the_others(string method, bool passed)
    {
        var allowed = AllowedMethods.Parse("GET, POST", upstreamAnswersStandardMethods: true)!;

        Assert.Equal(passed, allowed.Allows(method));
        Assert.Equal("GET, POST", allowed.Header);
    }

    [Fact]
    public async Task A_method_the_endpoint_does_not_serve_is_refused_with_405_and_allow()
    {
        var context = NewContext();
        context.Request.Method = "TRACE";
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new AllowedMethods("GET", "HEAD")), "health"));

        await GatewayMiddleware.RejectUnsupportedMethod(context, () => throw new InvalidOperationException("must not be forwarded"));

        Assert.Equal(405, context.Response.StatusCode);
        Assert.Equal("GET, HEAD", context.Response.Headers.Allow.ToString());
        Assert.Contains("METHOD_NOT_ALLOWED", ReadBody(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_endpoint_the_method_is_not_judged_here()
    {
        var context = NewContext();
        context.Request.Method = "TRACE";
        var forwarded = false;

        await GatewayMiddleware.RejectUnsupportedMethod(context, () => { forwarded = true; return Task.CompletedTask; });

        Assert.True(forwarded);
    }

    private static DefaultHttpContext NewContext() => new()
    {
        RequestServices = new ServiceCollection().BuildServiceProvider(),
        Response = { Body = new MemoryStream() },
    };

    private static string ReadBody(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }
}
