using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Relay.Infrastructure.Security.ApiKeys;

/// <summary>
/// Checks the key a request carries, in <c>x-internal-api-key</c> or as <c>Authorization: Bearer …</c>: the configured
/// bootstrap key (every scope), or an API key whose secret hashes to the stored hash and that is not revoked. Keys
/// looked up are remembered for <see cref="ApiKeyOptions.CacheDuration"/>, so a request usually costs a SHA-256 and
/// no query; keys that are not found are not remembered (the callers throttle failed attempts per address).
/// </summary>
public sealed class ApiKeyAuthenticator(
    ApiKeyRepository repository,
    ApiKeyUsage usage,
    IMemoryCache cache,
    IOptions<ApiKeyOptions> options,
    BootstrapApiKey? bootstrap = null)
{
    public const string HeaderName = "x-internal-api-key";
    private const string BearerScheme = "Bearer ";

    public async ValueTask<ApiKeyAuthentication> AuthenticateAsync(IHeaderDictionary headers, CancellationToken cancellationToken)
    {
        var presented = PresentedKey(headers);
        if (presented.Outcome is { } refused)
        {
            return refused;
        }
        var key = presented.Key!;
        if (bootstrap is not null && bootstrap.Matches(key))
        {
            return Authenticated(ApiKeyClaims.BootstrapKeyId, [ApiKeyScopes.Admin]);
        }
        if (!ApiKeyToken.TryParse(key, out var token))
        {
            return ApiKeyAuthentication.Invalid;
        }
        var credential = await FindAsync(token.Id, cancellationToken);
        if (credential is null || credential.RevokedAt is not null || !ApiKeyToken.Verify(token.Secret, credential.SecretHash))
        {
            return ApiKeyAuthentication.Invalid;
        }
        usage.Record(token.Id);
        return Authenticated(credential.Id.ToString(), credential.Scopes);
    }

    /// <summary>Makes this process look the key up again on its next use (after a revocation here).</summary>
    public void Forget(Guid keyId) => cache.Remove(CacheKey(keyId));

    /// <summary>
    /// The key sent: <c>x-internal-api-key</c> when present (exactly one value), else the token of a single
    /// <c>Authorization: Bearer</c> header. A header given twice, or another scheme, is an invalid key.
    /// </summary>
    private static (string? Key, ApiKeyAuthentication? Outcome) PresentedKey(IHeaderDictionary headers)
    {
        var apiKey = headers[HeaderName];
        if (apiKey.Count > 0)
        {
            return apiKey.Count == 1 && !string.IsNullOrEmpty(apiKey[0]) ? (apiKey[0], null) : (null, ApiKeyAuthentication.Invalid);
        }
        StringValues authorization = headers[HeaderNames.Authorization];
        if (authorization.Count == 0)
        {
            return (null, ApiKeyAuthentication.Missing);
        }
        var value = authorization.Count == 1 ? authorization[0] : null;
        if (value is null || !value.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase) || value.Length == BearerScheme.Length)
        {
            return (null, ApiKeyAuthentication.Invalid);
        }
        return (value[BearerScheme.Length..].Trim(), null);
    }

    // A principal of its own per request: a ClaimsPrincipal can be changed by whoever holds it.
    private static ApiKeyAuthentication Authenticated(string keyId, IReadOnlyCollection<string> scopes) =>
        new(ApiKeyAuthenticationOutcome.Authenticated, ApiKeyClaims.Principal(keyId, scopes));

    private async Task<ApiKeyCredential?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var cacheKey = CacheKey(id);
        if (cache.TryGetValue<ApiKeyCredential>(cacheKey, out var credential) && credential is not null)
        {
            return credential;
        }
        credential = await repository.FindCredentialAsync(id, cancellationToken);
        if (credential is not null && options.Value.CacheDuration > TimeSpan.Zero)
        {
            cache.Set(cacheKey, credential, options.Value.CacheDuration);
        }
        return credential;
    }

    private static (string, Guid) CacheKey(Guid id) => ("api-key", id);
}
