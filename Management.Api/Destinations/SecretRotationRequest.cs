using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Destinations;

/// <summary>
/// The optional body of <c>POST /destinations/{id}/rotate-secret</c>: <c>{graceSeconds?, requestedBy?}</c>. For
/// <see cref="GraceSeconds"/> (default a day, at most a week) deliveries are signed with the old secret as well, so
/// receivers can switch without rejecting anything; 0 retires the old secret at once.
/// </summary>
public sealed record SecretRotationRequest(int GraceSeconds, string RequestedBy)
{
    public const int DefaultGraceSeconds = 86_400;
    public const int MaxGraceSeconds = 604_800;

    public static BodyResult<SecretRotationRequest> Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonFields.ParseObject(body);
        if (document is null)
        {
            return BodyResult<SecretRotationRequest>.Invalid(JsonFields.NotAnObject);
        }
        var fields = JsonFields.Of(document);
        int? grace = DefaultGraceSeconds;
        if (fields.TryGet("graceSeconds", out var value) && value.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            grace = fields.Integer("graceSeconds", value, 0, MaxGraceSeconds);
        }
        var requestedBy = fields.Text("requestedBy", 2, 120) ?? DestinationInput.DefaultRequestedBy;
        fields.RejectUnknown();
        return fields.IsValid && grace is { } seconds
            ? BodyResult<SecretRotationRequest>.Valid(new SecretRotationRequest(seconds, requestedBy))
            : BodyResult<SecretRotationRequest>.Invalid("Invalid request", fields.Errors);
    }
}
