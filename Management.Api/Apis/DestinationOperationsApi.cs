using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Contracts;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Messaging;
using Relay.Management.Api.Data;
using Relay.Management.Api.Destinations;
using Relay.Management.Api.Queries;
using Relay.Management.Api.Requests;

namespace Relay.Management.Api.Apis;

/// <summary>What an operator asks Delivery.Worker to do for a destination: send a test event now, recover failed deliveries.</summary>
public static class DestinationOperationsApi
{
    /// <summary>How long a test send may take end to end: the longest destination timeout (30 s) and the broker's round trip.</summary>
    public static readonly TimeSpan TestSendTimeout = TimeSpan.FromSeconds(40);

    public static IEndpointRouteBuilder MapDestinationOperationsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/destinations/{id}/test", SendTestEvent).WithName(nameof(SendTestEvent))
            .WithSummary("Sends a signed test event to the destination now and answers with what the receiver said");
        app.MapPost("/api/v1/destinations/{id}/recover", RecoverDestination).WithName(nameof(RecoverDestination))
            .WithSummary("Sends every failed delivery of the destination since a time again, as a tracked job");
        app.MapGet("/api/v1/recoveries/{id}", GetRecovery).WithName(nameof(GetRecovery)).WithSummary("A recovery's progress");
        return app;
    }

    public static async Task<Results<Ok<ApiEnvelope<TestSendResult>>, ApiError>> SendTestEvent(
        string id, HttpRequest request, DestinationRepository destinations, IRequestClient<DestinationTestRequested> client, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var destinationId))
        {
            return ManagementResults.InvalidId();
        }
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var input = TestSendRequest.Parse(await RequestBody.ReadAsync(request, cancellationToken));
        if (input.Value is not { } test)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        if (await destinations.ProviderOfAsync(destinationId, cancellationToken) is not { } provider)
        {
            return DestinationService.NotFound();
        }
        var testId = Guid.CreateVersion7(timeProvider.GetUtcNow());
        var payload = JsonSerializer.Serialize(new { provider, eventType = test.EventType, eventId = testId.ToString(), occurredAt = timeProvider.GetUtcNow(), test = true, data = test.Data }, JsonSerializerOptions.Web);
        DestinationTestCompleted completed;
        try
        {
            var response = await client.GetResponse<DestinationTestCompleted>(new DestinationTestRequested(destinationId, testId, test.EventType, payload), cancellationToken, RequestTimeout.After(s: (int)TestSendTimeout.TotalSeconds));
            completed = response.Message;
        }
        catch (RequestTimeoutException)
        {
            return ApiError.DependencyUnavailable("Delivery.Worker did not answer the test request in time; try again");
        }
        if (!completed.Found)
        {
            return DestinationService.NotFound();
        }
        var result = new TestSendResult(testId, completed.Succeeded, completed.HttpStatus, completed.DurationMs, completed.Error, ResponseRedactor.Excerpt(completed.ResponseExcerpt));
        await destinations.AuditAsync(destinationId, "destination.test_sent", test.RequestedBy, new { testId, eventType = test.EventType, result.Succeeded, result.HttpStatus, result.DurationMs, result.Error }, timeProvider.GetUtcNow(), cancellationToken);
        return ApiResults.Ok(result);
    }

    public static async Task<Results<Accepted<ApiEnvelope<RecoveryView>>, ApiError>> RecoverDestination(
        string id, HttpRequest request, RecoveryRepository recoveries, OutboxSignal outboxSignal, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!QueryReader.TryParseUuid(id, out var destinationId))
        {
            return ManagementResults.InvalidId();
        }
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        var now = timeProvider.GetUtcNow();
        var input = RecoveryRequest.Parse(await RequestBody.ReadAsync(request, cancellationToken), now);
        if (input.Value is not { } recovery)
        {
            return ApiError.Validation(input.Message!, input.Errors);
        }
        var created = await recoveries.CreateAsync(destinationId, recovery.Since, recovery.RequestedBy, now, cancellationToken);
        if (created is null)
        {
            return DestinationService.NotFound();
        }
        outboxSignal.Notify();
        return TypedResults.Accepted($"/api/v1/recoveries/{created.Id}", new ApiEnvelope<RecoveryView>(created));
    }

    public static async Task<Results<Ok<ApiEnvelope<RecoveryView>>, ApiError>> GetRecovery(
        string id, HttpRequest request, RecoveryRepository recoveries, CancellationToken cancellationToken)
    {
        if (NoQuery.Parse(request.Query) is { IsValid: false } query)
        {
            return ManagementResults.InvalidQuery(query.Errors);
        }
        if (!QueryReader.TryParseUuid(id, out var recoveryId))
        {
            return ManagementResults.InvalidId();
        }
        return await recoveries.FindAsync(recoveryId, cancellationToken) is { } view ? ApiResults.Ok(view) : ApiError.NotFound("Recovery not found");
    }
}

/// <summary>What the receiver made of a test event; the excerpt is redacted like an attempt's.</summary>
public sealed record TestSendResult(Guid TestId, bool Succeeded, int? HttpStatus, int DurationMs, string? Error, string? ResponseExcerpt);
