namespace Relay.Client;

/// <summary>The changes to a destination; what is not set stays as it is.</summary>
public sealed record UpdateDestinationRequest
{
    /// <summary>The new URL (not of the default destination, which follows its integration's callback URL).</summary>
    public string? Url { get; init; }

    /// <summary>What the destination is for.</summary>
    public string? Description { get; init; }

    /// <summary>Event type patterns it takes.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>A filter on the payload.</summary>
    public string? PayloadFilter { get; init; }

    /// <summary>Headers sent with each delivery (replacing the ones set).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>How long a delivery may take.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>The destination's own retry policy.</summary>
    public RetryPolicy? RetryPolicy { get; init; }

    /// <summary>The most deliveries a second.</summary>
    public int? RateLimitPerSecond { get; init; }

    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }
}
