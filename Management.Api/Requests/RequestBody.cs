namespace Relay.Management.Api.Requests;

public static class RequestBody
{
    /// <summary>
    /// The whole body as bytes, for a route that validates it itself so a malformed body gets the contract's 400
    /// rather than the binder's. Kestrel's body limit (set for this service) turns an oversized body into 413.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        return body.GetBuffer().AsMemory(0, (int)body.Length);
    }
}
