using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Filters of the bulk replay list (newest first).</summary>
public sealed record BulkReplayListQuery : ListQuery
{
    /// <summary>The job's status.</summary>
    public string? Status { get; init; }

    private protected override void AddFilters(QueryString query)
        => query.Add("status", Status);
}
