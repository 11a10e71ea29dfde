using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Integrations;

/// <summary>The body of <c>PATCH /integrations/{id}</c>: at least one of <c>name</c>, <c>callbackUrl</c>, <c>isActive</c>; and <c>requestedBy</c>.</summary>
public sealed record IntegrationPatchInput(string? Name, string? CallbackUrl, bool? IsActive, string? RequestedBy)
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
        if (!fields.Has("name") && !fields.Has("callbackUrl") && !fields.Has("isActive"))
        {
            fields.Fail("body", "must give at least one of: name, callbackUrl, isActive");
        }
        return BodyResult<IntegrationPatchInput>.From(fields, "Invalid integration update",
            () => new IntegrationPatchInput(name, callbackUrl, isActive, requestedBy));
    }
}
