using System.Text.RegularExpressions;
using Relay.Infrastructure.Providers;
using Relay.Management.Api.Requests;
using Relay.Webhooks;

namespace Relay.Management.Api.Integrations;

/// <summary>The fields of an integration as the management routes accept them.</summary>
public static partial class IntegrationFields
{
    public const int MaxNameLength = 200;
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 500;
    public const int MaxCallbackUrlLength = 2000;

    // What ingest accepts in /api/v1/webhooks/{provider}: an integration under any other name could never be called.
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{1,49}$")]
    private static partial Regex ProviderNamePattern();

    /// <summary>
    /// The name webhooks are posted under (<c>/api/v1/webhooks/{provider}</c>), lower-cased as ingest reads provider
    /// keys. Any name will do; a preset's name also chooses that preset unless the body configures another.
    /// </summary>
    public static string? Provider(JsonFields body)
    {
        var provider = body.Text("provider", 1, 50, required: true)?.ToLowerInvariant();
        if (provider is not null && !ProviderNamePattern().IsMatch(provider))
        {
            body.Fail("provider", "must be 2-50 characters: letters, digits, '-' or '_', starting with a letter or digit");
            return null;
        }
        return provider;
    }

    /// <summary>
    /// Null when <paramref name="secret"/> can verify webhooks under <paramref name="profile"/>, else why not: Standard
    /// Webhooks signs with the base64-decoded key of a <c>whsec_</c> secret (the prefix is required here, though the
    /// libraries also take bare base64, so that a plain password is never read as base64 by accident). The message
    /// never quotes the secret.
    /// </summary>
    public static string? SecretProblem(string secret, ProviderProfile profile) =>
        profile.Verification.Scheme == VerificationSchemes.StandardWebhooks
            && !(secret.StartsWith(WebhookSecret.Prefix, StringComparison.Ordinal) && WebhookSecret.TryParse(secret, out _))
            ? "must be a Standard Webhooks secret for the standard-webhooks scheme: whsec_ followed by base64"
            : null;

    public static string? Name(JsonFields body, bool required) => body.Text("name", 1, MaxNameLength, required);

    /// <summary>The inbound secret webhooks are verified with; accepted, stored encrypted, never returned.</summary>
    public static string? Secret(JsonFields body) => body.Secret("secret", MinSecretLength, MaxSecretLength, required: true);

    /// <summary>
    /// An absolute http(s) URL without credentials in it (the URL is returned by the list route, a secret never is).
    /// Whether its host may be called is <see cref="CallbackUrlCheck"/>'s to say.
    /// </summary>
    public static string? CallbackUrl(JsonFields body, bool required)
    {
        var value = body.Text("callbackUrl", 1, MaxCallbackUrlLength, required);
        if (value is null)
        {
            return null;
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.IdnHost.Length == 0)
        {
            body.Fail("callbackUrl", "must be an absolute http or https URL");
            return null;
        }
        if (uri.UserInfo.Length > 0)
        {
            body.Fail("callbackUrl", "must not carry credentials (user:password@)");
            return null;
        }
        return value;
    }

    /// <summary>Who asks, for the audit trail (as the replay route takes it); <see cref="IntegrationService.DefaultActor"/> when not given.</summary>
    public static string? RequestedBy(JsonFields body) => body.Text("requestedBy", 2, 120);
}
