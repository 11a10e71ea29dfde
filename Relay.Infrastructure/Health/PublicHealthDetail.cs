using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Relay.Infrastructure.Health;

/// <summary>
/// What a failing health check lets the public see: a generic reason, never an address, port, host name or the
/// client library's message. The checks put it in <see cref="HealthCheckResult.Data"/> under <see cref="DataKey"/>,
/// which ServiceDefaults' public health writer reads; their description keeps the full detail for operators.
/// </summary>
public static class PublicHealthDetail
{
    /// <summary>Must equal ServiceDefaults' <c>Extensions.PublicDetailKey</c> (a unit test holds them together).</summary>
    public const string DataKey = "public-detail";

    public const string Unreachable = "unreachable";
    public const string TimedOut = "timed out";
    public const string AuthenticationFailed = "authentication failed";
    public const string Unavailable = "unavailable";

    public static HealthCheckResult Unhealthy(string detail, string publicDetail) =>
        HealthCheckResult.Unhealthy(detail, data: new Dictionary<string, object> { [DataKey] = publicDetail });

    /// <summary>The reason the exception chain shows, for failures a check has no more specific word for.</summary>
    public static string Of(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = Next(current))
        {
            switch (current)
            {
                case TimeoutException or OperationCanceledException:
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return TimedOut;
                case SocketException:
                    return Unreachable;
            }
        }
        return Unavailable;
    }

    private static Exception? Next(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : exception.InnerException;
}
