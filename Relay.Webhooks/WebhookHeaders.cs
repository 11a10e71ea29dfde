namespace Relay.Webhooks;

/// <summary>The names of the three Standard Webhooks headers every signed delivery carries.</summary>
public static class WebhookHeaders
{
    /// <summary><c>webhook-id</c>: the message's identifier, the same on every retry of one message.</summary>
    public const string Id = "webhook-id";

    /// <summary><c>webhook-timestamp</c>: when this attempt was sent, in unix seconds.</summary>
    public const string Timestamp = "webhook-timestamp";

    /// <summary><c>webhook-signature</c>: space-separated <c>version,signature</c> entries, e.g. <c>v1,K5oZ… v1,h0Ws…</c>.</summary>
    public const string Signature = "webhook-signature";

    // Shared by the signer and the verifier so that Relay never signs an id a receiver would turn away.
    internal const int MaxIdLength = 256;
}
