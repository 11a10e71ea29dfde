using Relay.Infrastructure.Providers;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Integrations;

/// <summary>
/// How an integration body sets the way its webhooks are verified and mapped: <c>preset</c> (a
/// <see cref="ProviderPresets">preset</see>'s name), <c>verification</c> (replaces the scheme and its parameters) and
/// <c>fields</c> (changes the mapping field by field), each optional, applied in that order.
/// </summary>
public sealed record InboundProfileInput(string? Preset, VerificationSettings? Verification, FieldMappingInput? Fields)
{
    /// <summary>
    /// What the body gives; null when it gives none of the three. <paramref name="valid"/> is false when one of
    /// them was refused (the reasons are recorded), so no more is said about the profile it would make.
    /// </summary>
    public static InboundProfileInput? Read(JsonFields body, out bool valid)
    {
        var before = body.Errors.Count;
        var preset = body.Text("preset", 1, 50)?.ToLowerInvariant();
        if (preset is not null && ProviderPresets.Find(preset) is null)
        {
            body.Fail("preset", $"must be one of: {string.Join(", ", ProviderPresets.Names)}");
        }
        var verification = VerificationInput.Read(body);
        var fields = FieldMappingInput.Read(body);
        valid = body.Errors.Count == before;
        return body.Has("preset") || body.Has("verification") || body.Has("fields") ? new InboundProfileInput(preset, verification, fields) : null;
    }

    /// <summary>
    /// The profile these make of <paramref name="current"/> (an integration's own, or for a new integration the preset
    /// its provider is named after, if any): the preset replaces it, then the verification and the fields given
    /// replace their parts. Null when no verification results (nothing to start from and none given).
    /// </summary>
    public ProviderProfile? ApplyTo(ProviderProfile? current)
    {
        var start = Preset is not null ? ProviderPresets.Find(Preset) : current;
        var verification = Verification ?? start?.Verification;
        if (verification is null)
        {
            return null;
        }
        var fields = start?.Fields ?? FieldMapping.Default;
        return new ProviderProfile(verification, Fields?.ApplyTo(fields) ?? fields);
    }

    /// <summary>Why <see cref="ApplyTo"/> gave nothing, for the <c>verification</c> field.</summary>
    public static string MissingVerification { get; } =
        $"is required: name a preset ({string.Join(", ", ProviderPresets.Names)}) or give {{\"scheme\": …}} (one of: {string.Join(", ", VerificationSchemes.All)})";
}
