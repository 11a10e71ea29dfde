namespace Relay.Client;

/// <summary>An event published by your own system into the delivery pipeline. <see cref="Payload"/> must serialize to a JSON object.</summary>
public sealed record PublishEventRequest(string EventType, object Payload)
{
    /// <summary>The event's id in your system: the same id again is a duplicate.</summary>
    public string? EventId { get; init; }

    /// <summary>When it happened (default: now).</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    /// <summary>What it is about (default: <c>payload.id</c> when it is a string).</summary>
    public string? Subject { get; init; }

    /// <summary>The integration, by id (or <see cref="Provider"/>; default: the <c>relay</c> integration).</summary>
    public Guid? IntegrationId { get; init; }

    /// <summary>The integration, by provider name.</summary>
    public string? Provider { get; init; }
}
