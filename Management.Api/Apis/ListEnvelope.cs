namespace Relay.Management.Api.Apis;

/// <summary>The success envelope with <c>meta: {total}</c>.</summary>
public sealed record ListEnvelope<T>(T Data, TotalMeta Meta)
{
    public bool Success => true;
}
