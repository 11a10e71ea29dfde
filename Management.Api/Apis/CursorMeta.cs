namespace Relay.Management.Api.Apis;

/// <summary><c>meta</c> of a cursor-paginated list: <see cref="NextCursor"/> fetches the next page, null on the last.</summary>
public sealed record CursorMeta(int Limit, string? NextCursor);
