using System.Text.Json;
using Relay.Infrastructure.Providers;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Integrations;

/// <summary>
/// The <c>verification</c> object of an integration body: <c>scheme</c> and the parameters that scheme takes
/// (<c>header</c>, <c>prefix</c>, <c>toleranceSeconds</c>), with each default filled in, so the settings stored are the
/// settings shown. A parameter the scheme does not take is refused by name.
/// </summary>
public static class VerificationInput
{
    public const int MaxPrefixLength = 50;

    /// <summary>The settings, or null when the body gives none (or they are invalid, with the reasons recorded).</summary>
    public static VerificationSettings? Read(JsonFields body)
    {
        if (!body.TryGet("verification", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            body.Fail("verification", $"must be an object such as {{\"scheme\": \"hmac-sha256-hex\", \"header\": \"x-signature\"}}");
            return null;
        }
        var before = body.Errors.Count;
        var settings = body.Nested("verification", element);
        var scheme = settings.Text("scheme", 1, 50, required: true);
        if (scheme is null)
        {
            return null;
        }
        if (!VerificationSchemes.All.Contains(scheme))
        {
            settings.Fail("scheme", $"must be one of: {string.Join(", ", VerificationSchemes.All)}");
            return null;
        }

        string? header = null;
        if (VerificationSchemes.TakesHeader(scheme))
        {
            header = settings.Text("header", 1, ProviderHeaders.MaxNameLength) ?? VerificationSchemes.DefaultHeader(scheme);
            if (header is null)
            {
                settings.Fail("header", $"is required for the {scheme} scheme: the header the credential comes in");
            }
            else if (ProviderHeaders.Problem(header) is { } problem)
            {
                settings.Fail("header", problem);
                header = null;
            }
        }
        var prefix = VerificationSchemes.TakesPrefix(scheme) ? Prefix(settings) : null;
        var tolerance = VerificationSchemes.TakesTolerance(scheme)
            ? settings.Integer("toleranceSeconds", 1, VerificationSchemes.MaxToleranceSeconds) ?? VerificationSchemes.DefaultToleranceSeconds
            : (int?)null;
        settings.RejectUnknown();
        return body.Errors.Count == before ? new VerificationSettings(scheme, header, prefix, tolerance) : null;
    }

    /// <summary>Text the header value starts with before the credential (e.g. <c>Bearer </c>), taken exactly, spaces included.</summary>
    private static string Prefix(JsonFields settings)
    {
        if (!settings.TryGet("prefix", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return "";
        }
        var prefix = settings.String("prefix", value);
        if (prefix is not null && (prefix.Length > MaxPrefixLength || !prefix.All(c => c is >= ' ' and <= '~')))
        {
            settings.Fail("prefix", $"must be at most {MaxPrefixLength} printable ASCII characters");
        }
        return prefix ?? "";
    }
}
