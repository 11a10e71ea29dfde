using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Relay.Gateway.Forwarding;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.UnitTests.Gateway;

/// <summary>What the gateway answers and logs for each way forwarding can fail.</summary>
public sealed class ProxyFailureTests
{
    [Fact]
    public void A_body_kestrel_found_too_slow_is_408_at_debug()
    {
        var failure = ProxyFailure.Classify(ForwarderError.RequestBodyClient,
            new AggregateException(new BadHttpRequestException("Reading the request body timed out due to data arriving too slowly.", 408), new IOException("cut")), 408);

        Assert.Equal((408, ProxyFailure.RequestTimeoutCode, LogLevel.Debug), (failure.StatusCode, failure.Code, failure.LogLevel));
    }

    [Fact]
    public void A_body_too_large_is_413_even_when_the_upstream_noticed_too()
    {
        var failure = ProxyFailure.Classify(ForwarderError.RequestBodyDestination,
            new AggregateException(new HttpRequestException("broken pipe"), new BadHttpRequestException("Request body too large.", 413)), 502);

        Assert.Equal((413, "PAYLOAD_TOO_LARGE", LogLevel.Debug), (failure.StatusCode, failure.Code, failure.LogLevel));
    }

    [Theory]
    [InlineData(ForwarderError.RequestBodyClient)]
    [InlineData(ForwarderError.RequestBodyCanceled)]
    [InlineData(ForwarderError.RequestCanceled)]
    [InlineData(ForwarderError.ResponseBodyClient)]
    [InlineData(ForwarderError.ResponseBodyCanceled)]
    public void What_the_client_abandoned_is_400_at_debug(ForwarderError error)
    {
        var failure = ProxyFailure.Classify(error, new TaskCanceledException(), 400);

        Assert.Equal((400, "VALIDATION_ERROR", LogLevel.Debug), (failure.StatusCode, failure.Code, failure.LogLevel));
        Assert.True(failure.IsClientFault);
    }

    [Fact]
    public void Yarps_own_timeout_while_reading_the_clients_body_is_408()
    {
        var failure = ProxyFailure.Classify(ForwarderError.RequestBodyClient, new OperationCanceledException(), 408);

        Assert.Equal(408, failure.StatusCode);
    }

    [Fact]
    public void A_request_httpclient_cannot_build_is_400()
    {
        var failure = ProxyFailure.Classify(ForwarderError.RequestCreation, new NotSupportedException("Unsupported request method 'CONNECT'."), 502);

        Assert.Equal((400, "VALIDATION_ERROR"), (failure.StatusCode, failure.Code));
    }

    [Theory]
    [InlineData(ForwarderError.Request)]
    [InlineData(ForwarderError.RequestTimedOut)]
    [InlineData(ForwarderError.RequestBodyDestination)]
    [InlineData(ForwarderError.ResponseHeaders)]
    [InlineData(ForwarderError.ResponseBodyDestination)]
    public void An_upstream_failure_is_503_at_warning(ForwarderError error)
    {
        var failure = ProxyFailure.Classify(error, new HttpRequestException("Connection refused (127.0.0.1:5101)", new SocketException((int)SocketError.ConnectionRefused)), 502);

        Assert.Equal((503, "DEPENDENCY_UNAVAILABLE", LogLevel.Warning), (failure.StatusCode, failure.Code, failure.LogLevel));
        Assert.False(failure.IsClientFault);
    }

    [Fact]
    public void The_cause_is_the_innermost_exception_in_one_line()
    {
        var exception = new AggregateException(new HttpRequestException("outer", new IOException("middle", new SocketException((int)SocketError.ConnectionReset))));

        var cause = ProxyFailure.Describe(exception);

        Assert.StartsWith("SocketException: ", cause, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', cause);
    }

    [Fact]
    public void Control_characters_cannot_forge_log_lines_and_long_values_are_cut()
    {
        var line = ProxyFailure.OneLine("/api/v1/events\r\nwarn: forged entry" + new string('a', 500), 200);

        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.True(line.Length <= 201);
    }
}
