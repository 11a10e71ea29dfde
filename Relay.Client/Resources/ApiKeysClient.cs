using Relay.Client.Http;

namespace Relay.Client;

/// <summary>API keys with scopes (every route under <c>/api-keys</c> needs <c>admin</c>), and the key the client calls with.</summary>
public sealed class ApiKeysClient
{
    private const string Path = "/api/v1/api-keys";
    private readonly RelayHttp http;

    internal ApiKeysClient(RelayHttp http) => this.http = http;

    /// <summary>Creates a key; the answer holds the key itself, this once.</summary>
    [RelayOperation("POST", Path)]
    public Task<CreatedApiKey> CreateAsync(CreateApiKeyRequest request, CancellationToken cancellationToken = default) =>
        http.SendAsync<CreatedApiKey>(HttpMethod.Post, Path, request ?? throw new ArgumentNullException(nameof(request)), cancellationToken);

    /// <summary>One page of keys, oldest first.</summary>
    [RelayOperation("GET", Path)]
    public Task<Page<ApiKey>> ListAsync(ApiKeyListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAsync<ApiKey>(Path, query ?? new ApiKeyListQuery(), cancellationToken);

    /// <summary>Every key matching the query.</summary>
    [RelayOperation("GET", Path)]
    public IAsyncEnumerable<ApiKey> ListAllAsync(ApiKeyListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAllAsync<ApiKey>(Path, query ?? new ApiKeyListQuery(), cancellationToken);

    /// <summary>One key, without its secret.</summary>
    [RelayOperation("GET", Path + "/{id}")]
    public Task<ApiKey> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        http.SendAsync<ApiKey>(HttpMethod.Get, $"{Path}/{RelayHttp.Segment(id)}", null, cancellationToken);

    /// <summary>The key this client calls with and its effective scopes; any key with <c>read</c> may ask.</summary>
    [RelayOperation("GET", "/api/v1/me")]
    public Task<CurrentApiKey> GetCurrentAsync(CancellationToken cancellationToken = default) =>
        http.SendAsync<CurrentApiKey>(HttpMethod.Get, "/api/v1/me", null, cancellationToken);

    /// <summary>Revokes a key: refused at once by the management API, everywhere within the key cache's duration (30 s).</summary>
    [RelayOperation("DELETE", Path + "/{id}")]
    public Task<ApiKey> RevokeAsync(Guid id, string? requestedBy = null, CancellationToken cancellationToken = default) =>
        http.SendAsync<ApiKey>(HttpMethod.Delete, $"{Path}/{RelayHttp.Segment(id)}", new ActionRequest(requestedBy), cancellationToken);
}
