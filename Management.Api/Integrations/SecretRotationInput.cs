using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Integrations;

/// <summary>
/// The body of <c>POST /integrations/{id}/secret</c>: the new <c>secret</c>, <c>graceSeconds</c> during which the
/// replaced one still verifies (default a day, at most a week, 0 to stop it at once), and <c>requestedBy</c>.
/// </summary>
public sealed record SecretRotationInput(string Secret, int GraceSeconds, string? RequestedBy)
{
    public const int DefaultGraceSeconds = 86_400;
    public const int MaxGraceSeconds = 604_800;

    public static BodyResult<SecretRotationInput> Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonFields.ParseObject(body);
        if (JsonFields.OfWholeBody(document, out var errors) is not { } fields)
        {
            return BodyResult<SecretRotationInput>.Invalid(JsonFields.NotAnObject, errors);
        }
        var secret = IntegrationFields.Secret(fields);
        var graceSeconds = fields.Integer("graceSeconds", 0, MaxGraceSeconds) ?? DefaultGraceSeconds;
        var requestedBy = IntegrationFields.RequestedBy(fields);
        return BodyResult<SecretRotationInput>.From(fields, "Invalid secret rotation",
            () => new SecretRotationInput(secret!, graceSeconds, requestedBy));
    }

    // A record prints its values; this one holds a secret.
    public override string ToString() => $"{nameof(SecretRotationInput)} {{ GraceSeconds = {GraceSeconds} }}";
}
