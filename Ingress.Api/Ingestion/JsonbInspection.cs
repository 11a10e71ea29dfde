namespace Relay.Ingress.Api.Ingestion;

/// <summary>
/// What PostgreSQL's jsonb would make of a JSON document: the length in bytes of its text form (what
/// <c>normalized_payload::text</c> gives the delivery worker), or the first value it cannot hold, by its path.
/// </summary>
public sealed record JsonbInspection(long TextLength, string? ProblemPath, string? Problem)
{
    public bool Storable => Problem is null;
}
