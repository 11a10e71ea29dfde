using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Filters of the integration list.</summary>
public sealed record IntegrationListQuery : ListQuery
{
    /// <summary>The provider's name.</summary>
    public string? Provider { get; init; }

    /// <summary>Only active integrations.</summary>
    public bool? ActiveOnly { get; init; }

    private protected override void AddFilters(QueryString query)
        => query.Add("provider", Provider).Add("activeOnly", ActiveOnly);
}
