namespace Relay.Infrastructure.Providers;

/// <summary>
/// The providers Relay has code for: Ingress.Api verifies and normalizes their webhooks, and Management.Api creates
/// integrations only for them. Adding a provider means an adapter in Ingress.Api and its key here.
/// </summary>
public static class SupportedProviders
{
    public const string Acme = "acme";
    public const string Globex = "globex";

    public static IReadOnlyList<string> All { get; } = [Acme, Globex];

    public static bool IsSupported(string provider) => All.Contains(provider, StringComparer.Ordinal);
}
