namespace Relay.Infrastructure.Providers;

/// <summary>
/// The ways an integration's webhooks prove who sent them. Each is implemented once, in Ingress.Api, and chosen and
/// parameterized per integration by its <see cref="VerificationSettings"/>.
/// </summary>
public static class VerificationSchemes
{
    /// <summary>Hex HMAC-SHA256 of the raw body in a named header, after an optional prefix (acme: <c>x-acme-signature</c>).</summary>
    public const string HmacSha256Hex = "hmac-sha256-hex";

    /// <summary>A static token in a named header, after an optional prefix (globex: <c>x-globex-token</c>).</summary>
    public const string Token = "token";

    /// <summary><c>Stripe-Signature: t=…,v1=…</c>: hex HMAC-SHA256 of <c>{t}.{body}</c>, within a tolerance of <c>t</c>.</summary>
    public const string Stripe = "stripe";

    /// <summary><c>X-Hub-Signature-256: sha256=</c> + hex HMAC-SHA256 of the raw body.</summary>
    public const string GitHub = "github";

    /// <summary><c>X-Shopify-Hmac-Sha256</c>: base64 HMAC-SHA256 of the raw body.</summary>
    public const string Shopify = "shopify";

    /// <summary><c>webhook-id</c>/<c>webhook-timestamp</c>/<c>webhook-signature</c> with a <c>whsec_</c> secret (standardwebhooks.com).</summary>
    public const string StandardWebhooks = "standard-webhooks";

    public static IReadOnlyList<string> All { get; } = [HmacSha256Hex, Token, Stripe, GitHub, Shopify, StandardWebhooks];

    /// <summary>Schemes that read a header Relay names (with a default for the provider's own schemes).</summary>
    public static bool TakesHeader(string scheme) => scheme != StandardWebhooks;

    /// <summary>Schemes whose header value may start with a fixed prefix the operator names.</summary>
    public static bool TakesPrefix(string scheme) => scheme is HmacSha256Hex or Token;

    /// <summary>Schemes that sign a timestamp and refuse one outside a tolerance (a replay window).</summary>
    public static bool TakesTolerance(string scheme) => scheme is Stripe or StandardWebhooks;

    /// <summary>The header a scheme reads when none is named; null when the operator must name one.</summary>
    public static string? DefaultHeader(string scheme) => scheme switch
    {
        Stripe => "Stripe-Signature",
        GitHub => "X-Hub-Signature-256",
        Shopify => "X-Shopify-Hmac-Sha256",
        _ => null,
    };

    /// <summary>Stripe's and the Standard Webhooks libraries' default: five minutes.</summary>
    public const int DefaultToleranceSeconds = 300;

    public const int MaxToleranceSeconds = 86_400;
}
