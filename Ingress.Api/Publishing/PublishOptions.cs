using System.ComponentModel.DataAnnotations;

namespace Relay.Ingress.Api.Publishing;

/// <summary>The publish API's settings (<c>Relay:Publish</c>).</summary>
public sealed class PublishOptions
{
    public const string SectionName = "Relay:Publish";

    /// <summary>How long an <c>Idempotency-Key</c> stands for its first request (24 h); after that it may be used afresh.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan IdempotencyKeyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a request waits for another one with the same <c>Idempotency-Key</c> that is still being written, before
    /// it gets 409 (5 s); writing one takes milliseconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan IdempotencyWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often expired keys are deleted (hourly); an expired key counts as absent even before that.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
