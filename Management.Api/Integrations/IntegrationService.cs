using System.Text.Json;
using Relay.Infrastructure.Data.Integrations;
using Relay.Infrastructure.Destinations;
using Relay.Infrastructure.Security;

namespace Relay.Management.Api.Integrations;

/// <summary>
/// Integration changes as the management routes make them: secrets encrypted before they are stored, each change
/// written with its audit entry. Ingress caches integrations for <c>Relay:Ingress:IntegrationCacheDuration</c> (5 s):
/// a deletion or a disable reaches ingest within that time, while a new integration, a new secret or an enable
/// verifies at once (a failed check re-reads the integration).
/// </summary>
public sealed class IntegrationService(IntegrationRepository integrations, SecretProtector protector, TimeProvider timeProvider)
{
    /// <summary>The audit actor when the body names none; API keys with their own identity come later.</summary>
    public const string DefaultActor = "management-api";

    /// <summary>Null, creating nothing, when the provider already has a live integration.</summary>
    public async Task<CreatedIntegration?> CreateAsync(NewIntegrationInput input, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var defaultDestinationId = Guid.CreateVersion7(now);
        var signingSecret = SigningSecrets.Generate();
        var created = await integrations.CreateAsync(new NewIntegration(
            Id: id,
            Provider: input.Provider,
            Name: input.Name,
            EncryptedSecret: protector.Protect(input.Secret, SecretPurposes.IntegrationSecret),
            CallbackUrl: input.CallbackUrl,
            IsActive: input.IsActive,
            DefaultDestinationId: defaultDestinationId,
            EncryptedSigningSecret: protector.Protect(signingSecret, SecretPurposes.DestinationSigningSecret),
            Actor: input.RequestedBy ?? DefaultActor,
            AuditDetails: Json(new { input.Provider, input.Name, input.CallbackUrl, input.IsActive, defaultDestinationId }),
            CreatedAt: now), cancellationToken);
        return created is null ? null : CreatedIntegration.From(created, defaultDestinationId, signingSecret);
    }

    /// <summary>Applies the changes, audited under <paramref name="action"/> if anything changed; null when there is no such live integration.</summary>
    public async Task<IntegrationDetail?> UpdateAsync(Guid id, IntegrationChanges changes, string action, string? requestedBy, CancellationToken cancellationToken)
    {
        var updated = await integrations.UpdateAsync(id, changes, action, requestedBy ?? DefaultActor, timeProvider.GetUtcNow(), cancellationToken);
        return updated is null ? null : IntegrationDetail.From(updated);
    }

    /// <summary>Null when there is no such live integration.</summary>
    public async Task<IntegrationDetail?> RotateSecretAsync(Guid id, SecretRotationInput input, CancellationToken cancellationToken)
    {
        // To the microsecond, as PostgreSQL stores it, so the audit entry names the instant the row holds.
        var now = timeProvider.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        var previousValidUntil = now.AddSeconds(input.GraceSeconds);
        var rotated = await integrations.RotateSecretAsync(
            id,
            protector.Protect(input.Secret, SecretPurposes.IntegrationSecret),
            previousValidUntil,
            input.RequestedBy ?? DefaultActor,
            Json(new { input.GraceSeconds, previousValidUntil }),
            now,
            cancellationToken);
        return rotated is null ? null : IntegrationDetail.From(rotated);
    }

    /// <summary>False when there is no such live integration.</summary>
    public Task<bool> DeleteAsync(Guid id, string? requestedBy, CancellationToken cancellationToken) =>
        integrations.DeleteAsync(id, requestedBy ?? DefaultActor, timeProvider.GetUtcNow(), cancellationToken);

    private static string Json(object details) => JsonSerializer.Serialize(details, JsonSerializerOptions.Web);
}
