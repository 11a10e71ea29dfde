using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Integrations;

/// <summary>The optional body of enable, disable and delete: <c>requestedBy</c> alone, or no body at all.</summary>
public sealed record RequestedByInput(string? RequestedBy)
{
    public static BodyResult<RequestedByInput> Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonFields.ParseObject(body);
        if (JsonFields.OfWholeBody(document, out var errors) is not { } fields)
        {
            return BodyResult<RequestedByInput>.Invalid(JsonFields.NotAnObject, errors);
        }
        var requestedBy = IntegrationFields.RequestedBy(fields);
        return BodyResult<RequestedByInput>.From(fields, "Invalid request body", () => new RequestedByInput(requestedBy));
    }
}
