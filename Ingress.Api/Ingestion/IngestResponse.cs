using System.Text.RegularExpressions;
using Microsoft.Extensions.Caching.Memory;

namespace Relay.Ingress.Api.Ingestion;

public sealed record IngestResponse(Guid EventId, string Status, bool Duplicate, string CorrelationId);
