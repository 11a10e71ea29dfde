using System.Security.Cryptography;

namespace Relay.Infrastructure.Destinations;

/// <summary>Destination signing secrets in the Standard Webhooks form: <c>whsec_</c> and 32 random bytes in base64.</summary>
public static class SigningSecrets
{
    public const string Prefix = "whsec_";

    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
