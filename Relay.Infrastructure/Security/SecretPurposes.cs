using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Infrastructure.Security;

public static class SecretPurposes
{
    public const string IntegrationSecret = "integration-secret";
}
