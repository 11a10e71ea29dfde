using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Integrations;

/// <summary>
/// The body of <c>PATCH /integrations/{id}</c>: at least one of <c>name</c>, <c>callbackUrl</c>, <c>isActive</c>,
/// <c>preset</c>, <c>verification</c>, <c>fields</c> (the last three in <see cref="Inbound"/>); and <c>requestedBy</c>.
/// </summary>
public sealed record IntegrationPatchInput(string? Name, string? CallbackUrl, bool? IsActive, string? RequestedBy, InboundProfileInput? Inbound = null)
{
    public static BodyResult<IntegrationPatchInput> Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonFields.ParseObject(body);
        if (JsonFields.OfWholeBody(document, out var errors) is not { } fields)
        {
            return BodyResult<IntegrationPatchInput>.Invalid(JsonFields.NotAnObject, errors);
        }
        var name = IntegrationFields.Name(fields, required: false);
        var callbackUrl = IntegrationFields.CallbackUrl(fields, required: false);
        var isActive = fields.Boolean("isActive");
        var requestedBy = IntegrationFields.RequestedBy(fields);
        var inbound = InboundProfileInput.Read(fields, out _);
        if (!fields.Has("name") && !fields.Has("callbackUrl") && !fields.Has("isActive") && inbound is null)
        {
            fields.Fail("body", "must give at least one of: name, callbackUrl, isActive, preset, verification, fields");
        }
        return BodyResult<IntegrationPatchInput>.From(fields, "Invalid integration update",
            () => new IntegrationPatchInput(name, callbackUrl, isActive, requestedBy, inbound));
    }
}
