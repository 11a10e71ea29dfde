using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Infrastructure.Security;

namespace Relay.Management.Api.Data;

/// <summary>
/// A stored request's headers as the management API returns them. Ingress redacts credentials before storing; this
/// redacts them again on the way out, so rows stored before a rule existed (or written by hand, or by the seed) never
/// hand one out either. Signature headers stay: they prove one body and are no secret.
/// </summary>
public static class ReturnedRequestHeaders
{
    /// <param name="stored">The <c>request_headers</c> column as text: an object of header name to value.</param>
    /// <param name="secretHeader">The header the integration's token scheme reads, whose value is its secret; null when none.</param>
    public static JsonElement Redact(string stored, string? secretHeader)
    {
        if (JsonNode.Parse(stored) is not JsonObject headers)
        {
            return JsonColumn.Parse(stored);
        }
        foreach (var name in headers.Select(header => header.Key).ToList())
        {
            if (CredentialHeaders.Always.Contains(name) || string.Equals(name, secretHeader, StringComparison.OrdinalIgnoreCase))
            {
                headers[name] = CredentialHeaders.Redacted;
            }
        }
        return JsonSerializer.SerializeToElement(headers);
    }
}
