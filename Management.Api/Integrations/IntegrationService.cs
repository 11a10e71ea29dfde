using System.Text.Json;
using Relay.Infrastructure.Data.Integrations;
using Relay.Infrastructure.Destinations;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Providers;
using Relay.Infrastructure.Security;
using Relay.Management.Api.Destinations;

namespace Relay.Management.Api.Integrations;

/// <summary>
/// Integration changes as the management routes make them: secrets encrypted before they are stored, each change
/// written with its audit entry. Ingress caches integrations for <c>Relay:Ingress:IntegrationCacheDuration</c> (5 s):
/// a deletion or a disable reaches ingest within that time, while a new integration, a new secret, a new scheme or an
/// enable verifies at once (a failed check re-reads the integration); a changed field mapping applies within that time.
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
        var profile = input.Profile;
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
            AuditDetails: Json(new { input.Provider, input.Name, input.CallbackUrl, input.IsActive, defaultDestinationId, preset = ProviderPresets.NameOf(profile), scheme = profile.Verification.Scheme }),
            CreatedAt: now,
            Profile: profile), cancellationToken);
        return created is null ? null : CreatedIntegration.From(created, defaultDestinationId, signingSecret, profile);
    }

    /// <summary>Applies the changes, audited under <paramref name="action"/> if anything changed; null when there is no such live integration.</summary>
    public async Task<IntegrationDetail?> UpdateAsync(Guid id, IntegrationChanges changes, string action, string? requestedBy, CancellationToken cancellationToken)
    {
        var updated = await integrations.UpdateAsync(id, changes, action, requestedBy ?? DefaultActor, timeProvider.GetUtcNow(), cancellationToken);
        return updated is null ? null : IntegrationDetail.From(updated);
    }

    /// <summary>
    /// Applies a PATCH: its verification and field changes on top of the integration's current profile (read first;
    /// a concurrent PATCH of the profile may be overwritten by the later one), audited as <c>integration.updated</c>.
    /// </summary>
    public async Task<Outcome<IntegrationDetail>> PatchAsync(Guid id, IntegrationPatchInput patch, CancellationToken cancellationToken)
    {
        ProviderProfile? profile = null;
        if (patch.Inbound is { } inbound)
        {
            if (await integrations.FindByIdAsync(id, cancellationToken) is not { } current)
            {
                return NotFound();
            }
            profile = inbound.ApplyTo(current.Profile);
            if (profile is null)
            {
                return Invalid("verification", InboundProfileInput.MissingVerification);
            }
            var secret = protector.Unprotect(current.EncryptedSecret, SecretPurposes.IntegrationSecret);
            if (IntegrationFields.SecretProblem(secret, profile) is not null)
            {
                return Invalid("verification.scheme",
                    "needs a Standard Webhooks secret (whsec_ followed by base64): rotate the integration's secret to one first (POST /api/v1/integrations/{id}/secret)");
            }
        }
        var updated = await integrations.UpdateAsync(id, new IntegrationChanges(patch.Name, patch.CallbackUrl, patch.IsActive, profile),
            IntegrationAuditActions.Updated, patch.RequestedBy ?? DefaultActor, timeProvider.GetUtcNow(), cancellationToken);
        return updated is null ? NotFound() : IntegrationDetail.From(updated);
    }

    /// <summary>Replaces the inbound secret, once it is one the integration's scheme can verify with.</summary>
    public async Task<Outcome<IntegrationDetail>> RotateSecretAsync(Guid id, SecretRotationInput input, CancellationToken cancellationToken)
    {
        if (await integrations.FindByIdAsync(id, cancellationToken) is not { } current)
        {
            return NotFound();
        }
        if (current.Profile is { } currentProfile && IntegrationFields.SecretProblem(input.Secret, currentProfile) is { } problem)
        {
            return ApiError.Validation("Invalid secret rotation", new Dictionary<string, string> { ["secret"] = problem });
        }
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
        return rotated is null ? NotFound() : IntegrationDetail.From(rotated);
    }

    /// <summary>False when there is no such live integration.</summary>
    public Task<bool> DeleteAsync(Guid id, string? requestedBy, CancellationToken cancellationToken) =>
        integrations.DeleteAsync(id, requestedBy ?? DefaultActor, timeProvider.GetUtcNow(), cancellationToken);

    private static string Json(object details) => JsonSerializer.Serialize(details, JsonSerializerOptions.Web);

    private static ApiError NotFound() => ApiError.NotFound("Integration not found");

    private static ApiError Invalid(string field, string problem) =>
        ApiError.Validation("Invalid integration update", new Dictionary<string, string> { [field] = problem });
}
