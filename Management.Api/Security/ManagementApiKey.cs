using Microsoft.Extensions.Primitives;
using Relay.Infrastructure.Security.ApiKeys;

namespace Relay.Management.Api.Security;

/// <summary>
/// The configured management key (<c>Relay:ManagementApiKey</c>), checked once at startup: required here, it is the
/// bootstrap admin (<see cref="Bootstrap"/>) that creates the first API keys.
/// </summary>
public sealed class ManagementApiKey
{
    public const string ConfigurationKey = BootstrapApiKey.ConfigurationKey;
    public const string HeaderName = ApiKeyAuthenticator.HeaderName;
    public const int MinimumLength = BootstrapApiKey.MinimumLength;

    private ManagementApiKey(string key) => Bootstrap = new BootstrapApiKey(key);

    public BootstrapApiKey Bootstrap { get; }

    /// <summary>Refuses a missing or short key in every environment: a guessable key would open every management route.</summary>
    public static ManagementApiKey FromConfiguration(IConfiguration configuration)
    {
        var key = configuration[ConfigurationKey];
        if (!BootstrapApiKey.IsUsable(key))
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} must be set to a key of at least {MinimumLength} characters " +
                $"(environment variable Relay__ManagementApiKey); Management.Api will not start without it.");
        }
        return new ManagementApiKey(key!);
    }

    public bool Matches(StringValues header) => header.Count == 1 && header[0] is { } value && Bootstrap.Matches(value);
}
