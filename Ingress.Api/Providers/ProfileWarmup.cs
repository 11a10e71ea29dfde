using Relay.Infrastructure.Providers;

namespace Relay.Ingress.Api.Providers;

/// <summary>
/// Reads and prepares every preset once at start-up, as ingest reads an integration's profile from its columns, so
/// the first webhook does not pay for the JSON serializer's and the verifiers' first use (100-200 ms on a cold process).
/// </summary>
public sealed class ProfileWarmup(TimeProvider timeProvider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var name in ProviderPresets.Names)
        {
            var preset = ProviderPresets.Find(name)!;
            var read = ProviderProfile.FromColumns(preset.VerificationJson, preset.FieldsJson);
            _ = read is null ? null : WebhookProfile.Create(name, read, timeProvider, out _)?.CreateVerifier("warm-up-secret-0123456789");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
