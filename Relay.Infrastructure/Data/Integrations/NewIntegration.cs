namespace Relay.Infrastructure.Data.Integrations;

/// <summary>
/// An integration to create with its default destination (<see cref="DefaultDestinationId"/>, signed with
/// <see cref="EncryptedSigningSecret"/>) and its <c>integration.created</c> audit entry. Secrets are ciphertext;
/// <see cref="Profile"/> says how its webhooks are verified and mapped.
/// </summary>
public sealed record NewIntegration(
    Guid Id,
    string Provider,
    string Name,
    string EncryptedSecret,
    string CallbackUrl,
    bool IsActive,
    Guid DefaultDestinationId,
    string EncryptedSigningSecret,
    string Actor,
    string AuditDetails,
    DateTimeOffset CreatedAt,
    Providers.ProviderProfile Profile)
{
    public string Verification => Profile.VerificationJson;

    public string FieldMapping => Profile.FieldsJson;
}
