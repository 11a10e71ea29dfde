using System.Text.Json;

namespace Relay.Client;

/// <summary>The changes to an integration; what is not set stays as it is.</summary>
public sealed record UpdateIntegrationRequest
{
    /// <summary>The new name.</summary>
    public string? Name { get; init; }

    /// <summary>The new callback URL; the default destination follows it.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>Whether webhooks are taken.</summary>
    public bool? IsActive { get; init; }

    /// <summary>A preset to take verification and field mapping from.</summary>
    public string? Preset { get; init; }

    /// <summary>How webhooks are verified.</summary>
    public VerificationSettings? Verification { get; init; }

    /// <summary>How a webhook is mapped to an event (the API's <c>fields</c> object).</summary>
    public JsonElement? Fields { get; init; }

    /// <summary>Who asked, for the audit trail.</summary>
    public string? RequestedBy { get; init; }
}
