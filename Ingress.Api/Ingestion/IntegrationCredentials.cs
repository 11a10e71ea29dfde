using Microsoft.AspNetCore.Http;
using Relay.Ingress.Api.Providers;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// What ingest needs of an active integration: its id and its inbound secrets, decrypted. After a rotation the
/// previous secret verifies too, until <see cref="PreviousValidUntil"/>.
/// </summary>
public sealed record IntegrationCredentials(Guid Id, string Secret, string? PreviousSecret = null, DateTimeOffset? PreviousValidUntil = null)
{
    /// <summary>
    /// Null when the request carries valid credentials for the current secret or, within the grace window, the
    /// previous one; else the provider's 401 message for the current secret. Within the window both are always
    /// checked (each in constant time), so neither the answer nor its timing tells which one matched.
    /// </summary>
    public string? Verify(IWebhookProvider provider, IHeaderDictionary headers, ReadOnlySpan<byte> rawBody, DateTimeOffset now)
    {
        var currentError = provider.Verify(headers, rawBody, Secret);
        if (PreviousSecret is null || PreviousValidUntil is not { } validUntil || now >= validUntil)
        {
            return currentError;
        }
        var previousError = provider.Verify(headers, rawBody, PreviousSecret);
        return currentError is null | previousError is null ? null : currentError;
    }
}
