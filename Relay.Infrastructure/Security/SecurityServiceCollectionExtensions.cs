using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Relay.Infrastructure.Security;

public static class SecurityServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddRelaySecretProtection(this IHostApplicationBuilder builder)
    {
        // Built eagerly so a bad key stops the service at startup rather than at the first webhook.
        builder.Services.AddSingleton(SecretProtector.FromConfiguration(builder.Configuration, builder.Environment));
        // Only services that hold the key can seed the demo integrations, whose secrets are stored encrypted.
        builder.Services.AddSingleton<Data.Integrations.DevelopmentIntegrationSeeder>();
        return builder;
    }
}
