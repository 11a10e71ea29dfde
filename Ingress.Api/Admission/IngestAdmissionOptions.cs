using System.ComponentModel.DataAnnotations;

namespace Relay.Ingress.Api.Admission;

/// <summary>
/// How many webhooks one Ingress replica works on at once (<c>Relay:Ingress:*</c>); beyond that it answers 503
/// <c>OVERLOADED</c> with <c>Retry-After</c> at once instead of letting requests pile up in front of the database.
/// </summary>
public sealed class IngestAdmissionOptions
{
    public const string SectionName = "Relay:Ingress";

    /// <summary>
    /// Webhooks verified and written at the same time (<c>MaxConcurrentIngests</c>). Enough to keep the database
    /// pool (50) and the group commit busy; more only lengthens every answer.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxConcurrentIngests { get; set; } = 64;

    /// <summary>Webhooks that may wait for one of those slots (<c>IngestQueueLimit</c>); the next one gets 503 at once.</summary>
    [Range(0, 100_000)]
    public int IngestQueueLimit { get; set; } = 64;

    /// <summary>
    /// Longest a webhook waits in that queue (<c>MaxIngestQueueWait</c>) before it gets 503: the queue's length bounds
    /// the wait while the database keeps pace, this bounds it when the database slows down.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan MaxIngestQueueWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The <c>Retry-After</c> a shed webhook gets (<c>OverloadRetryAfter</c>, whole seconds, at least 1).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan OverloadRetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
