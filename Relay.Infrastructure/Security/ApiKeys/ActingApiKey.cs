using Microsoft.AspNetCore.Http;

namespace Relay.Infrastructure.Security.ApiKeys;

/// <summary>
/// The id of the key the current request was authenticated with (<see cref="ApiKeyClaims.KeyId"/> of
/// <c>HttpContext.User</c>), which every audit entry the request writes records in <c>api_key_id</c>. Null outside a
/// request (background work, seeding) and for requests no key authenticated.
/// </summary>
public sealed class ActingApiKey(IHttpContextAccessor httpContextAccessor)
{
    public string? Id => ApiKeyClaims.KeyIdOf(httpContextAccessor.HttpContext?.User);
}
