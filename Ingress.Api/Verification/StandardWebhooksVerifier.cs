using Relay.Webhooks;

namespace Relay.Ingress.Api.Verification;

/// <summary>
/// Standard Webhooks (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature: v1,&lt;base64&gt; …</c>,
/// secret <c>whsec_&lt;base64&gt;</c>), verified by <see cref="WebhookVerifier"/> of Relay.Webhooks, the library
/// Relay's own receivers use, with the integration's replay window as its tolerance.
/// </summary>
public sealed class StandardWebhooksVerifier : IInboundVerifier
{
    private readonly WebhookVerifier? verifier;
    private readonly string invalidMessage;

    public StandardWebhooksVerifier(string secret, int toleranceSeconds, TimeProvider timeProvider, string provider)
    {
        // Management accepts only whsec_ secrets for this scheme; a row written otherwise verifies nothing.
        verifier = WebhookSecret.TryParse(secret, out var parsed)
            ? new WebhookVerifier([parsed], new WebhookVerifierOptions { Tolerance = TimeSpan.FromSeconds(toleranceSeconds), TimeProvider = timeProvider })
            : null;
        invalidMessage = $"Invalid {provider} webhook signature";
    }

    /// <summary>False when the secret is not a Standard Webhooks secret, so no request can pass.</summary>
    public bool HasUsableSecret => verifier is not null;

    public string? Verify(IHeaderDictionary headers, ReadOnlySpan<byte> rawBody)
    {
        if (verifier is null)
        {
            return invalidMessage;
        }
        var result = verifier.Verify(headers, rawBody);
        // The library's messages never repeat a header or a secret; a mismatch reads as every other scheme's.
        return result.IsValid ? null : result.Failure == WebhookVerificationFailure.NoMatchingSignature ? invalidMessage : result.Message;
    }
}
