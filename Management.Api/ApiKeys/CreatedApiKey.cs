using Relay.Infrastructure.Security.ApiKeys;

namespace Relay.Management.Api.ApiKeys;

/// <summary>The answer to <c>POST /api-keys</c>: the key as lists show it, and <see cref="Key"/> itself, which no other answer shows.</summary>
public sealed record CreatedApiKey(Guid Id, string Prefix, string Name, string[] Scopes, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt, string Key)
{
    public static CreatedApiKey From(ApiKey key, ApiKeyToken token) =>
        new(key.Id, key.Prefix, key.Name, key.Scopes, key.CreatedAt, key.LastUsedAt, key.RevokedAt, token.Reveal());

    // A record prints its values; this one holds the key.
    public override string ToString() => $"{nameof(CreatedApiKey)} {{ Id = {Id}, Prefix = {Prefix} }}";
}
