using Relay.Infrastructure.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Relay.Gateway.Forwarding;

/// <summary>
/// What the gateway answers and logs for a request YARP could not forward. What the client got wrong (a body too
/// large, too slow or abandoned, a request that cannot be forwarded) is a 4xx logged at Debug; only a failing
/// upstream is a 503 and a Warning. Either is one line without the exception object: a client can cause these at
/// will, and a stack trace per request is a cheap way to fill a disk.
/// </summary>
public sealed record ProxyFailure(int StatusCode, string Code, string Message, LogLevel LogLevel)
{
    public const string RequestTimeoutCode = "REQUEST_TIMEOUT";

    public bool IsClientFault => StatusCode < 500;

    /// <param name="error">YARP's classification.</param>
    /// <param name="exception">What YARP caught; for body errors an AggregateException of the body's and the request's failures.</param>
    /// <param name="yarpStatusCode">The status YARP chose (408 when its activity timeout ran out while reading the client's body).</param>
    public static ProxyFailure Classify(ForwarderError error, Exception? exception, int yarpStatusCode)
    {
        // Kestrel's own verdict on the client's request (body too large, too slow, cut short) comes first: it is
        // what went wrong even when the upstream noticed the broken body too.
        if (FindClientRequestError(exception) is { } badRequest)
        {
            return badRequest.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => new(413, ErrorCodes.PayloadTooLarge, "Request body is too large", LogLevel.Debug),
                StatusCodes.Status408RequestTimeout => TooSlow,
                _ => Unreadable,
            };
        }
        return error switch
        {
            ForwarderError.RequestBodyClient when yarpStatusCode == StatusCodes.Status408RequestTimeout => TooSlow,
            ForwarderError.RequestBodyClient or ForwarderError.RequestBodyCanceled or ForwarderError.RequestCanceled
                or ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyCanceled
                or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeRequestCanceled
                or ForwarderError.UpgradeResponseClient or ForwarderError.UpgradeResponseCanceled => Unreadable,
            // The only things left to fail while building the upstream request come from the client's request
            // (a method HttpClient cannot send); the gateway's own checks refuse the known ones before this.
            ForwarderError.RequestCreation => new(400, ErrorCodes.Validation, "The request cannot be forwarded", LogLevel.Information),
            _ => new(503, ErrorCodes.DependencyUnavailable, "The upstream service is unavailable; try again shortly", LogLevel.Warning),
        };
    }

    public static readonly ProxyFailure TooSlow =
        new(StatusCodes.Status408RequestTimeout, RequestTimeoutCode, "The request body arrived too slowly", LogLevel.Debug);

    private static readonly ProxyFailure Unreadable =
        new(StatusCodes.Status400BadRequest, ErrorCodes.Validation, "The request body could not be read", LogLevel.Debug);

    private static BadHttpRequestException? FindClientRequestError(Exception? exception) => exception switch
    {
        null => null,
        BadHttpRequestException badRequest => badRequest,
        AggregateException aggregate => aggregate.InnerExceptions.Select(FindClientRequestError).FirstOrDefault(found => found is not null),
        _ => FindClientRequestError(exception.InnerException),
    };

    /// <summary>The innermost cause in one line ("SocketException: Connection refused"), for the operator's log.</summary>
    public static string Describe(Exception? exception)
    {
        while (exception is not null)
        {
            var next = exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : exception.InnerException;
            if (next is null)
            {
                break;
            }
            exception = next;
        }
        return exception is null ? "no exception" : OneLine($"{exception.GetType().Name}: {exception.Message}", 300);
    }

    /// <summary>Control characters (a decoded %0A in a path) would forge log lines; long values would bloat them.</summary>
    public static string OneLine(string text, int maxLength)
    {
        var cut = text.Length > maxLength ? text[..maxLength] + "…" : text;
        return string.Create(cut.Length, cut, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
    }
}
