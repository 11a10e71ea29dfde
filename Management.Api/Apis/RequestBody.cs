namespace Relay.Management.Api.Apis;

internal static class RequestBody
{
    /// <summary>
    /// The body as bytes, for the route to validate itself: a malformed body gets the contract's 400 rather than the
    /// binder's. Kestrel's body limit (set for this service) turns an oversized body into 413.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        return body.ToArray();
    }
}
