namespace Relay.Client;

/// <summary>
/// The key a client is calling with and the scopes it amounts to (all four for an admin key). <see cref="Name"/> and
/// <see cref="Prefix"/> are null for the configured management key, whose <see cref="KeyId"/> is <c>bootstrap</c>.
/// </summary>
public sealed record CurrentApiKey(string KeyId, IReadOnlyList<string> Scopes, string? Name, string? Prefix);
