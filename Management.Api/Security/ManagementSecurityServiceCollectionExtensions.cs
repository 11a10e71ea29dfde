namespace Relay.Management.Api.Security;

public static class ManagementSecurityServiceCollectionExtensions
{
    /// <summary>The management key, checked once at startup, and the throttle on failed attempts. Needs <c>AddRelayRedis</c>.</summary>
    public static IHostApplicationBuilder AddManagementKeyCheck(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(ManagementApiKey.FromConfiguration(builder.Configuration));
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
