namespace Relay.Client;

/// <summary>A destination: where an integration's events are delivered, its filters, retry policy, status (enabled, paused, disabled) and health. Header values are never answered, only their names.</summary>
public sealed record Destination(
    Guid Id, Guid IntegrationId, bool IsDefault, string Url, string? Description, IReadOnlyList<string> EventTypes, string? PayloadFilter,
    IReadOnlyList<string> HeaderNames, int? TimeoutSeconds, RetryPolicy? RetryPolicy, int? RateLimitPerSecond, string Status,
    DestinationDisable? Disabled, DestinationHealth Health, SecretState SigningSecret, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
