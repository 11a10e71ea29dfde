using Relay.Infrastructure.Providers;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Integrations;

/// <summary>
/// The body of <c>POST /integrations</c>: <c>provider</c>, <c>name</c>, <c>secret</c>, <c>callbackUrl</c>,
/// <c>isActive</c> (default true), <c>requestedBy</c>, and how its webhooks are verified and mapped
/// (<see cref="Inbound"/>: <c>preset</c>, <c>verification</c>, <c>fields</c>; null when the provider's name is a
/// preset's and the body says nothing else).
/// </summary>
public sealed record NewIntegrationInput(string Provider, string Name, string Secret, string CallbackUrl, bool IsActive, string? RequestedBy, InboundProfileInput? Inbound = null)
{
    /// <summary>How the new integration's webhooks are verified and mapped (parsing made sure there is one).</summary>
    public ProviderProfile Profile => ProfileOf(Provider, Inbound)!;

    public static BodyResult<NewIntegrationInput> Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonFields.ParseObject(body);
        if (JsonFields.OfWholeBody(document, out var errors) is not { } fields)
        {
            return BodyResult<NewIntegrationInput>.Invalid(JsonFields.NotAnObject, errors);
        }
        var provider = IntegrationFields.Provider(fields);
        var name = IntegrationFields.Name(fields, required: true);
        var secret = IntegrationFields.Secret(fields);
        var callbackUrl = IntegrationFields.CallbackUrl(fields, required: true);
        var isActive = fields.Boolean("isActive") ?? true;
        var requestedBy = IntegrationFields.RequestedBy(fields);
        var inbound = InboundProfileInput.Read(fields, out var inboundValid);
        if (provider is not null && inboundValid)
        {
            if (ProfileOf(provider, inbound) is not { } profile)
            {
                if (inbound is null)
                {
                    fields.Fail("provider", $"is not a preset ({string.Join(", ", ProviderPresets.Names)}): give \"preset\", or \"verification\" and \"fields\"");
                }
                else
                {
                    fields.Fail("verification", InboundProfileInput.MissingVerification);
                }
            }
            else if (secret is not null && IntegrationFields.SecretProblem(secret, profile) is { } problem)
            {
                fields.Fail("secret", problem);
            }
        }
        return BodyResult<NewIntegrationInput>.From(fields, "Invalid integration",
            () => new NewIntegrationInput(provider!, name!, secret!, callbackUrl!, isActive, requestedBy, inbound));
    }

    /// <summary>What the body configures on top of the preset the provider is named after, if any.</summary>
    private static ProviderProfile? ProfileOf(string provider, InboundProfileInput? inbound) =>
        inbound is null ? ProviderPresets.Find(provider) : inbound.ApplyTo(ProviderPresets.Find(provider));

    // A record prints its values; this one holds a secret.
    public override string ToString() => $"{nameof(NewIntegrationInput)} {{ Provider = {Provider}, Name = {Name} }}";
}
