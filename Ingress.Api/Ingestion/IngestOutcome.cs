using System.Text.RegularExpressions;
using Microsoft.Extensions.Caching.Memory;
using Relay.Infrastructure.Http;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>The outcome of one webhook: accepted (202), a duplicate of an earlier one (200), or an error.</summary>
public sealed record IngestOutcome(IngestResponse? Accepted, IngestResponse? Duplicate, ApiError? Error, TimeSpan? RetryAfter = null);
