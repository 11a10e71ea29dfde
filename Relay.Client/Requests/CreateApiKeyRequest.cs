namespace Relay.Client;

/// <summary>A new API key with a name and scopes (read, write, replay, admin).</summary>
public sealed record CreateApiKeyRequest(string Name, IReadOnlyList<string> Scopes);
