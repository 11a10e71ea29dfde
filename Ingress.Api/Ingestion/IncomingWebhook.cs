using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Caching.Memory;

namespace Relay.Ingress.Api.Ingestion;

public sealed record IncomingWebhook(string Provider, ReadOnlyMemory<byte> Body, IHeaderDictionary Headers, IPAddress? SourceIp, string CorrelationId);
