using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Relay.Ingress.Api.Providers;

/// <summary>What Relay knows about one provider: how its webhooks prove who sent them, and how they map to an event.</summary>
public interface IWebhookProvider
{
    string Name { get; }

    /// <summary>Headers that carry credentials; they are redacted before the raw request is stored.</summary>
    IReadOnlyCollection<string> CredentialHeaders { get; }

    /// <summary>Checks the request's credentials against the integration secret, in constant time. Null when valid, else the 401 message.</summary>
    string? Verify(IHeaderDictionary headers, ReadOnlySpan<byte> rawBody, string secret);

    NormalizationResult Normalize(JsonElement payload);
}
