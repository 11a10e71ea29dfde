using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Relay.Infrastructure.Security.ApiKeys;

public static class ApiKeyServiceCollectionExtensions
{
    /// <summary>
    /// Checking API keys (and the bootstrap key, when <paramref name="bootstrap"/> is given): the repository, the
    /// per-process cache of looked-up keys and the background writer of <c>last_used_at</c>. Needs <c>AddRelayDatabase</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRelayApiKeys(this IHostApplicationBuilder builder, BootstrapApiKey? bootstrap)
    {
        builder.Services.AddOptions<ApiKeyOptions>()
            .BindConfiguration(ApiKeyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (bootstrap is not null)
        {
            builder.Services.AddSingleton(bootstrap);
        }
        builder.Services.AddMemoryCache();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ApiKeyRepository>();
        builder.Services.AddSingleton<ApiKeyUsage>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ApiKeyUsage>());
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        return builder;
    }
}
