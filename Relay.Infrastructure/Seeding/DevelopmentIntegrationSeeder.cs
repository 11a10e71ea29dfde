using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Data.Integrations;
using Relay.Infrastructure.Destinations;
using Relay.Infrastructure.Providers;
using Relay.Infrastructure.Security;

namespace Relay.Infrastructure.Seeding;

/// <summary>
/// In Development, creates the seed's <c>acme</c> and <c>globex</c> integrations with their demo secrets and
/// callback URLs pointing at the delivery sink through the gateway (<c>Relay:Seed:CallbackBaseUrl</c>), once: a seed
/// integration an operator changed or deleted stays as the operator left it.
/// </summary>
public sealed class DevelopmentIntegrationSeeder(IntegrationRepository integrations, SecretProtector protector, IConfiguration configuration, TimeProvider timeProvider, ILogger<DevelopmentIntegrationSeeder> logger) : IDatabaseSeeder
{
    private static readonly (string Provider, string Name, string Secret, ProviderProfile Profile)[] Seeds =
    [
        (ProviderPresets.Acme, "Acme Corp", "acme-demo-secret", ProviderPresets.AcmeProfile),
        (ProviderPresets.Globex, "Globex Corporation", "globex-demo-secret", ProviderPresets.GlobexProfile),
    ];

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var baseUrl = (configuration["Relay:Seed:CallbackBaseUrl"] ?? "http://127.0.0.1:8080").TrimEnd('/');
        foreach (var (provider, name, secret, profile) in Seeds)
        {
            var callbackUrl = $"{baseUrl}/api/v1/internal/delivery-sink/{provider}";
            if (await integrations.InsertIfMissingAsync(provider, name, protector.Protect(secret, SecretPurposes.IntegrationSecret), callbackUrl,
                protector.Protect(SigningSecrets.Generate(), SecretPurposes.DestinationSigningSecret), profile, timeProvider.GetUtcNow(), cancellationToken))
            {
                logger.LogInformation("Seeded development integration {Provider} -> {CallbackUrl}", provider, callbackUrl);
            }
        }
    }
}
