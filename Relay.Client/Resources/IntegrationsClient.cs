using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Integrations: the providers whose webhooks Relay takes, how they are verified and mapped.</summary>
public sealed class IntegrationsClient
{
    private const string Path = "/api/v1/integrations";
    private readonly RelayHttp http;

    internal IntegrationsClient(RelayHttp http) => this.http = http;

    /// <summary>One page of live integrations, ordered by provider.</summary>
    [RelayOperation("GET", Path)]
    public Task<Page<Integration>> ListAsync(IntegrationListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAsync<Integration>(Path, query ?? new IntegrationListQuery(), cancellationToken);

    /// <summary>Every live integration matching the query.</summary>
    [RelayOperation("GET", Path)]
    public IAsyncEnumerable<Integration> ListAllAsync(IntegrationListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAllAsync<Integration>(Path, query ?? new IntegrationListQuery(), cancellationToken);

    /// <summary>Creates an integration with its default destination; the answer shows that destination's signing secret, once.</summary>
    [RelayOperation("POST", Path)]
    public Task<CreatedIntegration> CreateAsync(CreateIntegrationRequest request, CancellationToken cancellationToken = default) =>
        http.SendAsync<CreatedIntegration>(HttpMethod.Post, Path, request ?? throw new ArgumentNullException(nameof(request)), cancellationToken);

    /// <summary>One integration with its verification and field mapping.</summary>
    [RelayOperation("GET", Path + "/{id}")]
    public Task<IntegrationDetail> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        http.SendAsync<IntegrationDetail>(HttpMethod.Get, $"{Path}/{RelayHttp.Segment(id)}", null, cancellationToken);

    /// <summary>Changes what the request sets.</summary>
    [RelayOperation("PATCH", Path + "/{id}")]
    public Task<IntegrationDetail> UpdateAsync(Guid id, UpdateIntegrationRequest request, CancellationToken cancellationToken = default) =>
        http.SendAsync<IntegrationDetail>(HttpMethod.Patch, $"{Path}/{RelayHttp.Segment(id)}", request ?? throw new ArgumentNullException(nameof(request)), cancellationToken);

    /// <summary>Takes the provider's webhooks again.</summary>
    [RelayOperation("POST", Path + "/{id}/enable")]
    public Task<IntegrationDetail> EnableAsync(Guid id, string? requestedBy = null, CancellationToken cancellationToken = default) =>
        http.SendAsync<IntegrationDetail>(HttpMethod.Post, $"{Path}/{RelayHttp.Segment(id)}/enable", new ActionRequest(requestedBy), cancellationToken);

    /// <summary>Stops taking the provider's webhooks (once Ingress's integration cache has expired, 5 s by default).</summary>
    [RelayOperation("POST", Path + "/{id}/disable")]
    public Task<IntegrationDetail> DisableAsync(Guid id, string? requestedBy = null, CancellationToken cancellationToken = default) =>
        http.SendAsync<IntegrationDetail>(HttpMethod.Post, $"{Path}/{RelayHttp.Segment(id)}/disable", new ActionRequest(requestedBy), cancellationToken);

    /// <summary>Deletes the integration; its events stay, and the provider may be given a new integration.</summary>
    [RelayOperation("DELETE", Path + "/{id}")]
    public Task DeleteAsync(Guid id, string? requestedBy = null, CancellationToken cancellationToken = default) =>
        http.SendWithoutAnswerAsync(HttpMethod.Delete, $"{Path}/{RelayHttp.Segment(id)}", new ActionRequest(requestedBy), cancellationToken);

    /// <summary>Replaces the inbound secret; the replaced one still verifies during the grace period.</summary>
    [RelayOperation("POST", Path + "/{id}/secret")]
    public Task<IntegrationDetail> RotateSecretAsync(Guid id, RotateIntegrationSecretRequest request, CancellationToken cancellationToken = default) =>
        http.SendAsync<IntegrationDetail>(HttpMethod.Post, $"{Path}/{RelayHttp.Segment(id)}/secret", request ?? throw new ArgumentNullException(nameof(request)), cancellationToken);
}
