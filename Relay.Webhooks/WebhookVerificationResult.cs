namespace Relay.Webhooks;

/// <summary>The outcome of <see cref="WebhookVerifier.Verify(string?, string?, string?, ReadOnlySpan{byte})"/>.</summary>
/// <remarks>The message never repeats the request's headers or any secret, so it may be returned to the sender.</remarks>
public sealed class WebhookVerificationResult
{
    private static readonly WebhookVerificationResult[] ByFailure =
    [
        new(WebhookVerificationFailure.None, "The webhook signature is valid."),
        new(WebhookVerificationFailure.MissingHeaders, "The webhook-id, webhook-timestamp and webhook-signature headers are required."),
        new(WebhookVerificationFailure.MalformedHeaders, "A webhook header is too long or sent more than once."),
        new(WebhookVerificationFailure.InvalidTimestamp, "The webhook-timestamp header is not a unix time in seconds."),
        new(WebhookVerificationFailure.TimestampTooOld, "The webhook-timestamp is too far in the past."),
        new(WebhookVerificationFailure.TimestampTooNew, "The webhook-timestamp is too far in the future."),
        new(WebhookVerificationFailure.NoMatchingSignature, "No v1 signature in the webhook-signature header matches."),
    ];

    private WebhookVerificationResult(WebhookVerificationFailure failure, string message)
    {
        Failure = failure;
        Message = message;
    }

    /// <summary>Whether the message is authentic and its timestamp within the tolerance.</summary>
    public bool IsValid => Failure == WebhookVerificationFailure.None;

    /// <summary>Why verification failed, or <see cref="WebhookVerificationFailure.None"/>.</summary>
    public WebhookVerificationFailure Failure { get; }

    /// <summary>A short English sentence saying what <see cref="Failure"/> means.</summary>
    public string Message { get; }

    /// <inheritdoc cref="Message"/>
    public override string ToString() => Message;

    // One shared instance per outcome: verifying allocates no result.
    internal static WebhookVerificationResult Of(WebhookVerificationFailure failure) => ByFailure[(int)failure];
}
