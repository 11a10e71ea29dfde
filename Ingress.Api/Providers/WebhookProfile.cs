using Relay.Infrastructure.Providers;
using Relay.Ingress.Api.Verification;

namespace Relay.Ingress.Api.Providers;

/// <summary>
/// One integration's <see cref="ProviderProfile"/> made ready for ingest, once per load: how to verify its webhooks
/// (a verifier per secret), which headers to redact, and how to map them to events.
/// </summary>
public sealed class WebhookProfile
{
    private readonly VerificationSettings verification;
    private readonly TimeProvider timeProvider;

    private WebhookProfile(string provider, VerificationSettings verification, WebhookNormalizer normalizer, TimeProvider timeProvider)
    {
        Provider = provider;
        this.verification = verification;
        this.timeProvider = timeProvider;
        Normalizer = normalizer;
        CredentialHeaders = InboundVerifiers.CredentialHeaders(verification).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    public string Provider { get; }

    public WebhookNormalizer Normalizer { get; }

    /// <summary>The headers this integration's scheme reads credentials from.</summary>
    public IReadOnlySet<string> CredentialHeaders { get; }

    /// <summary>The profile made ready, or null with why it cannot be (a row Relay did not validate).</summary>
    public static WebhookProfile? Create(string provider, ProviderProfile profile, TimeProvider timeProvider, out string? problem)
    {
        if (InboundVerifiers.Problem(profile.Verification) is { } verificationProblem)
        {
            problem = $"verification: {verificationProblem}";
            return null;
        }
        var normalizer = WebhookNormalizer.Create(provider, profile.Fields, out problem);
        return normalizer is null ? null : new WebhookProfile(provider, profile.Verification, normalizer, timeProvider);
    }

    /// <summary>A verifier holding <paramref name="secret"/>, its key prepared once.</summary>
    public IInboundVerifier CreateVerifier(string secret) => InboundVerifiers.Create(verification, Provider, secret, timeProvider);
}
