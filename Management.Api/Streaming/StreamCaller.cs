using Relay.Infrastructure.Security.ApiKeys;

namespace Relay.Management.Api.Streaming;

/// <summary>Who holds a stream, for <see cref="EventStreamSlots"/>: the API key's id when authentication names one, else the configured management key.</summary>
public static class StreamCaller
{
    public static string Of(HttpContext context) => ApiKeyClaims.KeyIdOf(context.User) is { Length: > 0 } keyId ? keyId : ApiKeyClaims.BootstrapKeyId;
}
