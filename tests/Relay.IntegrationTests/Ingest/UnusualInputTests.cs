using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Infrastructure.Data;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Ingest;

/// <summary>
/// Authentic (correctly signed) webhooks that are unusual rather than hostile: JSON PostgreSQL's jsonb cannot hold,
/// over-long fields, extreme dates, unusual content types and codings, ids shaped like Relay's own keys, bodies that
/// grow on the way to delivery. Each gets a definite answer, never a 5xx, and what is accepted is stored byte for
/// byte, answered by Management as sent, and delivered.
/// </summary>
public sealed class UnusualInputTests(UnusualInputCluster cluster) : IClassFixture<UnusualInputCluster>
{
    private const string InvalidPayload = "Invalid acme webhook payload";
    private readonly HttpClient client = cluster.CreateClient();
    private readonly HttpClient management = cluster.CreateClient(withManagementKey: true);

    private static string NewId() => $"evt_{Guid.NewGuid():N}";

    private static string Body(string eventId, string eventType = "unusual.test", string occurredAt = "\"2026-11-20T10:15:00Z\"", string data = """{"id":"inv_1"}""", string extra = "") =>
        $$"""{"eventId":{{JsonSerializer.Serialize(eventId)}},"eventType":{{JsonSerializer.Serialize(eventType)}},"occurredAt":{{occurredAt}},{{extra}}"data":{{data}}}""";

    /// <summary>A webhook of exactly these bytes, signed over them as acme signs.</summary>
    private static HttpRequestMessage Signed(byte[] body, string contentType = "application/json", string? contentEncoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (contentEncoding is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Encoding", contentEncoding);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/acme") { Content = content };
        request.Headers.Add("x-acme-signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(RelayCluster.AcmeSecret), body)));
        return request;
    }

    private static HttpRequestMessage Signed(string body, string contentType = "application/json") => Signed(Encoding.UTF8.GetBytes(body), contentType);

    private async Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> SendAsync(HttpRequestMessage request)
    {
        using var _ = request;
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body"), response);
    }

    private async Task<Guid> AcceptedAsync(HttpRequestMessage request)
    {
        var (status, body, response) = await SendAsync(request);
        response.Dispose();
        Assert.True(status == HttpStatusCode.Accepted, $"{(int)status}: {body.ToJsonString()}");
        return Guid.Parse(body["data"]!["eventId"]!.GetValue<string>());
    }

    private static void AssertError(HttpStatusCode expectedStatus, string expectedCode, (HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response) answer)
    {
        Assert.True(answer.Status == expectedStatus, $"{(int)answer.Status}: {answer.Body.ToJsonString()}");
        Assert.False(answer.Body["success"]!.GetValue<bool>());
        Assert.Equal(expectedCode, answer.Body["error"]!["code"]!.GetValue<string>());
    }

    private async Task<int> RowsForAsync(string externalEventId)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM webhook_events WHERE external_event_id = @externalEventId", new { externalEventId });
    }

    private async Task<(byte[] RawBody, bool RawPayloadIsNull, string IdempotencyKey)> StoredWebhookAsync(Guid eventId)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(byte[], bool, string)>(
            "SELECT w.raw_body, w.raw_payload IS NULL, w.idempotency_key FROM webhook_events w JOIN normalized_events e ON e.webhook_event_id = w.id WHERE e.id = @eventId",
            new { eventId });
    }

    /// <summary>The event's detail from Management, with the rawPayload value exactly as it appears in the response's bytes.</summary>
    private async Task<(JsonNode Detail, string RawPayloadText)> DetailAsync(Guid eventId)
    {
        using var response = await management.GetAsync($"/api/v1/events/{eventId}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        return (JsonNode.Parse(text)!, document.RootElement.GetProperty("data").GetProperty("webhook").GetProperty("rawPayload").GetRawText());
    }

    private async Task<(string Status, int? HttpStatus)> DeliveredAsync(Guid eventId, TimeSpan timeout)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var attempt = await Webhooks.EventuallyAsync(
            () => connection.QueryFirstOrDefaultAsync<(string Status, int? HttpStatus)?>(
                "SELECT status, http_status FROM delivery_attempts WHERE normalized_event_id = @eventId ORDER BY attempt_no LIMIT 1", new { eventId }),
            found => found is not null, timeout);
        Assert.True(attempt is not null, $"no delivery attempt for {eventId}\n{cluster.Logs()}");
        return attempt.Value;
    }

    // ------------------------------------------------------------------ raw bytes

    [Fact]
    public async Task A_body_jsonb_cannot_hold_outside_the_normalized_payload_is_stored_byte_for_byte_returned_as_sent_and_delivered()
    {
        var eventId = NewId();
        // Odd whitespace, the provider's key order, escapes jsonb would rewrite, and three values jsonb refuses
        // (\u0000, 1e1000000, an unpaired surrogate) outside what Relay normalizes.
        var body = "{ \"zeta\" :\t1e1000000 ,\n  \"eventType\":\"unusual.raw\",   \"eventId\":\"" + eventId + "\",\r\n"
            + " \"nul\":\"a\\u0000b\", \"lone\":\"\\ud800\", \"esc\":\"\\u00e9\\/\\u0041\",\"occurredAt\":\"2026-11-20T10:15:00Z\",\n"
            + " \"data\":{ \"b\":2,\"a\":[1,  2.50, -0.0, 1E+2], \"id\":\"inv_raw\"}   }";
        var bytes = Encoding.UTF8.GetBytes(body);

        var id = await AcceptedAsync(Signed(bytes));

        var stored = await StoredWebhookAsync(id);
        Assert.Equal(bytes, stored.RawBody);
        Assert.True(stored.RawPayloadIsNull, "jsonb cannot hold this body, so its jsonb copy stays empty");
        var (detail, rawPayloadText) = await DetailAsync(id);
        Assert.Equal(body, rawPayloadText);
        Assert.Equal("inv_raw", detail["data"]!["event"]!["subject"]!.GetValue<string>());
        Assert.Equal(("success", (int?)202), await DeliveredAsync(id, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_body_jsonb_can_hold_keeps_its_bytes_and_its_jsonb_copy()
    {
        var eventId = NewId();
        var body = "{ \"data\" : {\"x\":\"\\u00e9\", \"id\":\"inv_ok\"},  \"occurredAt\":\"2026-11-20T10:15:00Z\",\r\n \"eventType\" : \"unusual.ok\","
            + " \"eventId\":\"" + eventId + "\", \"n\": 12.50, \"n\": 13 }";
        var bytes = Encoding.UTF8.GetBytes(body);

        var id = await AcceptedAsync(Signed(bytes));

        var stored = await StoredWebhookAsync(id);
        Assert.Equal(bytes, stored.RawBody);
        Assert.False(stored.RawPayloadIsNull);
        Assert.Equal(body, (await DetailAsync(id)).RawPayloadText);
        Assert.Equal(("success", (int?)202), await DeliveredAsync(id, TimeSpan.FromSeconds(30)));
    }

    // ------------------------------------------------------------------ values jsonb cannot hold, inside the event

    [Theory]
    [InlineData("""{"note":"a\u0000b"}""", "data.note", "contains \\u0000, which Relay cannot store")]
    [InlineData("""{"items":[{"x":"\ud800"}]}""", "data.items[0].x", "contains an unpaired surrogate escape (\\ud800-\\udfff), which is not Unicode text")]
    [InlineData("""{"n":1e1000000}""", "data.n", "is a number Relay cannot store (at most 131072 digits before the decimal point and 16383 after)")]
    [InlineData("""{"k\u0000":1}""", "data", "has a property name that contains \\u0000, which Relay cannot store")]
    public async Task A_value_jsonb_cannot_hold_inside_the_normalized_payload_is_400_naming_the_field(string data, string field, string problem)
    {
        var eventId = NewId();
        var answer = await SendAsync(Signed(Body(eventId, data: data)));
        AssertError(HttpStatusCode.BadRequest, "VALIDATION_ERROR", answer);
        Assert.Equal(InvalidPayload, answer.Body["error"]!["message"]!.GetValue<string>());
        Assert.Equal(problem, answer.Body["error"]!["details"]![field]!.GetValue<string>());
        Assert.Equal(0, await RowsForAsync(eventId));
    }

    [Theory]
    [InlineData("eventId", 256, "must be at most 255 characters")]
    [InlineData("eventId", 3000, "must be at most 255 characters")]
    [InlineData("eventType", 201, "must be at most 200 characters")]
    [InlineData("eventType", 3000, "must be at most 200 characters")]
    [InlineData("subject", 501, "must be at most 500 characters")]
    [InlineData("subject", 3000, "must be at most 500 characters")]
    public async Task Overlong_fields_are_400_naming_the_field_and_the_limit(string field, int length, string problem)
    {
        var eventId = NewId();
        var value = new string('x', length);
        var body = field switch
        {
            "eventId" => Body(value),
            "eventType" => Body(eventId, eventType: value),
            _ => Body(eventId, extra: $"\"subject\":\"{value}\","),
        };
        var answer = await SendAsync(Signed(body));
        AssertError(HttpStatusCode.BadRequest, "VALIDATION_ERROR", answer);
        Assert.Equal(problem, answer.Body["error"]!["details"]![field]!.GetValue<string>());
    }

    [Theory]
    [InlineData("eventId", "\"evt_\\u0000\"", "must not contain \\u0000")]
    [InlineData("eventType", "\"type\\u0000\"", "must not contain \\u0000")]
    [InlineData("eventId", "\"evt_\\ud800\"", "must be Unicode text: it holds an unpaired surrogate escape (\\ud800-\\udfff)")]
    [InlineData("subject", "\"\\udc00\"", "must be Unicode text: it holds an unpaired surrogate escape (\\ud800-\\udfff)")]
    public async Task Fields_postgresql_text_cannot_hold_are_400_naming_the_field(string field, string json, string problem)
    {
        var body = """{"eventId":"evt","eventType":"t","occurredAt":"2026-11-20T10:15:00Z","data":{}}""";
        var node = JsonNode.Parse(body)!.AsObject();
        node.Remove(field);
        body = node.ToJsonString()[..^1] + $",\"{field}\":{json}}}";
        var answer = await SendAsync(Signed(body));
        AssertError(HttpStatusCode.BadRequest, "VALIDATION_ERROR", answer);
        Assert.Equal(problem, answer.Body["error"]!["details"]![field]!.GetValue<string>());
    }

    [Fact]
    public async Task Fields_at_their_limits_are_accepted_even_in_four_byte_characters()
    {
        // 255 emoji are 1,020 bytes of id in the unique index, 200 are 800 bytes of event type in its index.
        var eventId = string.Concat(Enumerable.Repeat("😀", 223)) + Guid.NewGuid().ToString("N");
        var eventType = string.Concat(Enumerable.Repeat("😀", 200));
        var subject = string.Concat(Enumerable.Repeat("😀", 500));
        var id = await AcceptedAsync(Signed(Body(eventId, eventType, extra: $"\"subject\":\"{subject}\",")));

        var (detail, _) = await DetailAsync(id);
        Assert.Equal(eventId, detail["data"]!["webhook"]!["externalEventId"]!.GetValue<string>());
        Assert.Equal(eventType, detail["data"]!["event"]!["eventType"]!.GetValue<string>());
        Assert.Equal(subject, detail["data"]!["event"]!["subject"]!.GetValue<string>());
    }

    // ------------------------------------------------------------------ dates

    [Theory]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("-infinity")]
    public async Task Dates_that_would_be_stored_as_infinity_are_400_naming_the_range(string occurredAt)
    {
        var eventId = NewId();
        var answer = await SendAsync(Signed(Body(eventId, occurredAt: $"\"{occurredAt}\"")));
        AssertError(HttpStatusCode.BadRequest, "VALIDATION_ERROR", answer);
        Assert.Equal("must be a date (ISO-8601) from 0001-01-01T00:00:00.000001Z to 9999-12-31T23:59:59.999999Z",
            answer.Body["error"]!["details"]!["occurredAt"]!.GetValue<string>());
        Assert.Equal(0, await RowsForAsync(eventId));
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00.000001Z", "0001-01-01T00:00:00.000001Z")]
    [InlineData("9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z")]
    [InlineData("9999-12-31T23:59:59.9999989+00:00", "9999-12-31T23:59:59.999998Z")]
    public async Task Dates_at_the_ends_of_the_range_are_stored_and_answered_in_utc_with_z(string occurredAt, string answered)
    {
        var id = await AcceptedAsync(Signed(Body(NewId(), occurredAt: $"\"{occurredAt}\"")));
        Assert.Equal(answered, (await DetailAsync(id)).Detail["data"]!["event"]!["occurredAt"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("-infinity", "0001-01-01T00:00:00Z")]
    [InlineData("infinity", "9999-12-31T23:59:59.9999999Z")]
    public async Task Infinite_dates_stored_before_the_range_existed_are_answered_with_z(string stored, string answered)
    {
        var id = await AcceptedAsync(Signed(Body(NewId())));
        await using (var database = cluster.OpenDatabase())
        await using (var connection = await database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"UPDATE normalized_events SET occurred_at = '{stored}' WHERE id = @id", new { id });
        }
        Assert.Equal(answered, (await DetailAsync(id)).Detail["data"]!["event"]!["occurredAt"]!.GetValue<string>());
    }

    // ------------------------------------------------------------------ content type and coding

    [Theory]
    [InlineData("application/ json", "Content-Type must be application/json or application/<type>+json")]
    [InlineData("text/plain+json", "Content-Type must be application/json or application/<type>+json")]
    [InlineData("application/json, text/plain", "Content-Type must be application/json or application/<type>+json")]
    [InlineData("application/json; charset=iso-8859-1", "Content-Type charset must be utf-8 (JSON is UTF-8)")]
    [InlineData("application/vnd.acme+json; charset=utf-16", "Content-Type charset must be utf-8 (JSON is UTF-8)")]
    public async Task Content_types_other_than_utf8_json_are_415(string contentType, string message)
    {
        var eventId = NewId();
        var answer = await SendAsync(Signed(Body(eventId), contentType));
        AssertError(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", answer);
        Assert.Equal(message, answer.Body["error"]!["message"]!.GetValue<string>());
        Assert.Equal(0, await RowsForAsync(eventId));
    }

    [Theory]
    [InlineData("application/vnd.acme+json; charset=utf-8")]
    [InlineData("application/json;charset=\"UTF-8\"")]
    [InlineData("APPLICATION/JSON")]
    public async Task Json_content_types_with_parameters_are_accepted(string contentType)
    {
        await AcceptedAsync(Signed(Body(NewId()), contentType));
    }

    [Fact]
    public async Task A_compressed_body_is_415_and_identity_is_accepted()
    {
        var eventId = NewId();
        var plain = Encoding.UTF8.GetBytes(Body(eventId));
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        // Signed over the bytes sent, as acme signs: the coding alone is the reason.
        var answer = await SendAsync(Signed(compressed.ToArray(), contentEncoding: "gzip"));
        AssertError(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", answer);
        Assert.Equal("Content-Encoding is not supported: send the body uncompressed (identity)", answer.Body["error"]!["message"]!.GetValue<string>());
        Assert.Equal("identity", answer.Response.Headers.GetValues("Accept-Encoding").Single());
        answer.Response.Dispose();
        Assert.Equal(0, await RowsForAsync(eventId));

        await AcceptedAsync(Signed(plain, contentEncoding: "identity"));
    }

    // ------------------------------------------------------------------ idempotency keys

    [Fact]
    public async Task An_id_shaped_like_a_content_hash_key_is_its_own_event()
    {
        // An id that is only whitespace counts as none: the key is the hash of the normalized payload.
        var marker = Guid.NewGuid().ToString("N");
        var first = await AcceptedAsync(Signed(Body("   ", data: $$"""{"marker":"{{marker}}"}""")));
        var contentKey = (await StoredWebhookAsync(first)).IdempotencyKey;
        Assert.Matches("^acme:payload:[0-9a-f]{64}$", contentKey);

        // The id "payload:{that hash}" once produced the very same key, and came back as a duplicate of the first.
        var lookalike = contentKey["acme:".Length..];
        var second = await AcceptedAsync(Signed(Body(lookalike)));
        Assert.NotEqual(first, second);
        Assert.Equal($"acme:payload:{lookalike}", (await StoredWebhookAsync(second)).IdempotencyKey);

        // Each still deduplicates against itself.
        var again = await SendAsync(Signed(Body(lookalike)));
        again.Response.Dispose();
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(second.ToString(), again.Body["data"]!["eventId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Migrations_007_and_008_keep_old_rows_readable_and_deduplicating()
    {
        await using var dependencies = await IsolatedDependencies.CreateAsync("migrate");
        await using var dataSource = dependencies.OpenDataSource();
        var migrations = DatabaseMigrator.LoadMigrations();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            // The schema as it was before raw_body, with rows written by that version.
            await connection.ExecuteAsync("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            foreach (var migration in migrations.Where(m => m.Version < 7))
            {
                await connection.ExecuteAsync(migration.Sql);
                await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name) VALUES (@Version, @Name)", migration);
            }
            await connection.ExecuteAsync(
                """
                INSERT INTO integrations (id, provider, name, webhook_secret, callback_url) VALUES ('00000000-0000-0000-0000-000000000001', 'acme', 'Acme', 'v1:x', 'http://127.0.0.1/');
                INSERT INTO webhook_events (id, integration_id, provider, external_event_id, idempotency_key, signature_valid, request_headers, raw_payload, received_at) VALUES
                    ('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000001', 'acme', 'payload:x', 'acme:payload:x', true, '{}', '{"b":1,   "a":[2]}', now()),
                    ('00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-000000000001', 'acme', 'payload:payload:x', 'acme:payload:payload:x', true, '{}', '{}', now()),
                    ('00000000-0000-0000-0000-00000000000c', '00000000-0000-0000-0000-000000000001', 'acme', 'evt_1', 'acme:evt_1', true, '{}', '{}', now()),
                    ('00000000-0000-0000-0000-00000000000d', '00000000-0000-0000-0000-000000000001', 'acme', ' ', 'acme:payload:00ff', true, '{}', '{}', now());
                """);
        }

        await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            var rows = (await connection.QueryAsync<(string ExternalEventId, string Key, string RawBody)>(
                "SELECT external_event_id, idempotency_key, convert_from(raw_body, 'UTF8') FROM webhook_events ORDER BY id")).ToList();
            // The keys ingest now computes for these ids (IdempotencyKey.For), so a retry of either finds its event.
            Assert.Equal(("payload:x", "acme:payload:payload:x"), (rows[0].ExternalEventId, rows[0].Key));
            Assert.Equal(("payload:payload:x", "acme:payload:payload:payload:x"), (rows[1].ExternalEventId, rows[1].Key));
            Assert.Equal("acme:evt_1", rows[2].Key);
            Assert.Equal("acme:payload:00ff", rows[3].Key);
            // Older rows only ever had jsonb's text; that is what their raw_body holds.
            Assert.Equal("""{"a": [2], "b": 1}""", rows[0].RawBody);
            var neither = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => connection.ExecuteAsync(
                "UPDATE webhook_events SET raw_body = NULL, raw_payload = NULL WHERE external_event_id = 'evt_1'"));
            Assert.Equal("23514", neither.SqlState);
        }
    }

    // ------------------------------------------------------------------ PostgreSQL's refusals

    [Theory]
    [InlineData("22P05", HttpStatusCode.BadRequest, "VALIDATION_ERROR")]   // unsupported Unicode escape (\u0000 in jsonb)
    [InlineData("22003", HttpStatusCode.BadRequest, "VALIDATION_ERROR")]   // numeric value out of range
    [InlineData("54000", HttpStatusCode.BadRequest, "VALIDATION_ERROR")]   // program limit exceeded (index row size)
    [InlineData("23514", HttpStatusCode.InternalServerError, "INTERNAL_SERVER_ERROR")] // a constraint Relay got wrong
    public async Task A_value_postgresql_refuses_is_answered_once_and_never_as_an_outage(string sqlState, HttpStatusCode status, string code)
    {
        var before = await RefusalsAsync();
        var answer = await SendAsync(Signed(Body($"refuse-{sqlState}-{Guid.NewGuid():N}")));
        AssertError(status, code, answer);
        Assert.DoesNotContain(sqlState, answer.Body.ToJsonString());
        Assert.DoesNotContain("refused by the test", answer.Body.ToJsonString());
        Assert.Equal(1, await RefusalsAsync() - before - 1);
    }

    [Fact]
    public async Task An_outage_is_retried_within_the_budget_then_503()
    {
        var before = await RefusalsAsync();
        // 40001 (serialization failure) is what a real outage looks like to ingest: worth trying again.
        var answer = await SendAsync(Signed(Body($"refuse-40001-{Guid.NewGuid():N}")));
        AssertError(HttpStatusCode.ServiceUnavailable, "DEPENDENCY_UNAVAILABLE", answer);
        Assert.True(await RefusalsAsync() - before - 1 > 1, "an outage is retried");
    }

    [Fact]
    public async Task A_webhook_postgresql_refuses_fails_alone_while_the_webhooks_written_with_it_are_accepted()
    {
        // Sent together, the refused webhooks share transactions with the others (group commit): their refusal
        // must not cost their neighbours anything, and each is still answered once, as itself.
        var refused = Enumerable.Range(0, 3).Select(_ => $"refuse-22P05-{Guid.NewGuid():N}").ToHashSet();
        var eventIds = Enumerable.Range(0, 60).Select(_ => NewId()).Concat(refused).OrderBy(_ => Random.Shared.Next()).ToArray();
        var before = await RefusalsAsync();

        var answers = await Task.WhenAll(eventIds.Select(async eventId => (EventId: eventId, Answer: await SendAsync(Signed(Body(eventId))))));

        foreach (var (eventId, answer) in answers)
        {
            using var _ = answer.Response;
            if (refused.Contains(eventId))
            {
                AssertError(HttpStatusCode.BadRequest, "VALIDATION_ERROR", answer);
            }
            else
            {
                Assert.True(answer.Status == HttpStatusCode.Accepted, $"{eventId}: {(int)answer.Status} {answer.Body.ToJsonString()}");
                Assert.Equal(1, await RowsForAsync(eventId));
            }
        }
        Assert.True(await RefusalsAsync() - before - 1 >= refused.Count, "each refused webhook was tried");
    }

    /// <summary>The refusal sequence's next number; the difference between two calls, less one, is the refusals between them.</summary>
    private async Task<long> RefusalsAsync()
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>($"SELECT nextval('{UnusualInputCluster.RefusalSequence}')");
    }

    // ------------------------------------------------------------------ sizes along the path

    [Fact]
    public async Task A_one_mebibyte_webhook_whose_delivery_body_is_larger_is_accepted_and_delivered()
    {
        // An array of small numbers: jsonb writes "1, " for "1,", so the delivered body is about 1.5 times the webhook.
        const int MiB = 1024 * 1024;
        var eventId = NewId();
        var head = $$"""{"eventId":"{{eventId}}","eventType":"unusual.big","occurredAt":"2026-11-20T10:15:00Z","data":{"items":[""";
        const string tail = "1]}}";
        var items = new StringBuilder(MiB).Append(head);
        while (items.Length + 2 + tail.Length <= MiB)
        {
            items.Append("1,");
        }
        items.Append(' ', MiB - items.Length - tail.Length).Append(tail);
        var bytes = Encoding.UTF8.GetBytes(items.ToString());
        Assert.Equal(MiB, bytes.Length);

        var id = await AcceptedAsync(Signed(bytes));

        await using (var database = cluster.OpenDatabase())
        await using (var connection = await database.OpenConnectionAsync())
        {
            var deliveredBytes = await connection.ExecuteScalarAsync<long>("SELECT octet_length(normalized_payload::text) FROM normalized_events WHERE id = @id", new { id });
            Assert.InRange(deliveredBytes, MiB + 2, 2 * MiB); // more than Ingress takes for a webhook, within what its sink takes
        }
        Assert.Equal(("success", (int?)202), await DeliveredAsync(id, TimeSpan.FromSeconds(60)));
        Assert.Equal(bytes, (await StoredWebhookAsync(id)).RawBody);
    }

    [Fact]
    public async Task A_webhook_whose_numbers_would_be_delivered_past_the_limit_is_413()
    {
        // 120 KB of "1e300," becomes 6 MB of digits in jsonb's text: no endpoint would be sent that.
        var eventId = NewId();
        var data = "{\"n\":[" + string.Join(',', Enumerable.Repeat("1e300", 20_000)) + "]}";
        var answer = await SendAsync(Signed(Body(eventId, data: data)));
        AssertError(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE", answer);
        Assert.Equal(2 * 1024 * 1024, answer.Body["error"]!["details"]!["maxDeliveryBodyBytes"]!.GetValue<long>());
        Assert.True(answer.Body["error"]!["details"]!["deliveryBodyBytes"]!.GetValue<long>() > 6_000_000);
        Assert.Equal(0, await RowsForAsync(eventId));
    }

    [Fact]
    public async Task The_delivery_sink_takes_the_largest_delivery_body_and_refuses_more_in_the_envelope()
    {
        using var direct = new HttpClient { BaseAddress = cluster.Service("Ingress.Api").BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        const int Limit = 2 * 1024 * 1024;
        var padding = new string(' ', Limit - """{"a":1}""".Length);
        using var largest = await direct.PostAsync("/api/v1/internal/delivery-sink/acme", new StringContent("{\"a\":1}" + padding, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, largest.StatusCode);

        // Expect: 100-continue, as a client sending a large body should: the 413 is answered from Content-Length
        // before the body is read, and without it the client may still be writing when the connection closes (EPIPE).
        using var over = await SendExpectingContinueAsync(direct, "/api/v1/internal/delivery-sink/acme", "{\"a\":1} " + padding);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Equal("PAYLOAD_TOO_LARGE", JsonNode.Parse(await over.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());

        // Through the gateway too (where ./run.sh points the seeded integrations), while webhooks stay held to 1 MiB there.
        using var viaGateway = cluster.CreateClient();
        using var largestViaGateway = await viaGateway.PostAsync("/api/v1/internal/delivery-sink/acme", new StringContent("{\"a\":1}" + padding, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, largestViaGateway.StatusCode);
        var webhookPadding = new string(' ', 1024 * 1024 - """{"a":1}""".Length + 1);
        using var webhookOver = await SendExpectingContinueAsync(viaGateway, "/api/v1/webhooks/acme", "{\"a\":1}" + webhookPadding);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, webhookOver.StatusCode);
    }

    private static Task<HttpResponseMessage> SendExpectingContinueAsync(HttpClient client, string path, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        return client.SendAsync(request);
    }
}
