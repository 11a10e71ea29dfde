namespace Relay.Client;

/// <summary>An API key as Relay shows it: never its secret.</summary>
public sealed record ApiKey(Guid Id, string Prefix, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
