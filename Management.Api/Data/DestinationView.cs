using Relay.Management.Api.Destinations;

namespace Relay.Management.Api.Data;

/// <summary>
/// A destination as the management routes answer it. <typeparamref name="TSigningSecret"/> is
/// <see cref="SigningSecretView"/> everywhere but in the answer to its creation, where it is the secret itself
/// (a string), shown that once. Header values are never answered, only their names.
/// </summary>
/// <param name="Url">The default destination's is its integration's callback URL, which it follows.</param>
/// <param name="EventTypes">The event type patterns it takes; empty for every type.</param>
/// <param name="Status"><see cref="DestinationStatus"/>: enabled, paused or disabled.</param>
/// <param name="Disabled">The automatic disable in force, if any.</param>
public sealed record DestinationView<TSigningSecret>(
    Guid Id,
    Guid IntegrationId,
    bool IsDefault,
    string Url,
    string? Description,
    IReadOnlyList<string> EventTypes,
    string? PayloadFilter,
    IReadOnlyList<string> HeaderNames,
    int? TimeoutSeconds,
    RetryPolicy? RetryPolicy,
    int? RateLimitPerSecond,
    string Status,
    DestinationDisabledView? Disabled,
    DestinationHealthView Health,
    TSigningSecret SigningSecret,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public DestinationView<T> WithSigningSecret<T>(T signingSecret) => new(
        Id, IntegrationId, IsDefault, Url, Description, EventTypes, PayloadFilter, HeaderNames, TimeoutSeconds, RetryPolicy,
        RateLimitPerSecond, Status, Disabled, Health, signingSecret, CreatedAt, UpdatedAt);
}
