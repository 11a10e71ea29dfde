using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Integrations;

/// <summary>The optional body of enable, disable and delete: <c>requestedBy</c> alone, or no body at all.</summary>
public sealed record RequestedByInput(string? RequestedBy)
{
    public static BodyResult<RequestedByInput> Parse(ReadOnlyMemory<byte> body)
    {
        if (JsonBodyReader.Read(body, out var errors) is not { } reader)
        {
            return BodyResult<RequestedByInput>.Invalid(JsonBodyReader.NotAnObject, errors);
        }
        var requestedBy = IntegrationFields.RequestedBy(reader);
        return BodyResult<RequestedByInput>.From(reader, "Invalid request body", () => new RequestedByInput(requestedBy));
    }
}
