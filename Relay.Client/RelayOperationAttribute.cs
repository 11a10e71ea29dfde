namespace Relay.Client;

/// <summary>
/// The API operation a client method calls, as the OpenAPI document names it (method and path template). The
/// integration tests compare these with the gateway's <c>/openapi/v1.json</c>, so a route the client lacks, or a
/// response field its model lacks, fails a test instead of drifting unnoticed.
/// </summary>
/// <param name="method">The HTTP method, upper case.</param>
/// <param name="path">The path template, e.g. <c>/api/v1/events/{id}</c>.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RelayOperationAttribute(string method, string path) : Attribute
{
    /// <summary>The HTTP method, upper case.</summary>
    public string Method { get; } = method;

    /// <summary>The path template as the OpenAPI document spells it.</summary>
    public string Path { get; } = path;

    /// <summary>The response status whose schema the method's result models, when the operation has several (0: its only success).</summary>
    public int Status { get; init; }
}
