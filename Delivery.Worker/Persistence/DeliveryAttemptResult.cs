namespace Relay.Delivery.Worker.Persistence;

/// <summary>What happened on the wire; <see cref="Attempted"/> is false when no request was made (inactive integration, deleted destination).</summary>
/// <param name="Retryable">False when trying again cannot help: 410 Gone, a target the outbound policy refuses, nothing attempted.</param>
/// <param name="RetryAfter">What the receiver asked for with <c>Retry-After</c> on a 429 or 503.</param>
public sealed record DeliveryAttemptResult(bool Attempted, bool Succeeded, int? HttpStatus, string? ResponseBody, string? Error, int DurationMs, bool Retryable = true, TimeSpan? RetryAfter = null)
{
    public bool Gone => HttpStatus == 410;

    public static DeliveryAttemptResult NotAttempted(string error) => new(false, false, null, null, error, 0, Retryable: false);
}
