using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Destinations: where an integration's events are delivered, and what an operator does with them.</summary>
public sealed class DestinationsClient
{
    private const string Path = "/api/v1/destinations";
    private const string OfIntegration = "/api/v1/integrations/{integrationId}/destinations";
    private readonly RelayHttp http;

    internal DestinationsClient(RelayHttp http) => this.http = http;

    /// <summary>Adds a destination to an integration; the answer shows its signing secret, once.</summary>
    [RelayOperation("POST", OfIntegration)]
    public Task<CreatedDestination> CreateAsync(Guid integrationId, CreateDestinationRequest request, CancellationToken cancellationToken = default) =>
        http.SendAsync<CreatedDestination>(HttpMethod.Post, PathOf(integrationId), request ?? throw new ArgumentNullException(nameof(request)), cancellationToken);

    /// <summary>One page of an integration's destinations, oldest first.</summary>
    [RelayOperation("GET", OfIntegration)]
    public Task<Page<Destination>> ListAsync(Guid integrationId, DestinationListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAsync<Destination>(PathOf(integrationId), query ?? new DestinationListQuery(), cancellationToken);

    /// <summary>Every destination of an integration.</summary>
    [RelayOperation("GET", OfIntegration)]
    public IAsyncEnumerable<Destination> ListAllAsync(Guid integrationId, DestinationListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAllAsync<Destination>(PathOf(integrationId), query ?? new DestinationListQuery(), cancellationToken);

    /// <summary>A destination with its status and health.</summary>
    [RelayOperation("GET", Path + "/{id}")]
    public Task<Destination> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        http.SendAsync<Destination>(HttpMethod.Get, $"{Path}/{RelayHttp.Segment(id)}", null, cancellationToken);

    /// <summary>Changes what the request sets.</summary>
    [RelayOperation("PATCH", Path + "/{id}")]
    public Task<Destination> UpdateAsync(Guid id, UpdateDestinationRequest request, CancellationToken cancellationToken = default) =>
        http.SendAsync<Destination>(HttpMethod.Patch, $"{Path}/{RelayHttp.Segment(id)}", request ?? throw new ArgumentNullException(nameof(request)), cancellationToken);

    /// <summary>Deletes a destination (not an integration's default one).</summary>
    [RelayOperation("DELETE", Path + "/{id}")]
    public Task DeleteAsync(Guid id, string? requestedBy = null, CancellationToken cancellationToken = default) =>
        http.SendWithoutAnswerAsync(HttpMethod.Delete, new QueryString().Add("requestedBy", requestedBy).AppendTo($"{Path}/{RelayHttp.Segment(id)}"), null, cancellationToken);

    /// <summary>Holds the destination's deliveries until it is resumed.</summary>
    [RelayOperation("POST", Path + "/{id}/pause")]
    public Task<Destination> PauseAsync(Guid id, string? requestedBy = null, CancellationToken cancellationToken = default) =>
        http.SendAsync<Destination>(HttpMethod.Post, $"{Path}/{RelayHttp.Segment(id)}/pause", new ActionRequest(requestedBy), cancellationToken);

    /// <summary>Releases a paused or automatically disabled destination.</summary>
    [RelayOperation("POST", Path + "/{id}/resume")]
    public Task<Destination> ResumeAsync(Guid id, string? requestedBy = null, CancellationToken cancellationToken = default) =>
        http.SendAsync<Destination>(HttpMethod.Post, $"{Path}/{RelayHttp.Segment(id)}/resume", new ActionRequest(requestedBy), cancellationToken);

    /// <summary>Replaces the signing secret (shown this once); the old one keeps signing for a grace period.</summary>
    [RelayOperation("POST", Path + "/{id}/rotate-secret")]
    public Task<RotatedSigningSecret> RotateSecretAsync(Guid id, RotateSigningSecretRequest? request = null, CancellationToken cancellationToken = default) =>
        http.SendAsync<RotatedSigningSecret>(HttpMethod.Post, $"{Path}/{RelayHttp.Segment(id)}/rotate-secret", request ?? new RotateSigningSecretRequest(), cancellationToken);

    /// <summary>One page of the destination's delivery attempts, newest first.</summary>
    [RelayOperation("GET", Path + "/{id}/attempts")]
    public Task<Page<DestinationAttempt>> ListAttemptsAsync(Guid id, DestinationAttemptListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAsync<DestinationAttempt>($"{Path}/{RelayHttp.Segment(id)}/attempts", query ?? new DestinationAttemptListQuery(), cancellationToken);

    /// <summary>Every delivery attempt to the destination matching the query.</summary>
    [RelayOperation("GET", Path + "/{id}/attempts")]
    public IAsyncEnumerable<DestinationAttempt> ListAllAttemptsAsync(Guid id, DestinationAttemptListQuery? query = null, CancellationToken cancellationToken = default) =>
        http.ListAllAsync<DestinationAttempt>($"{Path}/{RelayHttp.Segment(id)}/attempts", query ?? new DestinationAttemptListQuery(), cancellationToken);

    /// <summary>Sends a signed test event to the destination now and answers what the receiver said.</summary>
    [RelayOperation("POST", Path + "/{id}/test")]
    public Task<TestSendResult> SendTestAsync(Guid id, TestSendRequest request, CancellationToken cancellationToken = default) =>
        http.SendAsync<TestSendResult>(HttpMethod.Post, $"{Path}/{RelayHttp.Segment(id)}/test", request ?? throw new ArgumentNullException(nameof(request)), cancellationToken);

    /// <summary>Sends every failed delivery of the destination since a time again, as a tracked job (<see cref="RecoveriesClient"/>).</summary>
    [RelayOperation("POST", Path + "/{id}/recover")]
    public Task<Recovery> RecoverAsync(Guid id, RecoverDestinationRequest request, CancellationToken cancellationToken = default) =>
        http.SendAsync<Recovery>(HttpMethod.Post, $"{Path}/{RelayHttp.Segment(id)}/recover", request ?? throw new ArgumentNullException(nameof(request)), cancellationToken);

    private static string PathOf(Guid integrationId) => $"/api/v1/integrations/{RelayHttp.Segment(integrationId)}/destinations";
}
