namespace Relay.Management.Api.Integrations;

/// <summary>
/// The default destination created with an integration. <see cref="SigningSecret"/> (<c>whsec_...</c>) signs every
/// delivery to it; it is shown here, once, and never again.
/// </summary>
public sealed record CreatedDefaultDestination(Guid Id, string SigningSecret)
{
    // A record prints its values; this one holds a secret.
    public override string ToString() => $"{nameof(CreatedDefaultDestination)} {{ Id = {Id} }}";
}
