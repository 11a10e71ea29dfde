using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Integrations;

/// <summary>The body of <c>PATCH /integrations/{id}</c>: at least one of <c>name</c>, <c>callbackUrl</c>, <c>isActive</c>; and <c>requestedBy</c>.</summary>
public sealed record IntegrationPatchInput(string? Name, string? CallbackUrl, bool? IsActive, string? RequestedBy)
{
    public static BodyResult<IntegrationPatchInput> Parse(ReadOnlyMemory<byte> body)
    {
        if (JsonBodyReader.Read(body, out var errors) is not { } reader)
        {
            return BodyResult<IntegrationPatchInput>.Invalid(JsonBodyReader.NotAnObject, errors);
        }
        var name = IntegrationFields.Name(reader, required: false);
        var callbackUrl = IntegrationFields.CallbackUrl(reader, required: false);
        var isActive = reader.Boolean("isActive");
        var requestedBy = IntegrationFields.RequestedBy(reader);
        if (!reader.Has("name") && !reader.Has("callbackUrl") && !reader.Has("isActive"))
        {
            reader.Fail("body", "must give at least one of: name, callbackUrl, isActive");
        }
        return BodyResult<IntegrationPatchInput>.From(reader, "Invalid integration update",
            () => new IntegrationPatchInput(name, callbackUrl, isActive, requestedBy));
    }
}
