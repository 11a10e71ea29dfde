using System.Text.Json;

namespace Relay.Client;

/// <summary>The body of creating an integration. A provider named after a preset (acme, globex, stripe, github, shopify, standard-webhooks, relay) needs nothing more; otherwise give <see cref="Preset"/>, or <see cref="Verification"/> and <see cref="Fields"/>.</summary>
public sealed record CreateIntegrationRequest(string Provider, string Name, string Secret, string CallbackUrl)
{
    /// <summary>Default true.</summary>
    public bool? IsActive { get; init; }

    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>The preset whose verification and field mapping the integration takes.</summary>
    public string? Preset { get; init; }

    /// <summary>How webhooks are verified, on top of the preset if any.</summary>
    public VerificationSettings? Verification { get; init; }

    /// <summary>How a webhook's id, type, time, subject and payload are read (the API's <c>fields</c> object).</summary>
    public JsonElement? Fields { get; init; }

    // A record prints its values; this one holds a secret.
    /// <inheritdoc />
    public override string ToString() => $"{nameof(CreateIntegrationRequest)} {{ Provider = {Provider}, Name = {Name} }}";
}
