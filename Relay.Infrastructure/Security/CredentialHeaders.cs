using Relay.Infrastructure.Providers;

namespace Relay.Infrastructure.Security;

/// <summary>
/// Request headers whose values are credentials: a stored request keeps their names with <see cref="Redacted"/> as
/// the value (Ingress.Api before storing, Management.Api again before returning, for rows stored before a rule existed).
/// </summary>
public static class CredentialHeaders
{
    public const string Redacted = "[REDACTED]";

    /// <summary>Credentials whatever an integration verifies with: HTTP's own, and Relay's keys.</summary>
    public static IReadOnlySet<string> Always { get; } = new HashSet<string>(
        ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-internal-api-key", "x-api-key"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The header whose value is the integration's shared secret itself (the token scheme); null for the signature
    /// schemes, whose header proves one body and gives nothing away.
    /// </summary>
    public static string? SecretHeader(VerificationSettings? settings) =>
        settings is { Scheme: VerificationSchemes.Token } ? settings.Header ?? VerificationSchemes.DefaultHeader(settings.Scheme) : null;
}
