using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Infrastructure.Security;

public static class SecretPurposes
{
    public const string IntegrationSecret = "integration-secret";

    /// <summary>A destination's <c>whsec_</c> secret, with which every delivery to it is signed.</summary>
    public const string DestinationSigningSecret = "destination-signing-secret";

    /// <summary>The value of a custom header a destination sends (it may be the receiver's credential).</summary>
    public const string DestinationHeader = "destination-header";
}
