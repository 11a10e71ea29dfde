namespace Relay.Client;

/// <summary>A new API key with the key itself (<c>rly_…</c>), which no other answer shows.</summary>
public sealed record CreatedApiKey(
    Guid Id, string Prefix, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string Key)
{
    // A record prints its values; this one holds the key.
    /// <inheritdoc />
    public override string ToString() => $"{nameof(CreatedApiKey)} {{ Id = {Id}, Prefix = {Prefix} }}";
}
