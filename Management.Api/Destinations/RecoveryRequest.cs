using System.Globalization;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Destinations;

/// <summary>
/// The body of <c>POST /destinations/{id}/recover</c>: <c>{since, requestedBy?}</c>. <c>since</c> is an ISO 8601 time
/// with an offset, not in the future: every delivery to the destination made since then that failed is sent again.
/// </summary>
public sealed record RecoveryRequest(DateTimeOffset Since, string RequestedBy)
{
    public static BodyResult<RecoveryRequest> Parse(ReadOnlyMemory<byte> body, DateTimeOffset now)
    {
        using var document = JsonFields.ParseObject(body);
        if (document is null)
        {
            return BodyResult<RecoveryRequest>.Invalid(JsonFields.NotAnObject);
        }
        var fields = JsonFields.Of(document);
        DateTimeOffset? since = null;
        if (!fields.TryGet("since", out var value))
        {
            fields.Fail("since", "is required (an ISO 8601 time, e.g. 2026-11-30T12:00:00Z)");
        }
        else if (fields.String("since", value) is { } text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                fields.Fail("since", "must be an ISO 8601 time, e.g. 2026-11-30T12:00:00Z");
            }
            else if (parsed > now)
            {
                fields.Fail("since", "must not be in the future");
            }
            else
            {
                since = parsed;
            }
        }
        var requestedBy = fields.Text("requestedBy", 2, 120) ?? DestinationInput.DefaultRequestedBy;
        fields.RejectUnknown();
        return fields.IsValid && since is { } start
            ? BodyResult<RecoveryRequest>.Valid(new RecoveryRequest(start, requestedBy))
            : BodyResult<RecoveryRequest>.Invalid("Invalid recovery request", fields.Errors);
    }
}
