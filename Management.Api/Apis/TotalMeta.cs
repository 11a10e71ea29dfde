namespace Relay.Management.Api.Apis;

/// <summary><c>meta</c> of a list that is not paginated (<c>GET /integrations</c>).</summary>
public sealed record TotalMeta(long Total);
