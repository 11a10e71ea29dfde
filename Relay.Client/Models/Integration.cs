namespace Relay.Client;

/// <summary>An integration as the list shows it; the webhook secret never leaves Relay.</summary>
public sealed record Integration(Guid Id, string Provider, string Name, string CallbackUrl, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
