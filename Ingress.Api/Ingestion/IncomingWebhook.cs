using System.Net;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>A webhook as it arrived; <see cref="Body"/> is the request's own buffer, stored as it is (no copy).</summary>
public sealed record IncomingWebhook(string Provider, byte[] Body, IHeaderDictionary Headers, IPAddress? SourceIp, string CorrelationId);
