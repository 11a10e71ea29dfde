using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Relay.Infrastructure.Data;

namespace Relay.Infrastructure.Seeding;

public static class SeedingServiceCollectionExtensions
{
    /// <summary>
    /// The demo integrations, seeded after the migrations in Development. Only for services that hold the
    /// encryption key (<c>AddRelaySecretProtection</c>): the integrations' secrets are stored encrypted.
    /// </summary>
    public static IHostApplicationBuilder AddRelayDevelopmentSeeding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IDatabaseSeeder, DevelopmentIntegrationSeeder>();
        return builder;
    }
}
