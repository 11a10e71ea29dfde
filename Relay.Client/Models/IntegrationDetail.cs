using System.Text.Json;

namespace Relay.Client;

/// <summary>One integration: the list's fields, the state of its inbound secret, its default destination and how its webhooks are verified (<c>verification</c>) and mapped (<c>fields</c>). Never a secret.</summary>
public sealed record IntegrationDetail(
    Guid Id, string Provider, string Name, string CallbackUrl, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    SecretState InboundSecret, Guid? DefaultDestinationId, string? Preset, VerificationSettings? Verification, JsonElement? Fields);
