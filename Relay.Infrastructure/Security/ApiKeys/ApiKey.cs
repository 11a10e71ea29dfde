namespace Relay.Infrastructure.Security.ApiKeys;

/// <summary>A stored API key as the management routes show it: never its secret, nor the secret's hash.</summary>
public sealed record ApiKey
{
    public Guid Id { get; init; }

    /// <summary><c>rly_</c> and the id's hex digits: how the key begins, to recognise it in a log or a leak.</summary>
    public string Prefix { get; init; } = "";

    public string Name { get; init; } = "";

    public string[] Scopes { get; init; } = [];

    public DateTime CreatedAt { get; init; }

    /// <summary>Written at most about once a minute per key and process, so up to that much behind.</summary>
    public DateTime? LastUsedAt { get; init; }

    public DateTime? RevokedAt { get; init; }
}
