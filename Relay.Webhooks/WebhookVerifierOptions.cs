namespace Relay.Webhooks;

/// <summary>How a <see cref="WebhookVerifier"/> judges a message's timestamp.</summary>
public sealed class WebhookVerifierOptions
{
    /// <summary>The five minutes the Standard Webhooks reference libraries allow.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far <c>webhook-timestamp</c> may be from the receiver's clock, in either direction; older messages are
    /// refused as possible replays. Defaults to <see cref="DefaultTolerance"/>; whole seconds count.
    /// </summary>
    public TimeSpan Tolerance { get; set; } = DefaultTolerance;

    /// <summary>The receiver's clock. Defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
