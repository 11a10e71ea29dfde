using Relay.Infrastructure.Security.ApiKeys;

namespace Relay.Management.Api.Security;

public static class ManagementSecurityServiceCollectionExtensions
{
    /// <summary>
    /// The management key, checked once at startup, the API keys it bootstraps, and the throttle on failed attempts.
    /// Needs <c>AddRelayRedis</c> and <c>AddRelayDatabase</c>.
    /// </summary>
    public static IHostApplicationBuilder AddManagementKeyCheck(this IHostApplicationBuilder builder)
    {
        var managementKey = ManagementApiKey.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(managementKey);
        builder.AddRelayApiKeys(managementKey.Bootstrap);
        builder.Services.AddOptions<ManagementKeyThrottleOptions>()
            .BindConfiguration(ManagementKeyThrottleOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IAuthFailureCounter, RedisAuthFailureCounter>();
        builder.Services.AddSingleton<MemoryAuthFailureCounter>();
        builder.Services.AddSingleton<ManagementAuthTelemetry>();
        builder.Services.AddSingleton<ManagementKeyThrottle>();
        return builder;
    }
}
