using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Integrations;

/// <summary>The body of <c>POST /integrations</c>: <c>provider</c>, <c>name</c>, <c>secret</c>, <c>callbackUrl</c>, <c>isActive</c> (default true), <c>requestedBy</c>.</summary>
public sealed record NewIntegrationInput(string Provider, string Name, string Secret, string CallbackUrl, bool IsActive, string? RequestedBy)
{
    public static BodyResult<NewIntegrationInput> Parse(ReadOnlyMemory<byte> body)
    {
        if (JsonBodyReader.Read(body, out var errors) is not { } reader)
        {
            return BodyResult<NewIntegrationInput>.Invalid(JsonBodyReader.NotAnObject, errors);
        }
        var provider = IntegrationFields.Provider(reader);
        var name = IntegrationFields.Name(reader, required: true);
        var secret = IntegrationFields.Secret(reader);
        var callbackUrl = IntegrationFields.CallbackUrl(reader, required: true);
        var isActive = reader.Boolean("isActive") ?? true;
        var requestedBy = IntegrationFields.RequestedBy(reader);
        return BodyResult<NewIntegrationInput>.From(reader, "Invalid integration",
            () => new NewIntegrationInput(provider!, name!, secret!, callbackUrl!, isActive, requestedBy));
    }

    // A record prints its values; this one holds a secret.
    public override string ToString() => $"{nameof(NewIntegrationInput)} {{ Provider = {Provider}, Name = {Name} }}";
}
