using System.Net;
using System.Text.Json;

namespace Relay.Client;

/// <summary>
/// Relay refused or failed a request: the HTTP status, the error envelope's <see cref="Code"/> and message, its
/// <see cref="Details"/>, the <see cref="RequestId"/> to quote when asking about it, and the server's
/// <see cref="RetryAfter"/> hint. An answer that is not Relay's envelope (a proxy's HTML 502) has the status, no code.
/// </summary>
public class RelayApiException : Exception
{
    /// <summary>Creates the exception for one error answer.</summary>
    public RelayApiException(HttpStatusCode statusCode, string? code, string message, JsonElement? details, string? requestId, TimeSpan? retryAfter)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
        Details = details;
        RequestId = requestId;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The envelope's <c>error.code</c> (e.g. <c>NOT_FOUND</c>); null when the answer was not an envelope.</summary>
    public string? Code { get; }

    /// <summary>The envelope's <c>error.details</c>, as sent; null when absent.</summary>
    public JsonElement? Details { get; }

    /// <summary>The answer's <c>X-Request-Id</c>, which Relay's logs and traces carry.</summary>
    public string? RequestId { get; }

    /// <summary>How long to wait before trying again, from <c>Retry-After</c> (seconds or an HTTP date); null when not sent.</summary>
    public TimeSpan? RetryAfter { get; }
}
