namespace Relay.Infrastructure.Providers;

/// <summary>
/// The providers Relay has code for: Ingress.Api verifies and normalizes their webhooks, and Management.Api creates
/// integrations only for them (and for <see cref="Relay"/>). Adding a provider means an adapter in Ingress.Api and its key here.
/// </summary>
public static class SupportedProviders
{
    public const string Acme = "acme";
    public const string Globex = "globex";

    /// <summary>
    /// The integration that events published through <c>POST /api/v1/events</c> without an integration of their own go
    /// to, so destinations can subscribe to them. Operators create it like any other; it takes no webhooks (there is
    /// no adapter for it, so its inbound secret is never used).
    /// </summary>
    public const string Relay = "relay";

    /// <summary>The webhook providers: each has an adapter in Ingress.Api.</summary>
    public static IReadOnlyList<string> All { get; } = [Acme, Globex];

    /// <summary>The providers an integration may be created for: the webhook providers and <see cref="Relay"/>.</summary>
    public static IReadOnlyList<string> Integrations { get; } = [.. All, Relay];

    public static bool IsSupported(string provider) => All.Contains(provider, StringComparer.Ordinal);

    public static bool CanHaveIntegration(string provider) => Integrations.Contains(provider, StringComparer.Ordinal);
}
