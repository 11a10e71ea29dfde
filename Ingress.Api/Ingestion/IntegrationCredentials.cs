using Relay.Ingress.Api.Verification;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// What ingest needs of an active integration's inbound secrets: a verifier holding the current one and, after a
/// rotation, one holding the previous secret, which verifies too until <see cref="PreviousValidUntil"/>.
/// </summary>
public sealed record IntegrationCredentials(Guid Id, IInboundVerifier Current, IInboundVerifier? Previous = null, DateTimeOffset? PreviousValidUntil = null)
{
    /// <summary>
    /// Null when the request carries valid credentials for the current secret or, within the grace window, the
    /// previous one; else the scheme's 401 message for the current secret. Within the window both are always
    /// checked (each in constant time), so neither the answer nor its timing tells which one matched.
    /// </summary>
    public string? Verify(IHeaderDictionary headers, ReadOnlySpan<byte> rawBody, DateTimeOffset now)
    {
        var currentError = Current.Verify(headers, rawBody);
        if (Previous is null || PreviousValidUntil is not { } validUntil || now >= validUntil)
        {
            return currentError;
        }
        var previousError = Previous.Verify(headers, rawBody);
        return currentError is null | previousError is null ? null : currentError;
    }
}
