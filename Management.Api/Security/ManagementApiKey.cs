using Microsoft.Extensions.Primitives;
using Relay.Infrastructure.Security;

namespace Relay.Management.Api.Security;

/// <summary>The configured management key (<c>Relay:ManagementApiKey</c>), checked once at startup.</summary>
public sealed class ManagementApiKey
{
    public const string ConfigurationKey = "Relay:ManagementApiKey";
    public const string HeaderName = "x-internal-api-key";
    public const int MinimumLength = 16;

    private readonly string key;

    private ManagementApiKey(string key) => this.key = key;

    /// <summary>Refuses a missing or short key in every environment: a guessable key would open every management route.</summary>
    public static ManagementApiKey FromConfiguration(IConfiguration configuration)
    {
        var key = configuration[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(key) || key.Length < MinimumLength)
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} must be set to a key of at least {MinimumLength} characters " +
                $"(environment variable Relay__ManagementApiKey); Management.Api will not start without it.");
        }
        return new ManagementApiKey(key);
    }

    public bool Matches(StringValues header) => header.Count == 1 && ConstantTime.Equals(header[0], key);
}
