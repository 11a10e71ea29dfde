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
        if (JsonBodyReader.Read(body, out var errors) is not { } reader)
        {
            return BodyResult<SecretRotationInput>.Invalid(JsonBodyReader.NotAnObject, errors);
        }
        var secret = IntegrationFields.Secret(reader);
        var graceSeconds = reader.Integer("graceSeconds", 0, MaxGraceSeconds) ?? DefaultGraceSeconds;
        var requestedBy = IntegrationFields.RequestedBy(reader);
        return BodyResult<SecretRotationInput>.From(reader, "Invalid secret rotation",
            () => new SecretRotationInput(secret!, graceSeconds, requestedBy));
    }

    // A record prints its values; this one holds a secret.
    public override string ToString() => $"{nameof(SecretRotationInput)} {{ GraceSeconds = {GraceSeconds} }}";
}
