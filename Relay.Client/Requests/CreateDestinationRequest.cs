namespace Relay.Client;

/// <summary>A new destination of an integration; what is not set takes Relay's default.</summary>
public sealed record CreateDestinationRequest(string Url)
{
    /// <summary>What the destination is for.</summary>
    public string? Description { get; init; }

    /// <summary>Event type patterns it takes (<c>invoice.*</c>); none for every type.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>A filter on the payload, e.g. <c>$.data.amount &gt;= 1000</c>.</summary>
    public string? PayloadFilter { get; init; }

    /// <summary>Headers sent with each delivery; their values are never answered back.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>How long a delivery may take.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>The destination's own retry policy.</summary>
    public RetryPolicy? RetryPolicy { get; init; }

    /// <summary>The most deliveries a second.</summary>
    public int? RateLimitPerSecond { get; init; }

    /// <summary>Created paused: deliveries are held until it is resumed.</summary>
    public bool? Paused { get; init; }

    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }
}
