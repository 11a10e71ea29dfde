using System.Security.Claims;

namespace Relay.Infrastructure.Security.ApiKeys;

/// <summary>
/// The <see cref="ClaimsPrincipal"/> an authenticated request carries as <c>HttpContext.User</c>: claim
/// <see cref="KeyId"/> (the API key's id, or <see cref="BootstrapKeyId"/> for the configured management key) and one
/// <see cref="Scope"/> claim per scope the key amounts to (an admin key carries all four).
/// </summary>
public static class ApiKeyClaims
{
    public const string KeyId = "relay:key_id";
    public const string Scope = "relay:scope";
    public const string AuthenticationType = "RelayApiKey";

    /// <summary>The key id of the configured management key, which is no row of <c>api_keys</c>.</summary>
    public const string BootstrapKeyId = "bootstrap";

    public static ClaimsPrincipal Principal(string keyId, IReadOnlyCollection<string> scopes)
    {
        var claims = new List<Claim> { new(KeyId, keyId) };
        claims.AddRange(ApiKeyScopes.Effective(scopes).Select(scope => new Claim(Scope, scope)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, KeyId, Scope));
    }

    /// <summary>The key id of an authenticated principal; null for anyone else.</summary>
    public static string? KeyIdOf(ClaimsPrincipal? principal) => principal?.FindFirst(KeyId)?.Value;

    public static bool HasScope(ClaimsPrincipal principal, string scope) =>
        ApiKeyScopes.Grants(principal.FindAll(Scope).Select(claim => claim.Value), scope);
}
