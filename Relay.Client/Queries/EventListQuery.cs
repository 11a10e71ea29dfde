using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Filters of the event list (newest first).</summary>
public sealed record EventListQuery : ListQuery
{
    /// <summary>The provider's name.</summary>
    public string? Provider { get; init; }

    /// <summary>The event's status.</summary>
    public string? Status { get; init; }

    /// <summary>The event type.</summary>
    public string? EventType { get; init; }

    /// <summary>The event's subject.</summary>
    public string? Subject { get; init; }

    /// <summary>The provider's own id of the event (exactly), in every integration or in <see cref="Provider"/>'s.</summary>
    public string? ExternalEventId { get; init; }

    /// <summary>Occurred at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Occurred at or before.</summary>
    public DateTimeOffset? To { get; init; }

    private protected override void AddFilters(QueryString query)
        => query.Add("provider", Provider).Add("status", Status).Add("eventType", EventType).Add("subject", Subject)
            .Add("externalEventId", ExternalEventId).Add("from", From).Add("to", To);
}
