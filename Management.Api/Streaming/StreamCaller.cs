namespace Relay.Management.Api.Streaming;

/// <summary>Who holds a stream, for <see cref="EventStreamSlots"/>: the API key's id when authentication names one, else the configured management key.</summary>
public static class StreamCaller
{
    /// <summary>The claim the management authentication sets to the key's id (<c>bootstrap</c> for the configured key).</summary>
    public const string KeyIdClaim = "relay:key_id";

    public const string BootstrapKey = "bootstrap";

    public static string Of(HttpContext context) => context.User.FindFirst(KeyIdClaim)?.Value is { Length: > 0 } keyId ? keyId : BootstrapKey;
}
