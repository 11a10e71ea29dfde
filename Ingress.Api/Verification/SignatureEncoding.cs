namespace Relay.Ingress.Api.Verification;

/// <summary>How a signature's bytes are written in its header.</summary>
public enum SignatureEncoding
{
    /// <summary>Lowercase hex, as acme, GitHub and Stripe write it (their reference libraries compare the text, so uppercase never matches).</summary>
    LowercaseHex,

    /// <summary>Standard base64 with padding, as Shopify writes it.</summary>
    Base64,
}
