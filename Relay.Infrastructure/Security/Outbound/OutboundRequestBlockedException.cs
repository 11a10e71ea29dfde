namespace Relay.Infrastructure.Security.Outbound;

/// <summary>
/// An outbound request refused before any byte was sent: a non-http(s) URL, or a target that is (or resolves to)
/// a loopback, private, link-local or otherwise non-public address. It is an <see cref="HttpRequestException"/>
/// so callers that record failed HTTP attempts record this one too, with <see cref="Exception.Message"/> saying why.
/// </summary>
public sealed class OutboundRequestBlockedException(string message)
    : HttpRequestException(HttpRequestError.ConnectionError, message)
{
}
