namespace Relay.Management.Api.Apis;

/// <summary>The success envelope with <c>meta: {limit, nextCursor}</c>.</summary>
public sealed record CursorEnvelope<T>(IReadOnlyList<T> Data, CursorMeta Meta)
{
    public bool Success => true;
}
