namespace Relay.Webhooks;

/// <summary>Why a message failed verification; <see cref="None"/> when it passed.</summary>
public enum WebhookVerificationFailure
{
    /// <summary>The message is authentic and recent.</summary>
    None = 0,

    /// <summary><c>webhook-id</c>, <c>webhook-timestamp</c> or <c>webhook-signature</c> is absent or empty.</summary>
    MissingHeaders,

    /// <summary>
    /// A header is longer than the verifier reads (256 characters for the id, 4,096 for the signatures), or
    /// <c>webhook-id</c> or <c>webhook-timestamp</c> was sent more than once.
    /// </summary>
    MalformedHeaders,

    /// <summary><c>webhook-timestamp</c> is not a non-negative integer of unix seconds.</summary>
    InvalidTimestamp,

    /// <summary><c>webhook-timestamp</c> is further in the past than the tolerance: possibly a replay.</summary>
    TimestampTooOld,

    /// <summary><c>webhook-timestamp</c> is further in the future than the tolerance.</summary>
    TimestampTooNew,

    /// <summary>No <c>v1</c> signature in <c>webhook-signature</c> matches any configured secret.</summary>
    NoMatchingSignature,
}
