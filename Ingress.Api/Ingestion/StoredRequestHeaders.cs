using System.Text.Json;
using Relay.Infrastructure.Providers;
using Relay.Infrastructure.Security;
using Relay.Ingress.Api.Verification;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>The headers of a request as Relay stores them with its event: credentials redacted, the gateway's own hop left out.</summary>
public static class StoredRequestHeaders
{
    /// <summary>
    /// Headers that carry credentials for any provider preset or for Relay itself, whatever scheme the integration reads;
    /// never stored.
    /// </summary>
    public static IReadOnlySet<string> AlwaysRedacted { get; } = new HashSet<string>(
        CredentialHeaders.Always.Concat(InboundVerifiers.PresetCredentialHeaders),
        StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The request as it reached the gateway: its headers with <see cref="AlwaysRedacted"/> and <paramref name="alsoRedacted"/>
    /// ones (an integration's own credential headers) as <c>[REDACTED]</c>, the host it called (restored from
    /// X-Forwarded-Host before this runs) and its address as <c>x-forwarded-for</c>; the gateway's hop left out.
    /// </summary>
    public static string Serialize(IHeaderDictionary headers, string? sourceIp, IReadOnlySet<string>? alsoRedacted = null)
    {
        var namedByConnection = headers.Connection.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        var dropped = new HashSet<string>(ProviderHeaders.NotFromTheProvider.Concat(namedByConnection), StringComparer.OrdinalIgnoreCase);
        var stored = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            if (dropped.Contains(name))
            {
                continue;
            }
            var key = name.ToLowerInvariant();
            stored[key] = AlwaysRedacted.Contains(key) || alsoRedacted?.Contains(key) == true ? CredentialHeaders.Redacted : value.ToString();
        }
        if (sourceIp is not null)
        {
            stored["x-forwarded-for"] = sourceIp;
        }
        return JsonSerializer.Serialize(stored, JsonSerializerOptions.Web);
    }
}
