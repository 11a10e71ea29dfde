using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Infrastructure.Http;
using Relay.Management.Api.Data;
using Relay.Management.Api.Destinations;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Apis;

public static class DestinationsApi
{
    private const string Tag = "Destinations";

    public static IEndpointRouteBuilder MapDestinationsApi(this IEndpointRouteBuilder app)
    {
        var integration = app.MapGroup("/api/v1/integrations/{integrationId}/destinations").WithTags(Tag);
        integration.MapPost("", CreateDestination).WithName(nameof(CreateDestination))
            .WithSummary("Adds a destination to the integration; answers its signing secret, this once");
        integration.MapGet("", ListDestinations).WithName(nameof(ListDestinations)).WithQueryParameters(DestinationListQuery.Parse)
            .WithSummary("The integration's destinations, oldest first, by cursor");

        var api = app.MapGroup("/api/v1/destinations").WithTags(Tag);
        api.MapGet("/{id}", GetDestination).WithName(nameof(GetDestination)).WithSummary("A destination with its status and health");
        api.MapPatch("/{id}", UpdateDestination).WithName(nameof(UpdateDestination))
            .WithSummary("Changes the fields given; null clears an optional one");
        api.MapDelete("/{id}", DeleteDestination).WithName(nameof(DeleteDestination)).WithSummary("Deletes a destination (not the default one)");
        api.MapPost("/{id}/pause", PauseDestination).WithName(nameof(PauseDestination)).WithSummary("Holds the destination's deliveries");
        api.MapPost("/{id}/resume", ResumeDestination).WithName(nameof(ResumeDestination))
            .WithSummary("Releases a paused or automatically disabled destination");
        api.MapPost("/{id}/rotate-secret", RotateSigningSecret).WithName(nameof(RotateSigningSecret))
            .WithSummary("Replaces the signing secret; the old one keeps signing for a grace period");
        api.MapGet("/{id}/attempts", ListDestinationAttempts).WithName(nameof(ListDestinationAttempts)).WithQueryParameters(DestinationAttemptListQuery.Parse)
            .WithSummary("The destination's delivery attempts, newest first, by cursor");
        return app;
    }

    public static async Task<Results<Created<ApiEnvelope<DestinationView<string>>>, ApiError>> CreateDestination(
        string integrationId, HttpRequest request, DestinationService destinations, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(integrationId, out var id))
        {
            return ManagementResults.InvalidId("integrationId");
        }
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var input = DestinationInput.ParseCreate(await RequestBody.ReadAsync(request, cancellationToken));
        if (input.Value is null)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        var created = await destinations.CreateAsync(id, input.Value, cancellationToken);
        return created.Value is { } view
            ? TypedResults.Created($"/api/v1/destinations/{view.Id}", new ApiEnvelope<DestinationView<string>>(view))
            : created.Error!;
    }

    public static async Task<Results<Ok<CursorEnvelope<DestinationView<SigningSecretView>>>, ApiError>> ListDestinations(
        string integrationId, HttpRequest request, DestinationRepository destinations, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(integrationId, out var id))
        {
            return ManagementResults.InvalidId("integrationId");
        }
        var query = DestinationListQuery.Parse(request.Query);
        if (query.Value is not { } filter)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var page = await destinations.ListAsync(id, filter.Paging, cancellationToken);
        return page is null ? ApiError.NotFound("Integration not found") : CursorResults.Page(page, filter.Paging.Limit);
    }

    public static async Task<Results<Ok<ApiEnvelope<DestinationView<SigningSecretView>>>, ApiError>> GetDestination(
        string id, HttpRequest request, DestinationRepository destinations, CancellationToken cancellationToken)
    {
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (!QueryReader.TryParseUuid(id, out var destinationId))
        {
            return ManagementResults.InvalidId();
        }
        return await destinations.FindAsync(destinationId, cancellationToken) is { } view ? ApiResults.Ok(view) : DestinationService.NotFound();
    }

    public static async Task<Results<Ok<ApiEnvelope<DestinationView<SigningSecretView>>>, ApiError>> UpdateDestination(
        string id, HttpRequest request, DestinationService destinations, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var destinationId))
        {
            return ManagementResults.InvalidId();
        }
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var input = DestinationInput.ParsePatch(await RequestBody.ReadAsync(request, cancellationToken));
        if (input.Value is null)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        return Answer(await destinations.UpdateAsync(destinationId, input.Value, cancellationToken));
    }

    /// <summary>Optional <c>requestedBy</c> (2-120 characters, default "api-user") names who deleted it in the audit trail.</summary>
    public static async Task<Results<NoContent, ApiError>> DeleteDestination(
        string id, HttpRequest request, DestinationService destinations, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var destinationId))
        {
            return ManagementResults.InvalidId();
        }
        var reader = new QueryReader(request.Query);
        var requestedBy = reader.Text("requestedBy", maxLength: 120)?.Trim();
        if (requestedBy is { Length: < 2 })
        {
            reader.Fail("requestedBy", "must be 2-120 characters");
        }
        var query = QueryResult<string>.From(reader, () => requestedBy ?? DestinationInput.DefaultRequestedBy);
        if (query.Value is not { } actor)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        return await destinations.DeleteAsync(destinationId, actor, cancellationToken) is { } error ? error : TypedResults.NoContent();
    }

    public static async Task<Results<Ok<ApiEnvelope<DestinationView<SigningSecretView>>>, ApiError>> PauseDestination(
        string id, HttpRequest request, DestinationService destinations, CancellationToken cancellationToken)
    {
        var action = await ReadActionAsync(id, request, cancellationToken);
        return action.Error ?? Answer(await destinations.PauseAsync(action.Id, action.RequestedBy, cancellationToken));
    }

    public static async Task<Results<Ok<ApiEnvelope<DestinationView<SigningSecretView>>>, ApiError>> ResumeDestination(
        string id, HttpRequest request, DestinationService destinations, CancellationToken cancellationToken)
    {
        var action = await ReadActionAsync(id, request, cancellationToken);
        return action.Error ?? Answer(await destinations.ResumeAsync(action.Id, action.RequestedBy, cancellationToken));
    }

    public static async Task<Results<Ok<ApiEnvelope<SecretRotated>>, ApiError>> RotateSigningSecret(
        string id, HttpRequest request, DestinationService destinations, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var destinationId))
        {
            return ManagementResults.InvalidId();
        }
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var input = SecretRotationRequest.Parse(await RequestBody.ReadAsync(request, cancellationToken));
        if (input.Value is null)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        var rotated = await destinations.RotateSecretAsync(destinationId, input.Value, cancellationToken);
        return rotated.Value is { } value ? ApiResults.Ok(value) : rotated.Error!;
    }

    public static async Task<Results<Ok<CursorEnvelope<DestinationAttemptView>>, ApiError>> ListDestinationAttempts(
        string id, HttpRequest request, DestinationRepository destinations, DeliveryAttemptRepository attempts, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var destinationId))
        {
            return ManagementResults.InvalidId();
        }
        var query = DestinationAttemptListQuery.Parse(request.Query);
        if (query.Value is not { } filter)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (!await destinations.ExistsAsync(destinationId, cancellationToken))
        {
            return DestinationService.NotFound();
        }
        return CursorResults.Page(await attempts.ListForDestinationAsync(destinationId, filter, cancellationToken), filter.Paging.Limit);
    }

    private static Results<Ok<ApiEnvelope<DestinationView<SigningSecretView>>>, ApiError> Answer(Outcome<DestinationView<SigningSecretView>> outcome) =>
        outcome.Value is { } view ? ApiResults.Ok(view) : outcome.Error!;

    /// <summary>The id and optional body (<c>{requestedBy?}</c>) of pause and resume.</summary>
    private static async Task<(Guid Id, string RequestedBy, ApiError? Error)> ReadActionAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var destinationId))
        {
            return (default, "", ManagementResults.InvalidId());
        }
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return (default, "", ManagementResults.InvalidQuery(query.Errors));
        }
        var body = ActionRequest.Parse(await RequestBody.ReadAsync(request, cancellationToken));
        return body.Value is { } action ? (destinationId, action.RequestedBy, null) : (default, "", ApiError.Validation(body.Message!, body.Errors));
    }
}
