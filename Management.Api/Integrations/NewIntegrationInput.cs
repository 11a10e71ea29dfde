using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Integrations;

/// <summary>The body of <c>POST /integrations</c>: <c>provider</c>, <c>name</c>, <c>secret</c>, <c>callbackUrl</c>, <c>isActive</c> (default true), <c>requestedBy</c>.</summary>
public sealed record NewIntegrationInput(string Provider, string Name, string Secret, string CallbackUrl, bool IsActive, string? RequestedBy)
{
    public static BodyResult<NewIntegrationInput> Parse(ReadOnlyMemory<byte> body)
    {
        using var document = JsonFields.ParseObject(body);
        if (JsonFields.OfWholeBody(document, out var errors) is not { } fields)
        {
            return BodyResult<NewIntegrationInput>.Invalid(JsonFields.NotAnObject, errors);
        }
        var provider = IntegrationFields.Provider(fields);
        var name = IntegrationFields.Name(fields, required: true);
        var secret = IntegrationFields.Secret(fields);
        var callbackUrl = IntegrationFields.CallbackUrl(fields, required: true);
        var isActive = fields.Boolean("isActive") ?? true;
        var requestedBy = IntegrationFields.RequestedBy(fields);
        return BodyResult<NewIntegrationInput>.From(fields, "Invalid integration",
            () => new NewIntegrationInput(provider!, name!, secret!, callbackUrl!, isActive, requestedBy));
    }

    // A record prints its values; this one holds a secret.
    public override string ToString() => $"{nameof(NewIntegrationInput)} {{ Provider = {Provider}, Name = {Name} }}";
}
