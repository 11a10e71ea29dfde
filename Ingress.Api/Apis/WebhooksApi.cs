using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Relay.Infrastructure.Http;
using Relay.Ingress.Api.Admission;
using Relay.Ingress.Api.Ingestion;

namespace Relay.Ingress.Api.Apis;

public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/webhooks");
        api.MapPost("/{provider}", ReceiveWebhook);
        return api;
    }

    public static async Task<Results<Accepted<ApiEnvelope<IngestResponse>>, Ok<ApiEnvelope<IngestResponse>>, ApiError>> ReceiveWebhook(
        string provider,
        HttpContext context,
        WebhookIngestionService ingestion,
        IngestAdmission admission,
        IOptions<IngressOptions> options,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var (body, bodyError) = await JsonRequestBody.ReadAsync(context, options.Value.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return bodyError!;
        }

        if (!await admission.TryEnterAsync(cancellationToken))
        {
            context.Response.SetRetryAfter(admission.RetryAfter);
            return ApiError.Overloaded("Relay is at capacity and did not take this webhook; send it again after Retry-After", admission.RetryAfter);
        }
        IngestOutcome outcome;
        try
        {
            outcome = await ingestion.IngestAsync(
                new IncomingWebhook(provider, body, request.Headers, context.Connection.RemoteIpAddress, CorrelationId.Of(context)),
                cancellationToken);
        }
        finally
        {
            admission.Exit();
        }
        if (outcome.RetryAfter is { } retryAfter)
        {
            context.Response.SetRetryAfter(retryAfter);
        }
        return outcome switch
        {
            { Accepted: { } accepted } => ApiResults.Accepted(accepted),
            { Duplicate: { } duplicate } => ApiResults.Ok(duplicate),
            _ => outcome.Error!,
        };
    }
}
