using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Infrastructure.Security;

public static class SecretPurposes
{
    public const string IntegrationSecret = "integration-secret";

    /// <summary>A destination's <c>whsec_</c> secret, with which every delivery to it is signed.</summary>
    public const string DestinationSigningSecret = "destination-signing-secret";

    /// <summary>
    /// The value of a custom header sent with every delivery to a destination (often the receiver's own credential),
    /// stored as <c>{"Name": "v1:..."}</c> in <c>destinations.headers</c>.
    /// </summary>
    public const string DestinationHeader = "destination-header";
}
