using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Filters of the delivery attempts list (newest first).</summary>
public sealed record DeliveryListQuery : ListQuery
{
    /// <summary>The attempt's status.</summary>
    public string? Status { get; init; }

    /// <summary>The event's id.</summary>
    public Guid? EventId { get; init; }

    /// <summary>The provider's name.</summary>
    public string? Provider { get; init; }

    /// <summary>Made at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Made at or before.</summary>
    public DateTimeOffset? To { get; init; }

    private protected override void AddFilters(QueryString query)
        => query.Add("status", Status).Add("eventId", EventId).Add("provider", Provider).Add("from", From).Add("to", To);
}
