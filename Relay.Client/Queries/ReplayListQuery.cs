using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Filters of the replay request list (newest first).</summary>
public sealed record ReplayListQuery : ListQuery
{
    /// <summary>The replayed event's id.</summary>
    public Guid? EventId { get; init; }

    /// <summary>The request's status.</summary>
    public string? Status { get; init; }

    /// <summary>Who asked.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Created at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Created at or before.</summary>
    public DateTimeOffset? To { get; init; }

    private protected override void AddFilters(QueryString query)
        => query.Add("eventId", EventId).Add("status", Status).Add("requestedBy", RequestedBy).Add("from", From).Add("to", To);
}
