namespace Relay.Ingress.Api.Ingestion;

public static class CorrelationId
{
    /// <summary>The gateway's request id, which ties the request, the event's delivery and the logs together; a new one when absent or too long.</summary>
    public static string Of(HttpContext context)
    {
        var requestId = context.Request.Headers["x-request-id"].ToString();
        return requestId.Length is > 0 and <= 128 ? requestId : Guid.NewGuid().ToString();
    }
}
