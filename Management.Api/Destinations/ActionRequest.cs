using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Destinations;

/// <summary>
/// The optional body of <c>POST /destinations/{id}/pause</c> and <c>/resume</c>: <c>{requestedBy?}</c>, 2-120
/// characters, default "api-user" (as for a replay). An empty body is an empty object.
/// </summary>
public sealed record ActionRequest(string RequestedBy)
{
    public static BodyResult<ActionRequest> Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonFields.ParseObject(body);
        if (document is null)
        {
            return BodyResult<ActionRequest>.Invalid(JsonFields.NotAnObject);
        }
        var fields = JsonFields.Of(document);
        var requestedBy = fields.Text("requestedBy", 2, 120) ?? DestinationInput.DefaultRequestedBy;
        fields.RejectUnknown();
        return fields.IsValid
            ? BodyResult<ActionRequest>.Valid(new ActionRequest(requestedBy))
            : BodyResult<ActionRequest>.Invalid("Invalid request", fields.Errors);
    }
}
