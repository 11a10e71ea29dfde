using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Filters of a destination's delivery attempts (newest first).</summary>
public sealed record DestinationAttemptListQuery : ListQuery
{
    /// <summary>The attempt's status.</summary>
    public string? Status { get; init; }

    private protected override void AddFilters(QueryString query)
        => query.Add("status", Status);
}
