namespace Relay.Client;

/// <summary>The answer to creating a destination: the destination with its signing secret (<c>whsec_…</c>), shown this once.</summary>
public sealed record CreatedDestination(
    Guid Id, Guid IntegrationId, bool IsDefault, string Url, string? Description, IReadOnlyList<string> EventTypes, string? PayloadFilter,
    IReadOnlyList<string> HeaderNames, int? TimeoutSeconds, RetryPolicy? RetryPolicy, int? RateLimitPerSecond, string Status,
    DestinationDisable? Disabled, DestinationHealth Health, string SigningSecret, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    // A record prints its values; this one holds a secret.
    /// <inheritdoc />
    public override string ToString() => $"{nameof(CreatedDestination)} {{ Id = {Id}, Url = {Url} }}";
}
