using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Relay.Infrastructure.Security;

public static class SecurityServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddRelaySecretProtection(this IHostApplicationBuilder builder)
    {
        // Built eagerly so a bad key stops the service at startup rather than at the first webhook.
        builder.Services.AddSingleton(SecretProtector.FromConfiguration(builder.Configuration, builder.Environment));
        return builder;
    }
}
