namespace Relay.Ingress.Api.Verification;

/// <summary>
/// One verification scheme, parameterized for one integration and holding one of its secrets (prepared once, when the
/// integration is loaded). Pure: it reads the request and the clock it was given, in constant time where a secret is
/// compared, and never throws for anything a sender can put in a request.
/// </summary>
public interface IInboundVerifier
{
    /// <summary>Null when the request carries valid credentials, else the 401 message (which never repeats a secret).</summary>
    string? Verify(IHeaderDictionary headers, ReadOnlySpan<byte> rawBody);
}
