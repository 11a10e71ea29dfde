using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Filters of the API key list (oldest first).</summary>
public sealed record ApiKeyListQuery : ListQuery
{
    /// <summary>Only keys not revoked.</summary>
    public bool? ActiveOnly { get; init; }

    private protected override void AddFilters(QueryString query)
        => query.Add("activeOnly", ActiveOnly);
}
