using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Hardening;

/// <summary>
/// One generated hostile request: built through <see cref="HttpClient"/> (<see cref="Build"/>) or written as raw
/// bytes on a socket (<see cref="Raw"/>) when HttpClient would refuse to send it. Every one must be rejected.
/// </summary>
/// <param name="MayBeCutOff">The server may close the connection before the client has sent everything (an oversized body), so the client may see no answer.</param>
/// <param name="HalfClose">A raw request whose body is incomplete: the client closes its side so the server notices.</param>
/// <param name="Http1Answer">False for a raw request that is not HTTP/1.1, which may get another protocol's answer or none.</param>
public sealed record HostileRequest(string Kind, string Description, Func<HttpRequestMessage>? Build = null, byte[]? Raw = null, bool MayBeCutOff = false, bool HalfClose = false, bool Http1Answer = true)
{
    public bool IsRaw => Raw is not null;
}

/// <summary>
/// Deterministic generator of requests that Relay must reject with a 4xx: each index gets its own
/// <see cref="Random"/>, so a failing request can be reproduced from the seed and its index alone. None of them
/// can be accepted: credentials are wrong, or (with right credentials) a required field is always broken.
/// </summary>
public sealed class HostileRequestGenerator(int seed)
{
    private const string Acme = RelayCluster.AcmeSecret;
    private const string Globex = RelayCluster.GlobexSecret;
    private const string ManagementKey = RelayCluster.ManagementApiKey;
    private const int MiB = 1024 * 1024;

    private static readonly (string Kind, int Weight, Func<Random, HostileRequest> Create)[] Kinds =
    [
        ("garbage-body", 700, GarbageBody),
        ("invalid-utf8", 500, InvalidUtf8),
        ("deep-nesting", 300, DeepNesting),
        ("huge-json", 120, HugeJson),
        ("over-limit-length", 90, OverLimitWithLength),
        ("over-limit-chunked", 50, OverLimitChunked),
        ("content-type", 600, WrongContentType),
        ("acme-signature", 800, BadAcmeSignature),
        ("globex-token", 600, BadGlobexToken),
        ("signed-invalid-payload", 900, SignedInvalidPayload),
        ("provider-name", 500, OddProviderName),
        ("method", 350, WrongMethod),
        ("headers", 250, OversizedHeaders),
        ("management-no-key", 900, ManagementWithoutKey),
        ("management-bad-id", 700, ManagementBadId),
        ("management-bad-query", 900, ManagementBadQuery),
        ("replay-invalid", 500, InvalidReplay),
        ("unknown-route", 200, UnknownRoute),
        ("raw-http", 400, RawHttp),
        ("header-non-ascii", 400, NonAsciiHeader),
        ("method-tunnel", 200, TunnelMethod),
        ("forwarded-spoof", 300, SpoofedForwarding),
        ("content-encoding", 300, ContentEncoding),
        ("content-type-lax", 300, LaxContentType),
        ("signed-unstorable", 500, SignedUnstorable),
    ];

    private static readonly int TotalWeight = Kinds.Sum(k => k.Weight);

    public static IEnumerable<string> KindNames => Kinds.Select(k => k.Kind);

    public HostileRequest Create(int index)
    {
        var random = new Random(unchecked(seed * 1_000_003 + index));
        var pick = random.Next(TotalWeight);
        foreach (var (_, weight, create) in Kinds)
        {
            if (pick < weight)
            {
                return create(random);
            }
            pick -= weight;
        }
        throw new InvalidOperationException("unreachable");
    }

    // ---------------------------------------------------------------- webhooks: bodies

    private static HostileRequest GarbageBody(Random random)
    {
        var provider = Pick(random, "acme", "globex");
        var bytes = new byte[random.Next(0, 4096)];
        random.NextBytes(bytes);
        if (random.Next(3) == 0 && bytes.Length > 0)
        {
            bytes[0] = (byte)'{'; // looks like JSON for one byte
        }
        return Post("garbage-body", $"/api/v1/webhooks/{provider}", bytes, "application/json", $"{bytes.Length} random bytes", Credentials(random, provider, bytes));
    }

    private static HostileRequest InvalidUtf8(Random random)
    {
        byte[][] bad =
        [
            [0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xF4, 0x90, 0x80, 0x80],
        ];
        var provider = Pick(random, "acme", "globex");
        var body = new List<byte>();
        body.AddRange(Encoding.UTF8.GetBytes(provider == "acme" ? Webhooks.AcmeBody()[..^1] : Webhooks.GlobexBody()[..^1]));
        body.AddRange(Encoding.UTF8.GetBytes(",\""));
        var where = random.Next(3);
        if (where == 0)
        {
            body.AddRange(Pick(random, bad)); // in a key
        }
        body.AddRange(Encoding.UTF8.GetBytes("note\":\"x"));
        body.AddRange(Pick(random, bad)); // in a value, always
        body.AddRange(Encoding.UTF8.GetBytes("y\"}"));
        if (where == 2)
        {
            body.InsertRange(0, Pick(random, bad)); // before the document
        }
        var bytes = body.ToArray();
        // Correctly signed half of the time: the bytes are authentic, they are just not UTF-8.
        return Post("invalid-utf8", $"/api/v1/webhooks/{provider}", bytes, "application/json; charset=utf-8", "JSON with invalid UTF-8",
            random.Next(2) == 0 ? ValidCredentials(provider, bytes) : Credentials(random, provider, bytes));
    }

    private static HostileRequest DeepNesting(Random random)
    {
        var depth = Pick(random, 65, 100, 1_000, 10_000, 10_000);
        var provider = Pick(random, "acme", "globex");
        var shape = random.Next(3);
        var text = shape switch
        {
            0 => new string('[', depth) + new string(']', depth),
            1 => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth),
            _ => "{\"eventId\":\"e\",\"eventType\":\"t\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"data\":" + string.Concat(Enumerable.Repeat("{\"a\":[", depth)) + "1" + string.Concat(Enumerable.Repeat("]}", depth)) + "}",
        };
        var bytes = Encoding.UTF8.GetBytes(text);
        return Post("deep-nesting", $"/api/v1/webhooks/{provider}", bytes, "application/json", $"depth {depth}, shape {shape}",
            random.Next(2) == 0 ? ValidCredentials(provider, bytes) : Credentials(random, provider, bytes));
    }

    private static HostileRequest HugeJson(Random random)
    {
        var provider = Pick(random, "acme", "globex");
        var target = random.Next(200_000, MiB - 4096);
        var builder = new StringBuilder(target + 64).Append("{\"eventId\":\"evt_huge\",\"eventType\":\"x\",\"occurredAt\":\"2026-11-20T10:15:00Z\",\"data\":{\"items\":[");
        var shape = random.Next(3);
        while (builder.Length < target)
        {
            builder.Append(shape switch
            {
                0 => "1e999999,",
                1 => "\"\\u0000\\ud800\\uffff\",",
                _ => "{\"k\":[true,false,null]},",
            });
        }
        builder.Append("0]}}");
        var bytes = Encoding.UTF8.GetBytes(builder.ToString());
        // Never valid credentials: otherwise this would be a (large) legitimate webhook.
        return Post("huge-json", $"/api/v1/webhooks/{provider}", bytes, "application/json", $"{bytes.Length} bytes of valid JSON", InvalidCredentials(random, provider));
    }

    private static HostileRequest OverLimitWithLength(Random random)
    {
        var expectContinue = random.Next(2) == 0;
        var path = Pick(random, "/api/v1/webhooks/acme", "/api/v1/webhooks/globex", "/api/v1/events/00000000-0000-0000-0000-000000000001/replay", "/api/v1/internal/delivery-sink/acme");
        // The development sink takes what a delivery may carry (2 MiB); webhooks 1 MiB, management 64 KiB.
        var size = path.Contains("delivery-sink", StringComparison.Ordinal) ? random.Next(2 * MiB + 1, 3 * MiB) : random.Next(MiB + 1, 3 * MiB);
        return new HostileRequest("over-limit-length", $"POST {path} with Content-Length {size}{(expectContinue ? ", Expect: 100-continue" : "")}", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(JsonPadding(size)) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.ExpectContinue = expectContinue;
            request.Headers.TryAddWithoutValidation("x-internal-api-key", ManagementKey);
            return request;
        }, MayBeCutOff: !expectContinue);
    }

    private static HostileRequest OverLimitChunked(Random random)
    {
        var size = random.Next(MiB + 1, 2 * MiB + MiB / 2);
        var path = Pick(random, "/api/v1/webhooks/acme", "/api/v1/webhooks/globex", "/api/v1/events/00000000-0000-0000-0000-000000000001/replay");
        return new HostileRequest("over-limit-chunked", $"POST {path}, chunked, {size} bytes", () =>
        {
            // No length: HttpClient sends a stream of unknown length chunked.
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StreamContent(new UnseekableStream(JsonPadding(size))) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TransferEncodingChunked = true;
            request.Headers.TryAddWithoutValidation("x-internal-api-key", ManagementKey);
            return request;
        }, MayBeCutOff: true);
    }

    private static HostileRequest WrongContentType(Random random)
    {
        var provider = Pick(random, "acme", "globex");
        var contentType = Pick<string?>(random,
            null, "text/plain", "application/xml", "text/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
            "image/png", "json", "application/jsonx", "application/json+", "*/*", "application/*", "]]]", ";;;", "application/json/x",
            "application/octet-stream", "text/html; charset=utf-8", "application/javascript");
        var body = provider == "acme" ? Webhooks.AcmeBody() : Webhooks.GlobexBody();
        var bytes = Encoding.UTF8.GetBytes(body);
        // Right credentials: only the content type is wrong, so it alone must be the reason for the rejection.
        return Post("content-type", $"/api/v1/webhooks/{provider}", bytes, contentType, $"Content-Type: {contentType ?? "(none)"}", ValidCredentials(provider, bytes));
    }

    // ---------------------------------------------------------------- webhooks: credentials

    private static HostileRequest BadAcmeSignature(Random random)
    {
        var body = Encoding.UTF8.GetBytes(Webhooks.AcmeBody(eventId: $"evt_{random.Next():x}"));
        var correct = Webhooks.Sign(Encoding.UTF8.GetString(body));
        var variant = random.Next(14);
        string[] values = variant switch
        {
            0 => [],
            1 => [""],
            2 => ["sha256=" + correct],
            3 => [correct.ToUpperInvariant()],
            4 => [Webhooks.Sign(Encoding.UTF8.GetString(body) + " ")],
            5 => [correct[..63]],
            6 => [correct + "0"],
            7 => [new string('z', 64)],
            8 => [new string('a', 16 * 1024)],
            9 => [correct, new string('0', 64)],
            10 => [Convert.ToBase64String(Convert.FromHexString(correct))],
            11 => [Webhooks.Sign(Encoding.UTF8.GetString(body), "wrong-secret")],
            12 => ["\u00e9\u00e9" + correct[2..]],
            _ => [correct[..32] + "  " + correct[32..]],
        };
        return new HostileRequest("acme-signature", $"acme signature variant {variant}", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/acme") { Content = JsonContent(body) };
            if (values.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("x-acme-signature", values);
            }
            return request;
        });
    }

    private static HostileRequest BadGlobexToken(Random random)
    {
        var body = Encoding.UTF8.GetBytes(Webhooks.GlobexBody(id: $"gbx_{random.Next():x}"));
        var variant = random.Next(11);
        string[] values = variant switch
        {
            0 => [],
            1 => [""],
            2 => [Globex + "x"],
            3 => ["x" + Globex],
            4 => [Globex.ToUpperInvariant()],
            5 => [Globex[..^1]],
            6 => [new string('g', 8 * 1024)],
            7 => [Globex, Globex],
            8 => [Acme],
            9 => ["Bearer " + Globex],
            _ => [Globex.Replace('-', '_')],
        };
        return new HostileRequest("globex-token", $"globex token variant {variant}", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/globex") { Content = JsonContent(body) };
            if (values.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("x-globex-token", values);
            }
            if (variant == 9)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Globex);
            }
            return request;
        });
    }

    /// <summary>Right credentials, payload that must fail normalization: at least one required field is always broken.</summary>
    private static HostileRequest SignedInvalidPayload(Random random)
    {
        var provider = Pick(random, "acme", "globex");
        string[] required = provider == "acme" ? ["eventId", "eventType", "data"] : ["id", "type", "resource"];
        var dateField = provider == "acme" ? "occurredAt" : "timestamp";
        var payload = new Dictionary<string, object?>
        {
            [required[0]] = $"id_{random.Next():x}",
            [required[1]] = "thing.happened",
            [dateField] = Pick<object?>(random,
                "2026-11-20T10:15:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59.9999999Z",
                "0000-00-00", "not a date", "2026-13-45T99:99:99Z", "", 1732097700, null, "  2026-11-20  ", "2026-11-20T10:15:00+99:99",
                "-0001-01-01T00:00:00Z", "+275760-09-13T00:00:00Z", new string('9', 5000)),
            [required[2]] = new Dictionary<string, object?> { ["id"] = "x_1" },
        };
        // Break one or more required fields; the date above may be valid, these never are.
        var breaks = random.Next(1, 4);
        foreach (var field in required.OrderBy(_ => random.Next()).Take(breaks))
        {
            object? broken = field == required[2]
                ? Pick<object?>(random, Missing.Value, new[] { 1, 2 }, "object", 42, null, true, Array.Empty<object>())
                : Pick<object?>(random, Missing.Value, "", 123, null, false, new[] { "a" }, new Dictionary<string, object?>());
            if (broken is Missing)
            {
                payload.Remove(field);
            }
            else
            {
                payload[field] = broken;
            }
        }
        // Noise that must not matter.
        if (random.Next(2) == 0)
        {
            payload["subject"] = Pick<object?>(random, 1e308, new string('\u202e', 100), "\u0000\u0001", new[] { new[] { new[] { 1 } } }, long.MinValue);
        }
        if (random.Next(3) == 0)
        {
            payload[new string('k', random.Next(1, 2000))] = new string('v', random.Next(0, 20_000));
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(payload);
        return Post("signed-invalid-payload", $"/api/v1/webhooks/{provider}", bytes, "application/json", $"signed {provider} payload {Truncate(Encoding.UTF8.GetString(bytes), 300)}", ValidCredentials(provider, bytes));
    }

    private static HostileRequest OddProviderName(Random random)
    {
        var name = Pick(random,
            "..", "%2e%2e", "..%2f..%2fevents", "%2e%2e%2f%2e%2e%2fintegrations", "a", new string('a', 51), new string('p', 300), "ACME", "Acme%20Corp",
            "acme.", "acme%00", "%ff%fe", "acm%C3%A9", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "'%20OR%201=1%20--", "nosuch", "acme;drop", "acme%2Fx",
            "acme%5C..%5Cx", "~root", "con", "acme%0d%0aX-Injected:%201", "-acme", "_", "%20", "acme%09", "0", "acme%23frag", "acme%3Fx=1", "%E2%80%AE");
        var body = Encoding.UTF8.GetBytes(Webhooks.AcmeBody());
        return new HostileRequest("provider-name", $"POST /api/v1/webhooks/{name}", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{name}") { Content = JsonContent(body) };
            // A valid acme signature: if a name were folded into "acme", only the body would differ from a real webhook,
            // so the request carries the signature of a different body.
            request.Headers.TryAddWithoutValidation("x-acme-signature", Webhooks.Sign("{}"));
            return request;
        });
    }

    private static HostileRequest WrongMethod(Random random)
    {
        var method = new HttpMethod(Pick(random, "PUT", "DELETE", "PATCH", "GET", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "FOO", "CONNECTX"));
        var path = Pick(random, "/api/v1/webhooks/acme", "/api/v1/webhooks/globex", "/api/v1/events", "/api/v1/integrations", "/api/v1/events/00000000-0000-0000-0000-000000000001",
            "/api/v1/events/00000000-0000-0000-0000-000000000001/replay", "/api/v1/deliveries", "/api/v1/audit-entries", "/api/v1/internal/delivery-sink/acme");
        var withKey = random.Next(2) == 0;
        // GET on the webhook route is a 405; GET on management routes would be a legitimate read, so those get no key.
        if (method == HttpMethod.Get && !path.StartsWith("/api/v1/webhooks", StringComparison.Ordinal) && !path.StartsWith("/api/v1/internal", StringComparison.Ordinal))
        {
            withKey = false;
        }
        if ((method == HttpMethod.Head || method == HttpMethod.Options) && !path.StartsWith("/api/v1/webhooks", StringComparison.Ordinal) && !path.StartsWith("/api/v1/internal", StringComparison.Ordinal))
        {
            withKey = false;
        }
        var body = random.Next(2) == 0 ? Encoding.UTF8.GetBytes(Webhooks.AcmeBody()) : null;
        return new HostileRequest("method", $"{method} {path}{(withKey ? " with key" : "")}", () =>
        {
            var request = new HttpRequestMessage(method, path);
            if (body is not null && method != HttpMethod.Head && method != HttpMethod.Trace)
            {
                request.Content = JsonContent(body);
            }
            if (withKey)
            {
                request.Headers.TryAddWithoutValidation("x-internal-api-key", ManagementKey);
            }
            return request;
        });
    }

    private static HostileRequest OversizedHeaders(Random random)
    {
        var variant = random.Next(6);
        var path = Pick(random, "/api/v1/webhooks/acme", "/api/v1/events", "/api/v1/webhooks/globex");
        var body = Encoding.UTF8.GetBytes(Webhooks.AcmeBody());
        return new HostileRequest("headers", $"{path} header variant {variant}", () =>
        {
            var target = variant == 4 ? path + "?q=" + new string('q', 10_000) : path;
            var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = JsonContent(body) };
            switch (variant)
            {
                case 0:
                    request.Headers.TryAddWithoutValidation("X-Big", new string('b', 64 * 1024));
                    break;
                case 1:
                    request.Headers.TryAddWithoutValidation("X-Medium", new string('m', 20 * 1024));
                    break;
                case 2:
                    for (var i = 0; i < 150; i++)
                    {
                        request.Headers.TryAddWithoutValidation($"X-Many-{i}", "v");
                    }
                    break;
                case 3:
                    for (var i = 0; i < 90; i++)
                    {
                        request.Headers.TryAddWithoutValidation($"X-Wide-{i}", new string('w', 300));
                    }
                    break;
                case 4:
                    break; // the 10 KB query string
                default:
                    request.Headers.TryAddWithoutValidation("X-Request-Id", new string('r', 4096));
                    request.Headers.TryAddWithoutValidation("X-Forwarded-For", "999.999.999.999, not-an-ip, ::ffff:zz");
                    request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "gopher");
                    request.Headers.TryAddWithoutValidation("Forwarded", "for=\"[::1]\";proto=ftp");
                    request.Headers.TryAddWithoutValidation("x-internal-api-key", "\u00ff\u00fe" + ManagementKey);
                    break;
            }
            if (variant is 0 or 1 or 2)
            {
                request.Headers.TryAddWithoutValidation("x-internal-api-key", ManagementKey);
            }
            request.Headers.TryAddWithoutValidation("x-acme-signature", new string('0', 64));
            return request;
        });
    }

    // ---------------------------------------------------------------- management routes

    private static HostileRequest ManagementWithoutKey(Random random)
    {
        var path = Pick(random, "/api/v1/events", "/api/v1/integrations", "/api/v1/deliveries", "/api/v1/audit-entries", "/api/v1/events/00000000-0000-0000-0000-000000000001",
            "/api/v1/events/x/y/z", "/api/v1/processing-status/abc", "/api/v1/replays/whatever", "/API/V1/EVENTS", "/api/v1/events/", "/api/v1/integrations/../events",
            "/api/v1/events?page=1", "/api/v1/events/00000000-0000-0000-0000-000000000001/replay");
        var variant = random.Next(10);
        string[] keys = variant switch
        {
            0 => [],
            1 => [""],
            2 => [ManagementKey + "x"],
            3 => [ManagementKey[..^1]],
            4 => [ManagementKey.ToUpperInvariant()],
            5 => [new string('k', 10_000)],
            6 => [ManagementKey, ManagementKey],
            7 => ["\u00e9" + ManagementKey[1..]],
            8 => [ManagementKey + "\t\u00a0"],
            _ => ["null"],
        };
        var method = path.EndsWith("/replay", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get;
        return new HostileRequest("management-no-key", $"{method} {path} with key variant {variant}", () =>
        {
            var request = new HttpRequestMessage(method, path);
            if (keys.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("x-internal-api-key", keys);
            }
            if (variant == 9)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ManagementKey);
            }
            if (method == HttpMethod.Post)
            {
                request.Content = JsonContent(Encoding.UTF8.GetBytes("""{"reason":"a valid reason","requestedBy":"fuzzer"}"""));
            }
            return request;
        });
    }

    private static HostileRequest ManagementBadId(Random random)
    {
        var id = Pick(random,
            "not-a-uuid", "1", "-1", "'%20OR%20'1'='1", "%00", "%7B00000000-0000-0000-0000-000000000001%7D", "00000000000000000000000000000001",
            "00000000-0000-0000-0000-0000000000012", "00000000-0000-0000-0000-00000000000g", "%2e%2e%2fintegrations", new string('9', 2000), "%E2%80%AE",
            "00000000-0000-0000-0000-000000000000", Guid.NewGuid().ToString(), "(00000000-0000-0000-0000-000000000001)", "0x1", "null", "undefined",
            "00000000-0000-0000-0000-000000000001%20", "%2000000000-0000-0000-0000-000000000001");
        var template = Pick(random, "/api/v1/events/{0}", "/api/v1/events/{0}/status", "/api/v1/processing-status/{0}", "/api/v1/replays/{0}", "/api/v1/events/{0}/unknown");
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, id);
        return new HostileRequest("management-bad-id", $"GET {Truncate(path, 200)}", () => WithKey(new HttpRequestMessage(HttpMethod.Get, path)));
    }

    private static HostileRequest ManagementBadQuery(Random random)
    {
        var route = Pick(random, "/api/v1/events", "/api/v1/integrations", "/api/v1/deliveries", "/api/v1/audit-entries");
        // One parameter that is always invalid for the route ...
        var invalid = route switch
        {
            "/api/v1/events" => Pick(random,
                "page=0", "page=-1", "page=abc", "page=99999999999999999999", "page=10000001", "page=%201", "page=%2B1", "page=1.0", "page=1e3", "page=0x10",
                "pageSize=0", "pageSize=101", "pageSize=-5", "pageSize=1000000", "pageSize=NaN", "status=bogus", "status=PENDING", "status=processed;",
                "sortBy=id", "sortBy=receivedAt%20desc", "sortBy=1;DROP%20TABLE%20normalized_events", "sortOrder=sideways", "sortOrder=ASC",
                "from=not-a-date", "from=2026-13-45", "to=20261120", "to=2026-11-20T25:00:00Z", "from=2026-11-21&to=2026-11-20", "page=1&page=2",
                "provider=A%20B", "provider=x", $"provider={new string('p', 51)}", $"subject={new string('s', 201)}", $"eventType={new string('t', 201)}",
                "from=%00", "to=9999-99-99"),
            "/api/v1/integrations" => Pick(random, "activeOnly=maybe", "activeOnly=1", "activeOnly=TRUE", "activeOnly=yes", "provider=%3Cscript%3E", "activeOnly=true&activeOnly=false"),
            "/api/v1/deliveries" => Pick(random, "status=pending", "status=SUCCESS", "eventId=not-a-uuid", "eventId=%7B00000000-0000-0000-0000-000000000001%7D", "page=-3", "pageSize=500"),
            _ => Pick(random, "entityId=x", "entityId=1", $"entityType={new string('e', 101)}", $"action={new string('a', 101)}", "page=0", "pageSize=abc", "entityId=00000000000000000000000000000001"),
        };
        // ... and absurd but valid-looking noise that must not turn the rejection into a crash.
        var noise = Enumerable.Range(0, random.Next(0, 4)).Select(_ => Pick(random,
            "from=0001-01-01", "to=9999-12-31T23:59:59-14:00", "subject=%25%25%5F%5F%5C", "eventType=%E2%80%AE%00", "unknown=1", "sortBy=status",
            $"x{random.Next()}={new string('n', random.Next(0, 3000))}", "page=%00", "&&&", "=", "a[b][c]=d"));
        var query = string.Join('&', noise.Prepend(invalid).OrderBy(_ => random.Next()));
        return new HostileRequest("management-bad-query", $"GET {route}?{Truncate(query, 300)}", () => WithKey(new HttpRequestMessage(HttpMethod.Get, $"{route}?{query}")));
    }

    private static HostileRequest InvalidReplay(Random random)
    {
        var eventId = random.Next(4) == 0 ? Pick(random, "not-a-uuid", "%00", "1") : Guid.NewGuid().ToString();
        var body = Pick<byte[]?>(random,
            null,
            [],
            "{}"u8.ToArray(),
            "[]"u8.ToArray(),
            "null"u8.ToArray(),
            "\"reason\""u8.ToArray(),
            """{"reason":"shrt"}"""u8.ToArray(),
            """{"reason":"a valid reason","requestedBy":"x"}"""u8.ToArray(),
            Encoding.UTF8.GetBytes($$"""{"reason":"a valid reason","requestedBy":"{{new string('r', 121)}}"}"""),
            Encoding.UTF8.GetBytes($$"""{"reason":"{{new string('y', 501)}}"}"""),
            """{"reason":12345,"requestedBy":true}"""u8.ToArray(),
            """{"reason":"a valid reason","requestedBy":"   "}"""u8.ToArray(),
            [0x7B, 0x22, 0x72, 0x65, 0x61, 0x73, 0x6F, 0x6E, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0x22, 0x7D],
            Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)),
            Encoding.UTF8.GetBytes("{\"reason\":\"" + new string('z', 70 * 1024) + "\"}"),
            // A valid body: for a random (absent) event it is a 404 and must write nothing.
            """{"reason":"a perfectly valid reason","requestedBy":"fuzzer"}"""u8.ToArray());
        var contentType = Pick<string?>(random, "application/json", "application/json", "text/plain", null);
        var withKey = random.Next(8) != 0;
        return new HostileRequest("replay-invalid", $"POST /api/v1/events/{eventId}/replay ({body?.Length.ToString() ?? "no"} body bytes, {contentType ?? "no content type"}{(withKey ? "" : ", no key")})", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/events/{eventId}/replay");
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                if (contentType is not null)
                {
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                }
            }
            return withKey ? WithKey(request) : request;
        });
    }

    private static HostileRequest UnknownRoute(Random random)
    {
        var (method, path) = Pick(random,
            ("GET", "/api/v1/nope"), ("GET", "/api/v2/events"), ("GET", "/"), ("GET", "/api"), ("POST", "/api/v1/internal/other"), ("GET", "/api/v1/internal/delivery-sink/acme"),
            ("POST", "/api/v1/webhooks"), ("POST", "/api/v1/webhooks/"), ("POST", "/api/v1/webhooks/acme/extra"), ("GET", "/%00"), ("GET", "/api/v1/.env"), ("GET", "/api/v1/../../etc/passwd"),
            ("POST", "/api/v1/internal/delivery-sink/acme"), ("POST", "/api/v1/internal/delivery-sink/globex"), ("GET", "/health/../api/v1/events"), ("GET", "/api/v1/events%2f..%2f..%2fhealth"));
        var sinkBody = Pick(random, ""u8.ToArray(), "not json"u8.ToArray(), [0xFF, 0xFE], Encoding.UTF8.GetBytes(new string('[', 10_000)), "{\"a\":"u8.ToArray());
        return new HostileRequest("unknown-route", $"{method} {path}", () =>
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
            {
                // The sink answers 202 to any JSON; these bodies are never JSON.
                request.Content = JsonContent(sinkBody);
            }
            return request;
        });
    }

    // ---------------------------------------------------------------- raw HTTP/1.1 that HttpClient would not send

    private static HostileRequest RawHttp(Random random)
    {
        var body = Webhooks.AcmeBody();
        var variant = random.Next(16);
        var text = variant switch
        {
            0 => "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nBad Header Line\r\nConnection: close\r\n\r\n",
            1 => "BLAH\r\n\r\n",
            2 => "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\nConnection: close\r\n\r\n",
            3 => $"POST /api/v1/webhooks/acme HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZZ\r\n{body}\r\n0\r\n\r\n",
            4 => $"POST /api/v1/webhooks/acme HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /api/v1/integrations HTTP/1.1\r\nHost: x\r\n\r\n",
            5 => $"POST /api/v1/webhooks/acme HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\nConnection: close\r\n\r\n{body}",
            6 => $"POST /api/v1/webhooks/acme HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\nConnection: close\r\n\r\n{body}",
            7 => $"POST /api/v1/webhooks/acme HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\nContent-Length: 20\r\nConnection: close\r\n\r\n{body}",
            8 => "GET /api/v1/webhooks/../../api/v1/integrations HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            9 => "GET http://evil.example/api/v1/events HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n",
            10 => "GET /api/v1/events HTTP/1.1\r\nHost: ../../\r\nConnection: close\r\n\r\n",
            11 => $"GET /api/v1/events?{new string('q', 10_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            12 => $"POST /api/v1/webhooks/acme HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-acme-signature: {new string('0', 64)}\r\nContent-Length: {body.Length + 100}\r\nConnection: close\r\n\r\n{body}",
            13 => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            14 => $"POST /api/v1/webhooks/acme HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{Convert.ToString(body.Length, 16)}\r\n{body}\r\n",
            _ => "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nx-internal-api-key: \u00ff\u00fe\r\nConnection: close\r\n\r\n",
        };
        // Latin-1 keeps the \u00ff bytes single bytes on the wire.
        return new HostileRequest("raw-http", $"raw variant {variant}: {Truncate(text.Replace("\r\n", "\\r\\n").Replace("\0", "\\0"), 200)}", Raw: Encoding.Latin1.GetBytes(text),
            HalfClose: variant is 12 or 14, Http1Answer: variant != 13);
    }

    // ---------------------------------------------------------------- second round: what an outside tester found

    /// <summary>A header byte outside ASCII on any route, with or without valid credentials: 400, never 503.</summary>
    private static HostileRequest NonAsciiHeader(Random random)
    {
        var provider = Pick(random, "acme", "globex");
        var body = Encoding.UTF8.GetBytes(provider == "acme" ? Webhooks.AcmeBody() : Webhooks.GlobexBody());
        // Not X-Request-Id: the gateway replaces a request id it does not like with its own, and forwards the request.
        var header = Pick(random, "X-Note", "User-Agent", "Accept-Language", "X-Forwarded-Host", "Referer");
        // The fuzz client writes header values as Latin-1, so each of these chars is one byte >= 0x80 on the wire.
        var value = Pick(random, "caf\u00e9", "\u00ff\u00fe", "na\u00efve", "\u00c3\u00a9t\u00c3\u00a9", "x\u0080y", new string('\u00e9', 200));
        var path = Pick(random, $"/api/v1/webhooks/{provider}", "/api/v1/events", "/api/v1/integrations", "/api/v1/nosuch");
        return new HostileRequest("header-non-ascii", $"POST {path} with {header}: {value.Length} chars of Latin-1", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent(body) };
            ValidCredentials(provider, body)(request);
            if (!path.Contains("webhooks", StringComparison.Ordinal))
            {
                WithKey(request);
            }
            request.Headers.TryAddWithoutValidation(header, value);
            return request;
        });
    }

    /// <summary>CONNECT and TRACE, which no route serves: 4xx (405), never forwarded, never 503.</summary>
    private static HostileRequest TunnelMethod(Random random)
    {
        var text = random.Next(4) switch
        {
            0 => "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\nConnection: close\r\n\r\n",
            1 => "CONNECT /api/v1/webhooks/acme HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            2 => $"TRACE {Pick(random, "/api/v1/events", "/api/v1/webhooks/acme", "/api/v1/health", "/")} HTTP/1.1\r\nHost: x\r\nx-internal-api-key: {ManagementKey}\r\nConnection: close\r\n\r\n",
            _ => $"{Pick(random, "TRACK", "DEBUG", "MOVE", "BREW")} /api/v1/webhooks/globex HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        };
        return new HostileRequest("method-tunnel", Truncate(text.Replace("\r\n", "\\r\\n"), 200), Raw: Encoding.Latin1.GetBytes(text));
    }

    /// <summary>Forged client addresses with bad credentials: still refused, whatever address the request claims.</summary>
    private static HostileRequest SpoofedForwarding(Random random)
    {
        var provider = Pick(random, "acme", "globex");
        var body = Encoding.UTF8.GetBytes(provider == "acme" ? Webhooks.AcmeBody() : Webhooks.GlobexBody());
        var forged = Pick(random, "203.0.113.7", "10.0.0.1", "127.0.0.1", "::1", "1.2.3.4, 5.6.7.8", "not-an-ip", "unknown", new string('9', 300));
        var header = Pick(random, "X-Forwarded-For", "X-Real-IP", "Forwarded", "X-Forwarded-Host", "X-Original-For");
        var credentials = InvalidCredentials(random, provider);
        return new HostileRequest("forwarded-spoof", $"POST /api/v1/webhooks/{provider} with {header}: {Truncate(forged, 40)}", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{provider}") { Content = JsonContent(body) };
            credentials(request);
            request.Headers.TryAddWithoutValidation(header, header == "Forwarded" ? $"for={forged}" : forged);
            return request;
        });
    }

    /// <summary>A correctly signed webhook sent with a Content-Encoding: 415 (Relay takes identity only), no row.</summary>
    private static HostileRequest ContentEncoding(Random random)
    {
        var provider = Pick(random, "acme", "globex");
        var json = Encoding.UTF8.GetBytes(provider == "acme" ? Webhooks.AcmeBody() : Webhooks.GlobexBody());
        var encoding = Pick(random, "gzip", "br", "deflate", "x-unknown", "gzip, identity", "GZIP");
        // Half the time the bytes really are compressed (and signed as sent), half the time they are plain JSON.
        var body = random.Next(2) == 0 ? Gzip(json) : json;
        return new HostileRequest("content-encoding", $"signed {provider} webhook, Content-Encoding: {encoding}, {body.Length} bytes", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{provider}") { Content = JsonContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Encoding", encoding);
            ValidCredentials(provider, body)(request);
            return request;
        });
    }

    /// <summary>A correctly signed webhook whose Content-Type only looks like JSON: 415, no row.</summary>
    private static HostileRequest LaxContentType(Random random)
    {
        var provider = Pick(random, "acme", "globex");
        var body = Encoding.UTF8.GetBytes(provider == "acme" ? Webhooks.AcmeBody() : Webhooks.GlobexBody());
        var contentType = Pick(random,
            "application/ json", "text/plain+json", "application/json; charset=latin1", "application/json; charset=utf-16", "text/json",
            "application/jsonp", "application/json+", "application/+json", "json", "application/x-json", "application / json");
        return Post("content-type-lax", $"/api/v1/webhooks/{provider}", body, contentType, $"signed, Content-Type: {contentType}", ValidCredentials(provider, body));
    }

    /// <summary>
    /// Correctly signed, well-formed JSON that PostgreSQL cannot store where Relay would put it (an over-long or NUL-bearing
    /// id, an unpaired surrogate, a number beyond numeric, a date beyond timestamptz): 400 naming the field, never 5xx, no row.
    /// </summary>
    private static HostileRequest SignedUnstorable(Random random)
    {
        var id = $"evt_{random.Next():x}";
        var type = "invoice.paid";
        var date = "2026-11-20T10:15:00Z";
        var data = "{\"id\":\"x_1\"}";
        var variant = random.Next(8);
        switch (variant)
        {
            case 0: id = id + new string('i', random.Next(256, 3_000)); break;
            case 1: id = id + "\\u0000"; break;
            case 2: type = "invoice.\\ud800"; break;
            case 3: type = new string('t', random.Next(201, 3_000)); break;
            case 4: date = Pick(random, "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59.9999999Z"); break;
            case 5: data = "{\"id\":\"x_1\",\"n\":" + Pick(random, "1e1000000", "-1e1000000", "1e-1000000", "9" + new string('9', 140_000)) + "}"; break;
            case 6: data = "{\"id\":\"x_1\",\"s\":\"a\\u0000b\"}"; break;
            default: data = "{\"id\":\"x_1\",\"" + Pick(random, "\\udc00", "k\\ud800") + "\":1}"; break;
        }
        var text = $"{{\"eventId\":\"{id}\",\"eventType\":\"{type}\",\"occurredAt\":\"{date}\",\"data\":{data}}}";
        var body = Encoding.UTF8.GetBytes(text);
        return Post("signed-unstorable", "/api/v1/webhooks/acme", body, "application/json", $"variant {variant}: {Truncate(text, 200)}", ValidCredentials("acme", body));
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    // ---------------------------------------------------------------- helpers

    private static HostileRequest Post(string kind, string path, byte[] body, string? contentType, string description, Action<HttpRequestMessage> credentials) =>
        new(kind, $"POST {path}: {description}", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
            credentials(request);
            return request;
        });

    private static Action<HttpRequestMessage> ValidCredentials(string provider, byte[] body) => provider == "acme"
        ? request => request.Headers.TryAddWithoutValidation("x-acme-signature", Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Acme), body)))
        : request => request.Headers.TryAddWithoutValidation("x-globex-token", Globex);

    private static Action<HttpRequestMessage> InvalidCredentials(Random random, string provider)
    {
        var value = provider == "acme" ? Pick(random, "", new string('0', 64), "nope") : Pick(random, "", "nope", Acme);
        return request => request.Headers.TryAddWithoutValidation(provider == "acme" ? "x-acme-signature" : "x-globex-token", value);
    }

    /// <summary>Valid or invalid credentials: garbage bodies are rejected either way, at different steps.</summary>
    private static Action<HttpRequestMessage> Credentials(Random random, string provider, byte[] body) =>
        random.Next(2) == 0 ? ValidCredentials(provider, body) : InvalidCredentials(random, provider);

    private static HttpRequestMessage WithKey(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("x-internal-api-key", ManagementKey);
        return request;
    }

    private static ByteArrayContent JsonContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>A JSON object of exactly <paramref name="size"/> bytes.</summary>
    private static byte[] JsonPadding(int size)
    {
        var bytes = new byte[size];
        bytes.AsSpan().Fill((byte)'a');
        "{\"p\":\""u8.CopyTo(bytes);
        "\"}"u8.CopyTo(bytes.AsSpan(size - 2));
        return bytes;
    }

    private static T Pick<T>(Random random, params T[] values) => values[random.Next(values.Length)];

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length] + "...";

    private sealed class Missing
    {
        public static readonly Missing Value = new();
    }

    /// <summary>Hides the length, so HttpClient streams the body chunked.</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
