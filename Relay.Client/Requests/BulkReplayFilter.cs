namespace Relay.Client;

/// <summary>The events a bulk replay covers: the filters of the event list, plus the integration and the received time. Nothing set matches every event.</summary>
public sealed record BulkReplayFilter
{
    /// <summary>The integration's id.</summary>
    public Guid? IntegrationId { get; init; }

    /// <summary>The provider's name.</summary>
    public string? Provider { get; init; }

    /// <summary>The event's status.</summary>
    public string? Status { get; init; }

    /// <summary>The event type.</summary>
    public string? EventType { get; init; }

    /// <summary>The event's subject.</summary>
    public string? Subject { get; init; }

    /// <summary>Occurred at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Occurred at or before.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Received at or after.</summary>
    public DateTimeOffset? ReceivedFrom { get; init; }

    /// <summary>Received at or before.</summary>
    public DateTimeOffset? ReceivedTo { get; init; }
}
