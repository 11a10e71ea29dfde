using Microsoft.Extensions.Configuration;

namespace Relay.Infrastructure.Security.ApiKeys;

/// <summary>
/// The configured management key (<c>Relay:ManagementApiKey</c>): the bootstrap admin, with every scope, so there is
/// always a way in to create the first API keys. It is no row of <c>api_keys</c> and cannot be revoked; replace it
/// in the configuration instead.
/// </summary>
public sealed class BootstrapApiKey
{
    public const string ConfigurationKey = "Relay:ManagementApiKey";
    public const int MinimumLength = 16;

    private readonly string key;

    public BootstrapApiKey(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length < MinimumLength)
        {
            throw new ArgumentException($"The bootstrap key must be at least {MinimumLength} characters.", nameof(key));
        }
        this.key = key;
    }

    public static bool IsUsable(string? key) => !string.IsNullOrWhiteSpace(key) && key.Length >= MinimumLength;

    /// <summary>
    /// The configured key, or null where none is configured (a service that takes API keys only). A key that is set
    /// but too short stops the service: a guessable key would open every route.
    /// </summary>
    public static BootstrapApiKey? FromConfigurationIfSet(IConfiguration configuration)
    {
        var key = configuration[ConfigurationKey];
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }
        return IsUsable(key)
            ? new BootstrapApiKey(key)
            : throw new InvalidOperationException(
                $"{ConfigurationKey} must be a key of at least {MinimumLength} characters (environment variable Relay__ManagementApiKey), or not set at all.");
    }

    public bool Matches(string presented) => ConstantTime.Equals(presented, key);

    public override string ToString() => nameof(BootstrapApiKey);
}
