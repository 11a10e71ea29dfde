using System.Text.Json.Serialization;

namespace Relay.Infrastructure.Providers;

/// <summary>
/// How one integration's webhooks are verified: a <see cref="VerificationSchemes">scheme</see> and the parameters it
/// takes (the others are null). Stored in <c>integrations.verification</c> and shown by the management routes as is;
/// the secret it verifies with is the integration's own and is never part of it.
/// </summary>
public sealed record VerificationSettings(
    string Scheme,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Header = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Prefix = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ToleranceSeconds = null);
