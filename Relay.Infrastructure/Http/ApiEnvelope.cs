using System.Text.Json.Serialization;

namespace Relay.Infrastructure.Http;

/// <summary>The contract's success envelope: <c>{"success": true, "data": ..., "meta": ...}</c>, <c>meta</c> only on lists.</summary>
public sealed record ApiEnvelope<T>(T Data, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PageMeta? Meta = null)
{
    public bool Success => true;
}

public sealed record PageMeta(int Page, int PageSize, long Total, int TotalPages)
{
    public static PageMeta For(int page, int pageSize, long total) =>
        new(page, pageSize, total, Math.Max((int)Math.Ceiling(total / (double)pageSize), 1));
}

public sealed record ApiErrorBody(string Code, string Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Details);

public sealed record ApiErrorEnvelope(ApiErrorBody Error)
{
    public bool Success => false;
}

public static class ErrorCodes
{
    public const string Validation = "VALIDATION_ERROR";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string NotFound = "NOT_FOUND";
    public const string Conflict = "CONFLICT";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string RateLimited = "RATE_LIMITED";
    public const string DependencyUnavailable = "DEPENDENCY_UNAVAILABLE";
    public const string Internal = "INTERNAL_SERVER_ERROR";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
}
