using Relay.Infrastructure.Security.ApiKeys;

namespace Relay.Management.Api.ApiKeys;

/// <summary>
/// The answer to <c>GET /me</c>: the key the request was made with and the scopes it amounts to (all four for an admin
/// key), so a client can offer only what the key may do. <see cref="Name"/> and <see cref="Prefix"/> are null for the
/// configured management key (<see cref="ApiKeyClaims.BootstrapKeyId"/>), which is no row of <c>api_keys</c>.
/// </summary>
public sealed record CurrentApiKey(string KeyId, IReadOnlyList<string> Scopes, string? Name, string? Prefix);
