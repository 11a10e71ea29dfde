using System.Net;
using Microsoft.AspNetCore.Http;

namespace Relay.Ingress.Api.Publishing;

/// <summary>
/// A publish request as it arrived, from an authenticated key: the body as sent, its headers, where it came from,
/// and its <c>Idempotency-Key</c> if it has one.
/// </summary>
public sealed record IncomingPublish(byte[] Body, IHeaderDictionary Headers, IPAddress? SourceIp, string CorrelationId, string ApiKeyId, string? IdempotencyKey);
