using Relay.Client.Http;

namespace Relay.Client;

/// <summary>
/// What the live stream sends: the event list's filters that hold from the moment an event is accepted, and
/// <see cref="Since"/> (on the received time) for a stream that starts in the past.
/// </summary>
public sealed record EventStreamQuery
{
    /// <summary>The provider's name.</summary>
    public string? Provider { get; init; }

    /// <summary>The event type.</summary>
    public string? EventType { get; init; }

    /// <summary>The event's subject.</summary>
    public string? Subject { get; init; }

    /// <summary>Occurred at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Occurred at or before.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Start with the events received since then, instead of now.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The query string; <c>since</c> only for a stream that does not resume, where the position wins anyway.</summary>
    internal QueryString ToQueryString(bool resuming) => new QueryString()
        .Add("provider", Provider).Add("eventType", EventType).Add("subject", Subject).Add("from", From).Add("to", To)
        .Add("since", resuming ? null : Since);
}
