namespace Relay.Infrastructure.Http;

public sealed record ApiErrorEnvelope(ApiErrorBody Error)
{
    public bool Success => false;
}
