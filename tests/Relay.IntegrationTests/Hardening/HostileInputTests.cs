using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Relay.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace Relay.IntegrationTests.Hardening;

/// <summary>
/// Its own cluster, so nothing but the fuzz run writes to its database while rows are counted. The workers are
/// left out: no request of the run may be accepted, so there is nothing for them to do.
/// </summary>
public sealed class HardeningCluster : RelayCluster
{
    protected override string Purpose => "hardening";

    protected override IReadOnlyList<string> ServicesToRun => ["Ingress.Api", "Management.Api", "Gateway"];

    // YARP warns about every request body it could not forward (413s, abandoned bodies); keep the logs for real errors.
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Logging__LogLevel__Yarp"] = "Error",
    };
}

/// <summary>
/// At least 10,000 generated hostile requests through the gateway (loopback only, 16 at a time, bounded in time):
/// every one must be answered with a 4xx (in the envelope wherever the request reached Relay's pipeline), none
/// with a 5xx, and none may write a row. Reproduce a failure with RELAY_FUZZ_SEED and the index in the report.
/// <c>scripts/hostile.sh</c> runs it long: RELAY_FUZZ_REQUESTS, RELAY_FUZZ_MINUTES, and the report in RELAY_FUZZ_REPORT.
/// </summary>
public sealed class HostileInputTests(HardeningCluster cluster, ITestOutputHelper output) : IClassFixture<HardeningCluster>
{
    private const int DefaultRequests = 10_240;
    private const int Concurrency = 16;
    private static readonly TimeSpan DefaultRunLimit = TimeSpan.FromMinutes(6);
    private static readonly string[] CountedTables =
        ["webhook_events", "normalized_events", "processing_jobs", "delivery_attempts", "replay_requests", "audit_entries", "outbox_messages"];

    [Fact]
    public async Task Ten_thousand_hostile_requests_get_4xx_never_5xx_and_write_nothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("RELAY_FUZZ_SEED"), out var s) ? s : 20261123;
        var total = Math.Max(DefaultRequests, int.TryParse(Environment.GetEnvironmentVariable("RELAY_FUZZ_REQUESTS"), out var n) ? n : 0);
        var runLimit = int.TryParse(Environment.GetEnvironmentVariable("RELAY_FUZZ_MINUTES"), out var minutes) && minutes > 0 ? TimeSpan.FromMinutes(minutes) : DefaultRunLimit;
        var generator = new HostileRequestGenerator(seed);
        using var client = CreateFuzzClient();
        var before = await CountRowsAsync();

        var outcomes = new ConcurrentBag<Outcome>();
        using var limit = new CancellationTokenSource(runLimit);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, total), new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = limit.Token },
                async (index, cancellationToken) =>
                {
                    var request = generator.Create(index);
                    outcomes.Add(await SendAsync(client, index, request, cancellationToken));
                });
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            // Out of time: report what was sent; the count assertion below fails the run.
        }
        stopwatch.Stop();

        var after = await CountRowsAsync();
        var report = Report(seed, outcomes, stopwatch.Elapsed, before, after);
        output.WriteLine(report);
        if (Environment.GetEnvironmentVariable("RELAY_FUZZ_REPORT") is { Length: > 0 } reportPath)
        {
            await File.WriteAllTextAsync(reportPath, report);
        }

        Assert.True(outcomes.Count >= total, $"only {outcomes.Count} of {total} requests were sent within {runLimit}\n{report}");
        var serverErrors = outcomes.Where(o => o.Status >= 500).ToList();
        Assert.True(serverErrors.Count == 0, $"{serverErrors.Count} server errors\n{report}\n{cluster.Logs()}");
        var problems = outcomes.Where(o => o.Problem is not null).ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} requests were not rejected properly\n{report}");
        Assert.True(before.SequenceEqual(after), $"rows were written for rejected requests\n{report}");
        // Nothing failed out of sight either (an exception behind an aborted connection answers nothing).
        var logs = cluster.Logs();
        Assert.False(logs.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase), $"a service logged an unhandled exception during the run\n{logs}");

        // The abuse left the services healthy and working.
        using var health = await client.GetAsync("/api/v1/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var plainClient = cluster.CreateClient();
        using var accepted = await plainClient.SendAsync(Webhooks.Acme(Webhooks.AcmeBody()));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    private sealed record Outcome(int Index, HostileRequest Request, int? Status, bool Enveloped, string? Problem, string? Excerpt)
    {
        public bool Retried { get; init; }

        public string Label => Status is { } status ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response";
    }

    private HttpClient CreateFuzzClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        MaxConnectionsPerServer = Concurrency * 2,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        // Lets the generator put Latin-1 bytes into header values, which HttpClient otherwise refuses to send.
        RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1,
    })
    {
        BaseAddress = cluster.GatewayAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private async Task<Outcome> SendAsync(HttpClient client, int index, HostileRequest request, CancellationToken cancellationToken)
    {
        if (request.IsRaw)
        {
            return await SendRawAsync(index, request, cancellationToken);
        }
        try
        {
            using var message = request.Build!();
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await ReadLimitedAsync(response, cancellationToken);
            return Judge(index, request, (int)response.StatusCode, body, isHead: message.Method == HttpMethod.Head);
        }
        catch (HttpRequestException exception) when (request.MayBeCutOff)
        {
            // The gateway answered 413 and closed the connection while the oversized body was still being sent.
            return new Outcome(index, request, null, false, null, exception.Message);
        }
        catch (HttpRequestException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A pooled connection the server closed after an earlier hostile request (413, 431, malformed headers)
            // can fail the next request on it before it is even sent. Judge the request again on a fresh connection.
            return await RetryOnFreshConnectionAsync(index, request, exception, cancellationToken);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(index, request, null, false, "no answer within 30 s", null);
        }
    }

    private async Task<Outcome> RetryOnFreshConnectionAsync(int index, HostileRequest request, HttpRequestException first, CancellationToken cancellationToken)
    {
        using var fresh = CreateFuzzClient();
        try
        {
            using var message = request.Build!();
            message.Headers.ConnectionClose = true;
            using var response = await fresh.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await ReadLimitedAsync(response, cancellationToken);
            return Judge(index, request, (int)response.StatusCode, body, isHead: message.Method == HttpMethod.Head) with { Retried = true };
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new Outcome(index, request, null, false, $"transport failure: {first.Message} {first.InnerException?.Message}; on a fresh connection: {exception.Message} {exception.InnerException?.Message}", null);
        }
    }

    private async Task<Outcome> SendRawAsync(int index, HostileRequest request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, cluster.GatewayAddress.Port, timeout.Token);
        var stream = tcp.GetStream();
        var received = new MemoryStream();
        try
        {
            await stream.WriteAsync(request.Raw, timeout.Token);
            if (request.HalfClose)
            {
                // An incomplete body needs the end of the stream to be noticed; complete requests say Connection: close.
                tcp.Client.Shutdown(SocketShutdown.Send);
            }
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0 && received.Length < 1024 * 1024)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A reset after the answer is normal for malformed requests; judge whatever arrived.
        }
        var text = Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length);
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || text.Length < 12 || !int.TryParse(text.AsSpan(9, 3), out var status))
        {
            // Something that is not HTTP/1.1 (an HTTP/2 preface) may get another protocol's answer (a GOAWAY frame),
            // and a client that closes its side mid-body has abandoned the request: it may get no answer at all.
            var acceptable = !request.Http1Answer || (request.HalfClose && received.Length == 0);
            return new Outcome(index, request, null, false, acceptable ? null : $"no HTTP/1.1 answer ({received.Length} bytes)", Excerpt(text));
        }
        var bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var body = bodyStart < 0 ? "" : text[(bodyStart + 4)..];
        return Judge(index, request, status, body, isHead: false, chunkedBody: text[..Math.Max(bodyStart, 0)].Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase));
    }

    private static Outcome Judge(int index, HostileRequest request, int status, string body, bool isHead, bool chunkedBody = false)
    {
        var enveloped = IsErrorEnvelope(body, chunkedBody);
        string? problem = null;
        if (status is < 400 or >= 500)
        {
            problem = $"answered {status}";
        }
        else if (!enveloped && !isHead && !(body.Length == 0 && status is 400 or 414 or 431))
        {
            // Only Kestrel's own rejections of malformed HTTP (before any middleware runs) come without a body.
            problem = $"{status} without the error envelope";
        }
        return new Outcome(index, request, status, enveloped, problem, Excerpt(body));
    }

    private static bool IsErrorEnvelope(string body, bool chunked)
    {
        if (chunked)
        {
            return body.Contains("\"success\":false", StringComparison.Ordinal) && body.Contains("\"code\":", StringComparison.Ordinal);
        }
        try
        {
            var json = JsonNode.Parse(body);
            return json?["success"]?.GetValue<bool>() == false && json["error"]?["code"]?.GetValue<string>() is { Length: > 0 };
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static async Task<string> ReadLimitedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[64 * 1024];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private async Task<long[]> CountRowsAsync()
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var counts = new long[CountedTables.Length];
        for (var i = 0; i < CountedTables.Length; i++)
        {
            counts[i] = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {CountedTables[i]}");
        }
        return counts;
    }

    private static string Report(int seed, IReadOnlyCollection<Outcome> outcomes, TimeSpan elapsed, long[] before, long[] after)
    {
        var report = new StringBuilder();
        report.AppendLine($"Hostile-input run: seed {seed}, {outcomes.Count} requests in {elapsed.TotalSeconds:F1} s ({outcomes.Count / elapsed.TotalSeconds:F0}/s, concurrency {Concurrency})");
        report.AppendLine($"  5xx: {outcomes.Count(o => o.Status >= 500)}, problems: {outcomes.Count(o => o.Problem is not null)}, enveloped 4xx: {outcomes.Count(o => o.Enveloped)}, " +
            $"bare Kestrel 4xx: {outcomes.Count(o => o.Status is >= 400 and < 500 && !o.Enveloped)}, no response (cut off / closed): {outcomes.Count(o => o.Status is null)}, " +
            $"retried on a fresh connection: {outcomes.Count(o => o.Retried)}");
        report.AppendLine("  by status: " + string.Join(", ", outcomes.GroupBy(o => o.Label).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}")));
        foreach (var kind in outcomes.GroupBy(o => o.Request.Kind).OrderBy(g => g.Key))
        {
            report.AppendLine($"  {kind.Key,-24} {kind.Count(),5}: " + string.Join(", ", kind.GroupBy(o => o.Label).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}")));
        }
        report.AppendLine("  rows before/after: " + string.Join(", ", CountedTables.Select((table, i) => $"{table} {before[i]}/{after[i]}")));
        var failures = outcomes.Where(o => o.Problem is not null || o.Status >= 500).OrderBy(o => o.Index).ToList();
        if (failures.Count > 0)
        {
            report.AppendLine("  failures (first 25 of each kind):");
            foreach (var failure in failures.GroupBy(o => (o.Request.Kind, o.Problem)).SelectMany(g => g.Take(25)))
            {
                report.AppendLine($"    #{failure.Index} [{failure.Request.Kind}] {failure.Problem}: {failure.Request.Description}\n        -> {failure.Excerpt}");
            }
        }
        return report.ToString();
    }

    private static string Excerpt(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
