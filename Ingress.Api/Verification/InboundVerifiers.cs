using Relay.Infrastructure.Providers;

namespace Relay.Ingress.Api.Verification;

/// <summary>Builds the <see cref="IInboundVerifier"/> an integration's <see cref="VerificationSettings"/> name.</summary>
public static class InboundVerifiers
{
    /// <summary>
    /// The headers of every preset's scheme, redacted in every stored request whatever its integration uses: a
    /// provider's signature sent to the wrong integration is still a credential.
    /// </summary>
    public static IReadOnlySet<string> PresetCredentialHeaders { get; } = ProviderPresets.Names
        .SelectMany(name => CredentialHeaders(ProviderPresets.Find(name)!.Verification))
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Null when Ingress can verify with these settings, else why not (a row Relay did not validate).</summary>
    public static string? Problem(VerificationSettings settings)
    {
        if (!VerificationSchemes.All.Contains(settings.Scheme))
        {
            return $"unknown scheme '{settings.Scheme}'";
        }
        if (VerificationSchemes.TakesHeader(settings.Scheme) && (HeaderOf(settings) is not { } header || ProviderHeaders.Problem(header) is not null))
        {
            return "a header name is required";
        }
        if (VerificationSchemes.TakesTolerance(settings.Scheme) && settings.ToleranceSeconds is not (null or (>= 1 and <= VerificationSchemes.MaxToleranceSeconds)))
        {
            return "the tolerance is out of range";
        }
        return null;
    }

    /// <summary>A verifier of <paramref name="settings"/> holding <paramref name="secret"/>; <see cref="Problem"/> must be null.</summary>
    public static IInboundVerifier Create(VerificationSettings settings, string provider, string secret, TimeProvider timeProvider)
    {
        var header = HeaderOf(settings)!;
        var tolerance = settings.ToleranceSeconds ?? VerificationSchemes.DefaultToleranceSeconds;
        return settings.Scheme switch
        {
            VerificationSchemes.HmacSha256Hex => new BodyHmacVerifier(secret, header, settings.Prefix ?? "", SignatureEncoding.LowercaseHex, provider),
            VerificationSchemes.GitHub => new BodyHmacVerifier(secret, header, "sha256=", SignatureEncoding.LowercaseHex, provider),
            VerificationSchemes.Shopify => new BodyHmacVerifier(secret, header, "", SignatureEncoding.Base64, provider),
            VerificationSchemes.Token => new TokenVerifier(secret, header, settings.Prefix ?? "", provider),
            VerificationSchemes.Stripe => new StripeVerifier(secret, header, tolerance, timeProvider, provider),
            VerificationSchemes.StandardWebhooks => new StandardWebhooksVerifier(secret, tolerance, timeProvider, provider),
            _ => throw new ArgumentException($"Unknown verification scheme '{settings.Scheme}'", nameof(settings)),
        };
    }

    /// <summary>The headers that carry the credentials: redacted before the request is stored.</summary>
    public static IReadOnlyList<string> CredentialHeaders(VerificationSettings settings) =>
        settings.Scheme == VerificationSchemes.StandardWebhooks ? [Relay.Webhooks.WebhookHeaders.Signature]
        : HeaderOf(settings) is { } header ? [header]
        : [];

    private static string? HeaderOf(VerificationSettings settings) => settings.Header ?? VerificationSchemes.DefaultHeader(settings.Scheme);
}
