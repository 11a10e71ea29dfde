using System.Text.Json;

namespace Relay.Client;

/// <summary>The answer to creating an integration: it, and its default destination with that destination's signing secret, shown this once.</summary>
public sealed record CreatedIntegration(
    Guid Id, string Provider, string Name, string CallbackUrl, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    CreatedDefaultDestination DefaultDestination, string? Preset, VerificationSettings Verification, JsonElement Fields);
