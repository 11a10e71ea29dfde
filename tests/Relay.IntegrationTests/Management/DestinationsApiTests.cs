using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Relay.Infrastructure.Security;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Management;

/// <summary>
/// The operator routes for destinations, through the gateway. Every test works on integrations of its own, written
/// straight into the table: a destination added to acme or globex would receive the other tests' events.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class DestinationsApiTests : IDisposable
{
    private static readonly string[] ViewFields =
    [
        "createdAt", "description", "disabled", "eventTypes", "headerNames", "health", "id", "integrationId", "isDefault",
        "payloadFilter", "rateLimitPerSecond", "retryPolicy", "signingSecret", "status", "timeoutSeconds", "updatedAt", "url",
    ];

    private static readonly string[] HealthFields = ["circuitOpenUntil", "consecutiveFailures", "failingSince", "lastError", "lastFailureAt", "lastSuccessAt"];

    private static readonly string[] AttemptFields =
        ["attemptNo", "createdAt", "deliveryAttemptNo", "deliveryId", "destinationId", "durationMs", "error", "eventId", "httpStatus", "id", "responseExcerpt", "status"];

    // The services run in Development without Relay:Security:EncryptionKey, so they use the development key.
    private static readonly SecretProtector Protector = new(SHA256.HashData(Encoding.UTF8.GetBytes("relay-development-only-encryption-key")));

    private readonly RelayCluster cluster;
    private readonly HttpClient client;
    private readonly ConcurrentQueue<string> responses = new();
    private readonly ConcurrentQueue<string> serviceLines = new();

    public DestinationsApiTests(RelayCluster cluster)
    {
        this.cluster = cluster;
        client = cluster.CreateClient(withManagementKey: true);
        foreach (var name in RelayCluster.ServiceNames)
        {
            cluster.Service(name).LineWritten += serviceLines.Enqueue;
        }
    }

    public void Dispose()
    {
        foreach (var name in RelayCluster.ServiceNames)
        {
            cluster.Service(name).LineWritten -= serviceLines.Enqueue;
        }
        client.Dispose();
    }

    [Fact]
    public async Task Create_answers_201_with_the_view_and_the_signing_secret_once_and_stores_header_values_encrypted()
    {
        var integrationId = await NewIntegrationAsync();
        var url = Url("create");
        var headerValue = $"Bearer tenant-credential-{Guid.NewGuid():N}";

        var reply = await SendAsync(HttpMethod.Post, $"/api/v1/integrations/{integrationId}/destinations", Json(new
        {
            url,
            description = "  Billing system  ",
            eventTypes = new[] { "invoice.paid", "invoice.*", "invoice.paid" },
            payloadFilter = """$.data.amount > 1000 and $.data.currency in ["EUR","USD"]""",
            headers = new Dictionary<string, string> { ["X-Tenant"] = "42", ["Authorization"] = headerValue },
            timeoutSeconds = 10,
            retryPolicy = new { maxAttempts = 5, scheduleMs = new[] { 1000, 5000, 30000 }, jitterPercent = 20, maxDelayMs = 60000 },
            rateLimitPerSecond = 50,
            requestedBy = "ops-dest",
        }));

        Assert.True(reply.Status == HttpStatusCode.Created, reply.Body);
        var data = reply.Json["data"]!;
        var id = data["id"]!.GetValue<string>();
        Assert.Equal($"/api/v1/destinations/{id}", reply.Location?.OriginalString);
        Assert.Equal(ViewFields, data.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(integrationId.ToString(), data["integrationId"]!.GetValue<string>());
        Assert.False(data["isDefault"]!.GetValue<bool>());
        Assert.Equal(url, data["url"]!.GetValue<string>());
        Assert.Equal("Billing system", data["description"]!.GetValue<string>());
        // Stored as the filters normalize them: a repeated pattern once.
        Assert.Equal(["invoice.paid", "invoice.*"], data["eventTypes"]!.AsArray().Select(type => type!.GetValue<string>()));
        Assert.Equal("""$.data.amount > 1000 and $.data.currency in ["EUR","USD"]""", data["payloadFilter"]!.GetValue<string>());
        Assert.Equal(["Authorization", "X-Tenant"], data["headerNames"]!.AsArray().Select(name => name!.GetValue<string>()));
        Assert.Equal(10, data["timeoutSeconds"]!.GetValue<int>());
        Assert.Equal("""{"maxAttempts":5,"scheduleMs":[1000,5000,30000],"jitterPercent":20,"maxDelayMs":60000}""", data["retryPolicy"]!.ToJsonString());
        Assert.Equal(50, data["rateLimitPerSecond"]!.GetValue<int>());
        Assert.Equal("enabled", data["status"]!.GetValue<string>());
        Assert.Null(data["disabled"]);
        Assert.Equal(HealthFields, data["health"]!.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(0, data["health"]!["consecutiveFailures"]!.GetValue<int>());
        Assert.EndsWith("Z", data["createdAt"]!.GetValue<string>());
        var signingSecret = data["signingSecret"]!.GetValue<string>();
        AssertSigningSecretFormat(signingSecret);
        Assert.DoesNotContain(headerValue, reply.Body);

        // Stored: header values and the secret encrypted, each under its own purpose.
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<(string Headers, string SigningSecret, string EventTypes, string PayloadFilter)>(
            "SELECT headers::text, signing_secret, event_types::text, payload_filter FROM destinations WHERE id = @id", new { id = Guid.Parse(id) });
        Assert.Equal("{invoice.paid,invoice.*}", stored.EventTypes);
        Assert.Equal(data["payloadFilter"]!.GetValue<string>(), stored.PayloadFilter);
        var headers = JsonNode.Parse(stored.Headers)!.AsObject();
        Assert.Equal(["Authorization", "X-Tenant"], headers.Select(header => header.Key).Order(StringComparer.Ordinal));
        Assert.All(headers, header => Assert.StartsWith("v1:", header.Value!.GetValue<string>()));
        Assert.Equal(headerValue, Protector.Unprotect(headers["Authorization"]!.GetValue<string>(), SecretPurposes.DestinationHeader));
        Assert.DoesNotContain(headerValue, stored.Headers);
        Assert.Equal(signingSecret, Protector.Unprotect(stored.SigningSecret, SecretPurposes.DestinationSigningSecret));

        var audit = await connection.QuerySingleAsync<(string EntityType, string Actor, string Details)>(
            "SELECT entity_type, actor, details::text FROM audit_entries WHERE entity_id = @id AND action = 'destination.created'", new { id = Guid.Parse(id) });
        Assert.Equal(("destination", "ops-dest"), (audit.EntityType, audit.Actor));
        var details = JsonNode.Parse(audit.Details)!;
        Assert.Equal(integrationId.ToString(), details["integrationId"]!.GetValue<string>());
        Assert.Equal(["Authorization", "X-Tenant"], details["headerNames"]!.AsArray().Select(name => name!.GetValue<string>()));
        Assert.DoesNotContain(headerValue, audit.Details);
        Assert.DoesNotContain("whsec_", audit.Details);

        // Read back: the same view, the secret only described.
        var read = await OkAsync(HttpMethod.Get, $"/api/v1/destinations/{id}");
        Assert.Equal(ViewFields, read.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal("""{"rotatedAt":null,"previousValidUntil":null}""", read["signingSecret"]!.ToJsonString());
        Assert.Equal(data["retryPolicy"]!.ToJsonString(), read["retryPolicy"]!.ToJsonString());
        Assert.Equal(data["createdAt"]!.GetValue<string>(), read["createdAt"]!.GetValue<string>());
        AssertNowhere(signingSecret, headerValue, exceptInResponseTo: reply.Body);
    }

    [Fact]
    public async Task Optional_fields_default_to_every_event_no_headers_and_Relays_delivery_policy()
    {
        var integrationId = await NewIntegrationAsync();

        var data = await CreateAsync(integrationId, new { url = Url("minimal") });

        Assert.Null(data["description"]);
        Assert.Empty(data["eventTypes"]!.AsArray());
        Assert.Empty(data["headerNames"]!.AsArray());
        Assert.Null(data["timeoutSeconds"]);
        Assert.Null(data["retryPolicy"]);
        Assert.Null(data["rateLimitPerSecond"]);
        Assert.Equal("enabled", data["status"]!.GetValue<string>());

        var paused = await CreateAsync(integrationId, new { url = Url("paused"), paused = true, retryPolicy = new { maxAttempts = 1 } });
        Assert.Equal("paused", paused["status"]!.GetValue<string>());
        Assert.Equal("""{"maxAttempts":1,"scheduleMs":null,"jitterPercent":0,"maxDelayMs":null}""", paused["retryPolicy"]!.ToJsonString());

        // The actor defaults as a replay's does.
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        Assert.Equal("api-user", await connection.ExecuteScalarAsync<string>(
            "SELECT actor FROM audit_entries WHERE entity_id = @id AND action = 'destination.created'", new { id = Guid.Parse(data["id"]!.GetValue<string>()) }));
    }

    [Fact]
    public async Task Listing_pages_by_cursor_oldest_first_without_repeating_or_missing_rows_inserted_meanwhile()
    {
        var integrationId = await NewIntegrationAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await CreateAsync(integrationId, new { url = Url($"page-{i}") }))["id"]!.GetValue<string>());
        }
        var path = $"/api/v1/integrations/{integrationId}/destinations?limit=2";

        var seen = new List<string>();
        var cursors = new List<string?>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await ListAsync(cursor is null ? path : $"{path}&cursor={cursor}");
            Assert.Equal(2, page["meta"]!["limit"]!.GetValue<int>());
            seen.AddRange(ManagementData.Ids(page));
            cursor = page["meta"]!["nextCursor"]?.GetValue<string>();
            cursors.Add(cursor);
            pages++;
            // Rows added between pages join the end of the list, so a later page shows them.
            if (pages <= 2)
            {
                created.Add((await CreateAsync(integrationId, new { url = Url($"between-{pages}") }))["id"]!.GetValue<string>());
            }
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(4, pages);
        Assert.Equal(created, seen);
        Assert.Null(cursors[^1]);
        Assert.All(cursors[..^1], next => Assert.NotNull(next));

        // The default limit is 20, a deleted destination is gone from the list, and an empty page ends the list.
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/api/v1/destinations/{created[1]}")).Status);
        var all = await ListAsync($"/api/v1/integrations/{integrationId}/destinations");
        Assert.Equal(20, all["meta"]!["limit"]!.GetValue<int>());
        Assert.Null(all["meta"]!["nextCursor"]);
        Assert.Equal(created.Where((_, i) => i != 1), ManagementData.Ids(all));

        var empty = await ListAsync($"/api/v1/integrations/{await NewIntegrationAsync()}/destinations");
        Assert.Empty(empty["data"]!.AsArray());
        Assert.Null(empty["meta"]!["nextCursor"]);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=AAAA", "cursor")]
    [InlineData("page=2", "page")]
    public async Task Listing_refuses_bad_paging_with_400(string query, string parameter)
    {
        var reply = await SendAsync(HttpMethod.Get, $"/api/v1/integrations/{await NewIntegrationAsync()}/destinations?{query}");
        AssertValidationError(reply, parameter);
    }

    [Fact]
    public async Task An_edited_cursor_is_refused_and_unknown_integrations_answer_404()
    {
        var integrationId = await NewIntegrationAsync();
        for (var i = 0; i < 2; i++)
        {
            await CreateAsync(integrationId, new { url = Url("cursor") });
        }
        var cursor = (await ListAsync($"/api/v1/integrations/{integrationId}/destinations?limit=1"))["meta"]!["nextCursor"]!.GetValue<string>();
        var edited = (cursor[0] == 'A' ? "B" : "A") + cursor[1..];
        AssertValidationError(await SendAsync(HttpMethod.Get, $"/api/v1/integrations/{integrationId}/destinations?cursor={edited}"), "cursor");
        AssertValidationError(await SendAsync(HttpMethod.Get, $"/api/v1/integrations/{integrationId}/destinations?cursor={cursor}="), "cursor");

        var unknown = Guid.NewGuid();
        AssertError(await SendAsync(HttpMethod.Get, $"/api/v1/integrations/{unknown}/destinations"), HttpStatusCode.NotFound, "NOT_FOUND", "Integration not found");
        AssertError(await SendAsync(HttpMethod.Post, $"/api/v1/integrations/{unknown}/destinations", Json(new { url = Url("orphan") })),
            HttpStatusCode.NotFound, "NOT_FOUND", "Integration not found");
        AssertValidationError(await SendAsync(HttpMethod.Get, "/api/v1/integrations/not-a-uuid/destinations"), "integrationId");
        AssertValidationError(await SendAsync(HttpMethod.Post, "/api/v1/integrations/not-a-uuid/destinations", Json(new { url = Url("x") })), "integrationId");
    }

    public static TheoryData<string, string> InvalidCreateBodies()
    {
        var tooManyHeaders = JsonSerializer.Serialize(Enumerable.Range(0, 21).ToDictionary(i => $"X-H{i}", i => "v"));
        var tooManyTypes = JsonSerializer.Serialize(Enumerable.Range(0, 51).Select(i => $"type.{i}"));
        return new TheoryData<string, string>
        {
            { "{}", "url" },
            { """{"url":null}""", "url" },
            { """{"url":42}""", "url" },
            { """{"url":"ftp://127.0.0.1/hook"}""", "url" },
            { """{"url":"not a url"}""", "url" },
            { """{"url":"/relative/path"}""", "url" },
            { $$"""{"url":"http://127.0.0.1/{{new string('a', 2000)}}"}""", "url" },
            { """{"url":"http://user:password@127.0.0.1/hook"}""", "url" },
            { """{"url":"http://169.254.169.254/latest/meta-data/"}""", "url" },
            { """{"url":"http://10.0.0.1/hook"}""", "url" },
            { """{"url":"https://192.168.1.20/hook"}""", "url" },
            { """{"url":"http://[::ffff:10.0.0.1]/hook"}""", "url" },
            { """{"url":"http://no-such-host.invalid/hook"}""", "url" },
            { $$"""{"url":"http://127.0.0.1:9/x","description":"{{new string('d', 501)}}"}""", "description" },
            { """{"url":"http://127.0.0.1:9/x","description":7}""", "description" },
            { """{"url":"http://127.0.0.1:9/x","eventTypes":"invoice.paid"}""", "eventTypes" },
            { """{"url":"http://127.0.0.1:9/x","eventTypes":["invoice.paid",3]}""", "eventTypes" },
            { """{"url":"http://127.0.0.1:9/x","eventTypes":["invoice..paid"]}""", "eventTypes" },
            { """{"url":"http://127.0.0.1:9/x","eventTypes":["*.paid"]}""", "eventTypes" },
            { """{"url":"http://127.0.0.1:9/x","eventTypes":["invoice paid"]}""", "eventTypes" },
            { $$$"""{"url":"http://127.0.0.1:9/x","eventTypes":{{{tooManyTypes}}}}""", "eventTypes" },
            { """{"url":"http://127.0.0.1:9/x","payloadFilter":42}""", "payloadFilter" },
            { """{"url":"http://127.0.0.1:9/x","payloadFilter":""}""", "payloadFilter" },
            { """{"url":"http://127.0.0.1:9/x","payloadFilter":"$.data.amount >"}""", "payloadFilter" },
            { """{"url":"http://127.0.0.1:9/x","payloadFilter":"$.data.amount > 1000 and"}""", "payloadFilter" },
            { """{"url":"http://127.0.0.1:9/x","payloadFilter":"data.amount > 1000"}""", "payloadFilter" },
            { """{"url":"http://127.0.0.1:9/x","payloadFilter":"$.data.currency in [EUR]"}""", "payloadFilter" },
            { """{"url":"http://127.0.0.1:9/x","headers":["X-A"]}""", "headers" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"Connection":"close"}}""", "headers.Connection" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"Keep-Alive":"1"}}""", "headers.Keep-Alive" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"Proxy-Authorization":"Basic x"}}""", "headers.Proxy-Authorization" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"TE":"trailers"}}""", "headers.TE" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"Transfer-Encoding":"chunked"}}""", "headers.Transfer-Encoding" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"Upgrade":"h2c"}}""", "headers.Upgrade" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"Host":"internal"}}""", "headers.Host" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"Content-Length":"1"}}""", "headers.Content-Length" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"content-type":"text/plain"}}""", "headers.content-type" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"Content-Encoding":"gzip"}}""", "headers.Content-Encoding" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"Webhook-Signature":"v1,forged"}}""", "headers.Webhook-Signature" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"webhook-id":"msg_1"}}""", "headers.webhook-id" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"Webhook-Timestamp":"1"}}""", "headers.Webhook-Timestamp" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"X-Event-Id":"evt"}}""", "headers.X-Event-Id" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"X-Integration-Provider":"acme"}}""", "headers.X-Integration-Provider" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"X-Correlation-Id":"c"}}""", "headers.X-Correlation-Id" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"User-Agent":"me"}}""", "headers.User-Agent" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"Bad Name":"v"}}""", "headers" },
            { $$$"""{"url":"http://127.0.0.1:9/x","headers":{"X-{{{new string('n', 100)}}}":"v"}}""", "headers" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"X-Split":"a\r\nInjected: yes"}}""", "headers.X-Split" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"X-Nul":"a\u0000b"}}""", "headers.X-Nul" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"X-Number":42}}""", "headers.X-Number" },
            { $$$"""{"url":"http://127.0.0.1:9/x","headers":{"X-Long":"{{{new string('v', 1001)}}}"}}""", "headers.X-Long" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"X-Twice":"1","x-twice":"2"}}""", "headers.x-twice" },
            { $$$"""{"url":"http://127.0.0.1:9/x","headers":{{{tooManyHeaders}}}}""", "headers" },
            { """{"url":"http://127.0.0.1:9/x","timeoutSeconds":0}""", "timeoutSeconds" },
            { """{"url":"http://127.0.0.1:9/x","timeoutSeconds":31}""", "timeoutSeconds" },
            { """{"url":"http://127.0.0.1:9/x","timeoutSeconds":1.5}""", "timeoutSeconds" },
            { """{"url":"http://127.0.0.1:9/x","timeoutSeconds":"10"}""", "timeoutSeconds" },
            { """{"url":"http://127.0.0.1:9/x","retryPolicy":5}""", "retryPolicy" },
            { """{"url":"http://127.0.0.1:9/x","retryPolicy":{}}""", "retryPolicy.maxAttempts" },
            { """{"url":"http://127.0.0.1:9/x","retryPolicy":{"maxAttempts":0}}""", "retryPolicy.maxAttempts" },
            { """{"url":"http://127.0.0.1:9/x","retryPolicy":{"maxAttempts":51}}""", "retryPolicy.maxAttempts" },
            { $$$"""{"url":"http://127.0.0.1:9/x","retryPolicy":{"maxAttempts":3,"scheduleMs":[{{{string.Join(',', Enumerable.Repeat(1000, 21))}}}]}}""", "retryPolicy.scheduleMs" },
            { """{"url":"http://127.0.0.1:9/x","retryPolicy":{"maxAttempts":3,"scheduleMs":[-1]}}""", "retryPolicy.scheduleMs" },
            { """{"url":"http://127.0.0.1:9/x","retryPolicy":{"maxAttempts":3,"scheduleMs":[86400001]}}""", "retryPolicy.scheduleMs" },
            { """{"url":"http://127.0.0.1:9/x","retryPolicy":{"maxAttempts":3,"jitterPercent":101}}""", "retryPolicy.jitterPercent" },
            { """{"url":"http://127.0.0.1:9/x","retryPolicy":{"maxAttempts":3,"maxDelayMs":604800001}}""", "retryPolicy.maxDelayMs" },
            { """{"url":"http://127.0.0.1:9/x","retryPolicy":{"maxAttempts":3,"backoff":"linear"}}""", "retryPolicy.backoff" },
            { """{"url":"http://127.0.0.1:9/x","rateLimitPerSecond":0}""", "rateLimitPerSecond" },
            { """{"url":"http://127.0.0.1:9/x","rateLimitPerSecond":10001}""", "rateLimitPerSecond" },
            { """{"url":"http://127.0.0.1:9/x","paused":"yes"}""", "paused" },
            { """{"url":"http://127.0.0.1:9/x","requestedBy":"x"}""", "requestedBy" },
            { """{"url":"http://127.0.0.1:9/x","signingSecret":"whsec_mine"}""", "signingSecret" },
            { """{"url":"http://127.0.0.1:9/x","URL":"http://127.0.0.1:9/y"}""", "URL" },
            { """{"url":"http://127.0.0.1:9/x","url":"http://127.0.0.1:9/y"}""", "url" },
            { """{"url":"http://127.0.0.1:9/x","\ud800":1}""", "body" },
            { """{"url":"http://127.0.0.1:9/x","headers":{"X-\ud800":"v"}}""", "headers" },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidCreateBodies))]
    public async Task Invalid_destinations_answer_400_naming_the_field_and_write_nothing(string body, string field)
    {
        var integrationId = await NewIntegrationAsync();

        var reply = await SendAsync(HttpMethod.Post, $"/api/v1/integrations/{integrationId}/destinations", body);

        AssertValidationError(reply, field);
        Assert.Equal(0, await CountDestinationsAsync(integrationId));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"a string\"")]
    [InlineData("""{"url":""")]
    public async Task Bodies_that_are_not_a_JSON_object_answer_400(string body)
    {
        var reply = await SendAsync(HttpMethod.Post, $"/api/v1/integrations/{await NewIntegrationAsync()}/destinations", body);
        AssertError(reply, HttpStatusCode.BadRequest, "VALIDATION_ERROR", "Request body must be a JSON object");
    }

    [Fact]
    public async Task Patch_changes_the_fields_given_clears_those_set_to_null_and_audits_what_changed()
    {
        var integrationId = await NewIntegrationAsync();
        var created = await CreateAsync(integrationId, new
        {
            url = Url("patch"),
            description = "before",
            eventTypes = new[] { "invoice.paid" },
            payloadFilter = "$.data.amount > 10",
            headers = new Dictionary<string, string> { ["X-Old"] = "old-value" },
            timeoutSeconds = 5,
            retryPolicy = new { maxAttempts = 3 },
            rateLimitPerSecond = 10,
        });
        var id = created["id"]!.GetValue<string>();
        var newUrl = Url("patched");

        var patched = await OkAsync(HttpMethod.Patch, $"/api/v1/destinations/{id}", Json(new
        {
            url = newUrl,
            description = (string?)null,
            eventTypes = new[] { "order.*" },
            payloadFilter = (string?)null,
            headers = new Dictionary<string, string> { ["X-New"] = "new-secret-value", ["X-Other"] = "2" },
            timeoutSeconds = (int?)null,
            retryPolicy = new { maxAttempts = 8, scheduleMs = new[] { 0, 100 } },
            requestedBy = "ops-patch",
        }));

        Assert.Equal(newUrl, patched["url"]!.GetValue<string>());
        Assert.Null(patched["description"]);
        Assert.Equal(["order.*"], patched["eventTypes"]!.AsArray().Select(type => type!.GetValue<string>()));
        Assert.Null(patched["payloadFilter"]);
        Assert.Equal(["X-New", "X-Other"], patched["headerNames"]!.AsArray().Select(name => name!.GetValue<string>()));
        Assert.Null(patched["timeoutSeconds"]);
        Assert.Equal("""{"maxAttempts":8,"scheduleMs":[0,100],"jitterPercent":0,"maxDelayMs":null}""", patched["retryPolicy"]!.ToJsonString());
        Assert.Equal(10, patched["rateLimitPerSecond"]!.GetValue<int>());
        Assert.Equal(created["createdAt"]!.GetValue<string>(), patched["createdAt"]!.GetValue<string>());
        Assert.True(DateTime.Parse(patched["updatedAt"]!.GetValue<string>()) > DateTime.Parse(created["updatedAt"]!.GetValue<string>()));
        Assert.Equal(patched.ToJsonString(), (await OkAsync(HttpMethod.Get, $"/api/v1/destinations/{id}")).ToJsonString());

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var audit = await connection.QuerySingleAsync<(string Actor, string Details)>(
            "SELECT actor, details::text FROM audit_entries WHERE entity_id = @id AND action = 'destination.updated'", new { id = Guid.Parse(id) });
        Assert.Equal("ops-patch", audit.Actor);
        var details = JsonNode.Parse(audit.Details)!;
        Assert.Equal(["description", "eventTypes", "headers", "payloadFilter", "retryPolicy", "timeoutSeconds", "url"],
            details["changed"]!.AsArray().Select(name => name!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("new-secret-value", audit.Details);

        // Null clears the rest; an empty patch changes nothing and writes nothing.
        var cleared = await OkAsync(HttpMethod.Patch, $"/api/v1/destinations/{id}", """{"headers":null,"retryPolicy":null,"rateLimitPerSecond":null}""");
        Assert.Empty(cleared["headerNames"]!.AsArray());
        Assert.Null(cleared["retryPolicy"]);
        Assert.Null(cleared["rateLimitPerSecond"]);
        var unchanged = await OkAsync(HttpMethod.Patch, $"/api/v1/destinations/{id}", "{}");
        Assert.Equal(cleared.ToJsonString(), unchanged.ToJsonString());
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE entity_id = @id AND action = 'destination.updated'", new { id = Guid.Parse(id) }));
        Assert.Equal("{}", await connection.ExecuteScalarAsync<string>("SELECT headers::text FROM destinations WHERE id = @id", new { id = Guid.Parse(id) }));
        AssertNowhere("new-secret-value", "old-value");
    }

    [Theory]
    [InlineData("""{"colour":"blue"}""", "colour")]
    [InlineData("""{"url":null}""", "url")]
    [InlineData("""{"url":"http://169.254.169.254/"}""", "url")]
    [InlineData("""{"url":"http://10.0.0.1/"}""", "url")]
    [InlineData("""{"headers":{"Host":"x"}}""", "headers.Host")]
    [InlineData("""{"timeoutSeconds":31}""", "timeoutSeconds")]
    [InlineData("""{"retryPolicy":{"scheduleMs":[1]}}""", "retryPolicy.maxAttempts")]
    [InlineData("""{"paused":1}""", "paused")]
    [InlineData("""{"eventTypes":["invoice.**"]}""", "eventTypes")]
    [InlineData("""{"payloadFilter":"$.a == "}""", "payloadFilter")]
    public async Task Patch_validates_like_create_and_changes_nothing_on_400(string body, string field)
    {
        var integrationId = await NewIntegrationAsync();
        var id = (await CreateAsync(integrationId, new { url = Url("patch-invalid") }))["id"]!.GetValue<string>();
        var before = await OkAsync(HttpMethod.Get, $"/api/v1/destinations/{id}");

        AssertValidationError(await SendAsync(HttpMethod.Patch, $"/api/v1/destinations/{id}", body), field);

        Assert.Equal(before.ToJsonString(), (await OkAsync(HttpMethod.Get, $"/api/v1/destinations/{id}")).ToJsonString());
    }

    [Fact]
    public async Task Delete_is_soft_answers_204_then_404_and_is_audited()
    {
        var integrationId = await NewIntegrationAsync();
        var id = (await CreateAsync(integrationId, new { url = Url("delete") }))["id"]!.GetValue<string>();

        var deleted = await SendAsync(HttpMethod.Delete, $"/api/v1/destinations/{id}?requestedBy=ops-delete");
        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Empty(deleted.Body);

        AssertError(await SendAsync(HttpMethod.Get, $"/api/v1/destinations/{id}"), HttpStatusCode.NotFound, "NOT_FOUND", "Destination not found");
        AssertError(await SendAsync(HttpMethod.Delete, $"/api/v1/destinations/{id}"), HttpStatusCode.NotFound, "NOT_FOUND");
        AssertError(await SendAsync(HttpMethod.Patch, $"/api/v1/destinations/{id}", "{}"), HttpStatusCode.NotFound, "NOT_FOUND");
        AssertError(await SendAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/pause"), HttpStatusCode.NotFound, "NOT_FOUND");
        AssertError(await SendAsync(HttpMethod.Get, $"/api/v1/destinations/{id}/attempts"), HttpStatusCode.NotFound, "NOT_FOUND");

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT deleted_at IS NOT NULL FROM destinations WHERE id = @id", new { id = Guid.Parse(id) }));
        var audit = await connection.QuerySingleAsync<(string Actor, string Details)>(
            "SELECT actor, details::text FROM audit_entries WHERE entity_id = @id AND action = 'destination.deleted'", new { id = Guid.Parse(id) });
        Assert.Equal("ops-delete", audit.Actor);
        Assert.Equal(integrationId.ToString(), JsonNode.Parse(audit.Details)!["integrationId"]!.GetValue<string>());

        AssertValidationError(await SendAsync(HttpMethod.Delete, $"/api/v1/destinations/{Guid.NewGuid()}?requestedBy=x"), "requestedBy");
        AssertValidationError(await SendAsync(HttpMethod.Delete, $"/api/v1/destinations/{Guid.NewGuid()}?force=true"), "force");
    }

    [Fact]
    public async Task A_seeded_integration_has_its_default_destination_whose_url_and_deletion_belong_to_the_integration()
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var acme = await connection.QuerySingleAsync<(Guid Id, string CallbackUrl)>("SELECT id, callback_url FROM integrations WHERE provider = 'acme'");

        var list = await ListAsync($"/api/v1/integrations/{acme.Id}/destinations");
        var defaults = list["data"]!.AsArray().Where(item => item!["isDefault"]!.GetValue<bool>()).ToList();
        var destination = Assert.Single(defaults)!;
        Assert.Equal(acme.CallbackUrl, destination["url"]!.GetValue<string>());
        Assert.Equal(acme.Id.ToString(), destination["integrationId"]!.GetValue<string>());
        Assert.Empty(destination["eventTypes"]!.AsArray());
        var id = destination["id"]!.GetValue<string>();

        var url = await SendAsync(HttpMethod.Patch, $"/api/v1/destinations/{id}", Json(new { url = Url("not-the-callback") }));
        AssertValidationError(url, "url");
        Assert.Contains("callbackUrl", url.Json["error"]!["details"]!["url"]!.GetValue<string>());
        var delete = await SendAsync(HttpMethod.Delete, $"/api/v1/destinations/{id}");
        AssertError(delete, HttpStatusCode.BadRequest, "VALIDATION_ERROR", "The default destination cannot be deleted");
        Assert.Contains("integration", delete.Json["error"]!["details"]!["id"]!.GetValue<string>());

        Assert.Equal(destination.ToJsonString(), (await OkAsync(HttpMethod.Get, $"/api/v1/destinations/{id}")).ToJsonString());
    }

    [Fact]
    public async Task The_default_destination_takes_filters_headers_policy_and_pause_and_keeps_following_the_callback_url()
    {
        var integrationId = await NewIntegrationAsync(withDefaultDestination: true);
        var list = await ListAsync($"/api/v1/integrations/{integrationId}/destinations");
        var id = Assert.Single(list["data"]!.AsArray())!["id"]!.GetValue<string>();

        var patched = await OkAsync(HttpMethod.Patch, $"/api/v1/destinations/{id}", Json(new
        {
            description = "the callback",
            headers = new Dictionary<string, string> { ["X-Tenant"] = "7" },
            timeoutSeconds = 3,
            retryPolicy = new { maxAttempts = 2 },
            rateLimitPerSecond = 5,
            paused = true,
        }));
        Assert.True(patched["isDefault"]!.GetValue<bool>());
        Assert.Equal("paused", patched["status"]!.GetValue<string>());
        Assert.Equal(["X-Tenant"], patched["headerNames"]!.AsArray().Select(name => name!.GetValue<string>()));

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE integrations SET callback_url = 'http://127.0.0.1:9/moved' WHERE id = @integrationId", new { integrationId });
        Assert.Equal("http://127.0.0.1:9/moved", (await OkAsync(HttpMethod.Get, $"/api/v1/destinations/{id}"))["url"]!.GetValue<string>());
        Assert.Null(await connection.ExecuteScalarAsync<string>("SELECT url FROM destinations WHERE id = @id", new { id = Guid.Parse(id) }));
    }

    [Fact]
    public async Task Pause_and_resume_change_the_status_once_each_and_resume_publishes_DestinationResumed()
    {
        var integrationId = await NewIntegrationAsync();
        var id = (await CreateAsync(integrationId, new { url = Url("pause") }))["id"]!.GetValue<string>();
        var probe = await BrokerProbe.BindAsync(cluster.Dependencies, "DestinationResumed");
        try
        {
            Assert.Equal("paused", (await OkAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/pause", Json(new { requestedBy = "ops-pause" })))["status"]!.GetValue<string>());
            // Idempotent: a second pause answers the same view and records nothing.
            Assert.Equal("paused", (await OkAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/pause"))["status"]!.GetValue<string>());

            var resumed = await OkAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/resume", Json(new { requestedBy = "ops-resume" }));
            Assert.Equal("enabled", resumed["status"]!.GetValue<string>());
            Assert.Equal(ViewFields, resumed.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
            Assert.Equal("enabled", (await OkAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/resume"))["status"]!.GetValue<string>());

            var messages = await probe.DrainUntilAsync(found => found.Count >= 1, TimeSpan.FromSeconds(20));
            var envelope = Assert.Single(messages);
            Assert.Contains("urn:message:Relay.Contracts:DestinationResumed", envelope["messageType"]!.AsArray().Select(type => type!.GetValue<string>()));
            Assert.Equal(id, envelope["message"]!["destinationId"]!.GetValue<string>());
            Assert.Equal("ops-resume", envelope["message"]!["requestedBy"]!.GetValue<string>());

            await using var database = cluster.OpenDatabase();
            await using var connection = await database.OpenConnectionAsync();
            var row = await connection.QuerySingleAsync<(bool Paused, DateTime? ResumedAt)>("SELECT paused, resumed_at FROM destinations WHERE id = @id", new { id = Guid.Parse(id) });
            Assert.False(row.Paused);
            Assert.NotNull(row.ResumedAt);
            Assert.Equal(row.ResumedAt.Value, DateTime.Parse(envelope["message"]!["resumedAt"]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.AdjustToUniversal), TimeSpan.FromMilliseconds(1));
            var trail = (await connection.QueryAsync<(string Action, string Actor)>(
                "SELECT action, actor FROM audit_entries WHERE entity_id = @id ORDER BY id", new { id = Guid.Parse(id) })).ToList();
            Assert.Equal([("destination.created", "api-user"), ("destination.paused", "ops-pause"), ("destination.resumed", "ops-resume")], trail);
            // Sent: the outbox keeps nothing for it.
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM outbox_messages WHERE message_type = 'DestinationResumed' AND payload->>'destinationId' = @id", new { id }));
        }
        finally
        {
            await probe.DeleteAsync();
        }
    }

    [Fact]
    public async Task An_automatic_disable_shows_as_disabled_until_a_resume_lifts_it()
    {
        var integrationId = await NewIntegrationAsync();
        var id = Guid.Parse((await CreateAsync(integrationId, new { url = Url("disabled") }))["id"]!.GetValue<string>());
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        // What Delivery.Worker writes when a destination keeps failing.
        await connection.ExecuteAsync(
            """
            INSERT INTO destination_health (destination_id, consecutive_failures, failing_since, last_failure_at, last_error, disabled_at, disabled_reason, circuit_open_until)
            VALUES (@id, 12, now() - interval '1 hour', now() - interval '1 minute', 'HTTP 503', now() - interval '1 minute', 'failing for an hour', now() + interval '1 minute')
            """, new { id });

        var disabled = await OkAsync(HttpMethod.Get, $"/api/v1/destinations/{id}");
        Assert.Equal("disabled", disabled["status"]!.GetValue<string>());
        Assert.Equal("failing for an hour", disabled["disabled"]!["reason"]!.GetValue<string>());
        Assert.EndsWith("Z", disabled["disabled"]!["at"]!.GetValue<string>());
        Assert.Equal(12, disabled["health"]!["consecutiveFailures"]!.GetValue<int>());
        Assert.Equal("HTTP 503", disabled["health"]!["lastError"]!.GetValue<string>());
        Assert.NotNull(disabled["health"]!["circuitOpenUntil"]);
        Assert.NotNull(disabled["health"]!["failingSince"]);
        Assert.Null(disabled["health"]!["lastSuccessAt"]);

        // Paused wins over disabled; a resume lifts both.
        Assert.Equal("paused", (await OkAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/pause"))["status"]!.GetValue<string>());
        var resumed = await OkAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/resume");
        Assert.Equal("enabled", resumed["status"]!.GetValue<string>());
        Assert.Null(resumed["disabled"]);
        Assert.Equal(12, resumed["health"]!["consecutiveFailures"]!.GetValue<int>());

        // Disabled again later (after the resume), then resumed through PATCH paused:false.
        await connection.ExecuteAsync("UPDATE destination_health SET disabled_at = now() + interval '1 second' WHERE destination_id = @id", new { id });
        Assert.Equal("disabled", (await OkAsync(HttpMethod.Get, $"/api/v1/destinations/{id}"))["status"]!.GetValue<string>());
        Assert.Equal("enabled", (await OkAsync(HttpMethod.Patch, $"/api/v1/destinations/{id}", """{"paused":false}"""))["status"]!.GetValue<string>());

        var resumes = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_id = @id AND action = 'destination.resumed'", new { id });
        Assert.Equal(2, resumes);
    }

    [Fact]
    public async Task Patch_paused_pauses_and_resumes_like_the_routes()
    {
        var integrationId = await NewIntegrationAsync();
        var id = Guid.Parse((await CreateAsync(integrationId, new { url = Url("patch-pause") }))["id"]!.GetValue<string>());

        Assert.Equal("paused", (await OkAsync(HttpMethod.Patch, $"/api/v1/destinations/{id}", """{"paused":true,"description":"on hold"}"""))["status"]!.GetValue<string>());
        Assert.Equal("enabled", (await OkAsync(HttpMethod.Patch, $"/api/v1/destinations/{id}", """{"paused":false}"""))["status"]!.GetValue<string>());

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var actions = (await connection.QueryAsync<string>("SELECT action FROM audit_entries WHERE entity_id = @id ORDER BY id", new { id })).ToList();
        Assert.Equal(["destination.created", "destination.updated", "destination.paused", "destination.resumed"], actions);
        Assert.NotNull(await connection.ExecuteScalarAsync<DateTime?>("SELECT resumed_at FROM destinations WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task Rotating_the_secret_answers_the_new_one_once_and_keeps_the_old_one_for_the_grace_period()
    {
        var integrationId = await NewIntegrationAsync();
        var created = await CreateAsync(integrationId, new { url = Url("rotate") });
        var id = created["id"]!.GetValue<string>();
        var first = created["signingSecret"]!.GetValue<string>();

        var before = DateTime.UtcNow;
        var rotated = await SendAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/rotate-secret", Json(new { requestedBy = "ops-rotate" }));
        Assert.True(rotated.Status == HttpStatusCode.OK, rotated.Body);
        var data = rotated.Json["data"]!;
        Assert.Equal(["previousValidUntil", "signingSecret"], data.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        var second = data["signingSecret"]!.GetValue<string>();
        AssertSigningSecretFormat(second);
        Assert.NotEqual(first, second);
        var validUntil = DateTime.Parse(data["previousValidUntil"]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(validUntil, before.AddSeconds(86_400 - 5), DateTime.UtcNow.AddSeconds(86_400 + 5));

        var view = await SendAsync(HttpMethod.Get, $"/api/v1/destinations/{id}");
        Assert.DoesNotContain("whsec_", view.Body);
        Assert.NotNull(view.Json["data"]!["signingSecret"]!["rotatedAt"]);
        Assert.Equal(data["previousValidUntil"]!.GetValue<string>(), view.Json["data"]!["signingSecret"]!["previousValidUntil"]!.GetValue<string>());

        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<(string Current, string Previous)>(
            "SELECT signing_secret, previous_signing_secret FROM destinations WHERE id = @id", new { id = Guid.Parse(id) });
        Assert.Equal(second, Protector.Unprotect(stored.Current, SecretPurposes.DestinationSigningSecret));
        Assert.Equal(first, Protector.Unprotect(stored.Previous, SecretPurposes.DestinationSigningSecret));
        var audit = await connection.QuerySingleAsync<(string Actor, string Details)>(
            "SELECT actor, details::text FROM audit_entries WHERE entity_id = @id AND action = 'destination.secret_rotated'", new { id = Guid.Parse(id) });
        Assert.Equal("ops-rotate", audit.Actor);
        Assert.Equal(86_400, JsonNode.Parse(audit.Details)!["graceSeconds"]!.GetValue<int>());
        Assert.DoesNotContain("whsec_", audit.Details);

        // No grace: the old secret stops signing at once.
        var immediateReply = await SendAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/rotate-secret", """{"graceSeconds":0}""");
        Assert.Equal(HttpStatusCode.OK, immediateReply.Status);
        var immediate = immediateReply.Json["data"]!;
        Assert.Null(immediate["previousValidUntil"]);
        Assert.NotEqual(second, immediate["signingSecret"]!.GetValue<string>());
        Assert.True(await connection.ExecuteScalarAsync<bool>(
            "SELECT previous_signing_secret IS NULL AND previous_secret_expires_at IS NULL FROM destinations WHERE id = @id", new { id = Guid.Parse(id) }));
        Assert.Null((await OkAsync(HttpMethod.Get, $"/api/v1/destinations/{id}"))["signingSecret"]!["previousValidUntil"]);

        AssertNowhere(second, exceptInResponseTo: rotated.Body);
        AssertNowhere(immediate["signingSecret"]!.GetValue<string>(), exceptInResponseTo: immediateReply.Body);
    }

    [Theory]
    [InlineData("""{"graceSeconds":-1}""", "graceSeconds")]
    [InlineData("""{"graceSeconds":604801}""", "graceSeconds")]
    [InlineData("""{"graceSeconds":"60"}""", "graceSeconds")]
    [InlineData("""{"grace":60}""", "grace")]
    [InlineData("""{"requestedBy":""}""", "requestedBy")]
    public async Task Rotation_refuses_a_bad_body(string body, string field)
    {
        var id = (await CreateAsync(await NewIntegrationAsync(), new { url = Url("rotate-invalid") }))["id"]!.GetValue<string>();
        AssertValidationError(await SendAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/rotate-secret", body), field);
    }

    [Fact]
    public async Task Attempts_list_newest_first_by_cursor_with_a_status_filter_and_redacted_excerpts()
    {
        var integration = await NewIntegrationAsync();
        var id = Guid.Parse((await CreateAsync(integration, new { url = Url("attempts") }))["id"]!.GetValue<string>());
        var other = Guid.Parse((await CreateAsync(integration, new { url = Url("attempts-other") }))["id"]!.GetValue<string>());
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var provider = await connection.ExecuteScalarAsync<string>("SELECT provider FROM integrations WHERE id = @integration", new { integration });
        var t0 = new DateTime(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        var eventId = await ManagementData.SeedEventAsync(connection, new(ManagementData.Unique("dest.attempts"), "failed", t0, t0, t0, Provider: provider!));
        var deliveryId = Guid.NewGuid();
        var leaked = $"tok_{Guid.NewGuid():N}";
        var longBody = $$"""{"error":"denied","access_token":"{{leaked}}","detail":"{{new string('x', 900)}}"}""";
        var attempts = new List<Guid>();
        for (var i = 1; i <= 5; i++)
        {
            attempts.Add(await SeedAttemptAsync(connection, eventId, id, deliveryId, i, i % 2 == 0 ? "success" : "failed", t0.AddSeconds(i),
                i == 3 ? longBody : i == 5 ? $"Authorization: Bearer {leaked}\npassword={leaked}&ok=1" : """{"accepted":true}"""));
        }
        await SeedAttemptAsync(connection, eventId, other, Guid.NewGuid(), 6, "failed", t0.AddSeconds(6), "other destination");

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await ListAsync($"/api/v1/destinations/{id}/attempts?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(ManagementData.Ids(page));
            cursor = page["meta"]!["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null && pages < 10);
        Assert.Equal(3, pages);
        Assert.Equal(attempts.AsEnumerable().Reverse().Select(attempt => attempt.ToString()), seen);

        var all = (await ListAsync($"/api/v1/destinations/{id}/attempts"))["data"]!.AsArray();
        var newest = all[0]!;
        Assert.Equal(AttemptFields, newest.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        Assert.Equal(eventId.ToString(), newest["eventId"]!.GetValue<string>());
        Assert.Equal(deliveryId.ToString(), newest["deliveryId"]!.GetValue<string>());
        Assert.Equal(id.ToString(), newest["destinationId"]!.GetValue<string>());
        Assert.Equal(5, newest["attemptNo"]!.GetValue<int>());
        Assert.Equal(5, newest["deliveryAttemptNo"]!.GetValue<int>());
        Assert.Equal("failed", newest["status"]!.GetValue<string>());
        Assert.Equal(500, newest["httpStatus"]!.GetValue<int>());
        Assert.Equal(15, newest["durationMs"]!.GetValue<int>());
        Assert.Equal("HTTP 500", newest["error"]!.GetValue<string>());
        Assert.Equal("Authorization: Bearer [redacted]\npassword=[redacted]&ok=1", newest["responseExcerpt"]!.GetValue<string>());
        var third = all[2]!["responseExcerpt"]!.GetValue<string>();
        Assert.Equal(500, third.Length);
        Assert.StartsWith("""{"error":"denied","access_token":"[redacted]","detail":"xxx""", third);
        Assert.Equal("""{"accepted":true}""", all[1]!["responseExcerpt"]!.GetValue<string>());

        var failed = (await ListAsync($"/api/v1/destinations/{id}/attempts?status=failed"))["data"]!.AsArray();
        Assert.Equal([attempts[4], attempts[2], attempts[0]], failed.Select(item => Guid.Parse(item!["id"]!.GetValue<string>())));
        var succeeded = (await ListAsync($"/api/v1/destinations/{id}/attempts?status=success"))["data"]!.AsArray();
        Assert.Equal([attempts[3], attempts[1]], succeeded.Select(item => Guid.Parse(item!["id"]!.GetValue<string>())));

        AssertValidationError(await SendAsync(HttpMethod.Get, $"/api/v1/destinations/{id}/attempts?status=retrying"), "status");
        AssertValidationError(await SendAsync(HttpMethod.Get, $"/api/v1/destinations/{id}/attempts?cursor=zzz"), "cursor");
        AssertValidationError(await SendAsync(HttpMethod.Get, $"/api/v1/destinations/{id}/attempts?limit=500"), "limit");
        AssertError(await SendAsync(HttpMethod.Get, $"/api/v1/destinations/{Guid.NewGuid()}/attempts"), HttpStatusCode.NotFound, "NOT_FOUND", "Destination not found");
        AssertNowhere(leaked);
    }

    [Fact]
    public async Task Unknown_destinations_answer_404_and_malformed_ids_400_on_every_route()
    {
        var unknown = Guid.NewGuid();
        foreach (var (method, path, body) in Routes(unknown.ToString()))
        {
            AssertError(await SendAsync(method, path, body), HttpStatusCode.NotFound, "NOT_FOUND", "Destination not found");
        }
        foreach (var (method, path, body) in Routes("not-a-uuid"))
        {
            AssertValidationError(await SendAsync(method, path, body), "id");
        }
    }

    [Fact]
    public async Task Every_destination_route_needs_the_management_key()
    {
        using var anonymous = cluster.CreateClient();
        var id = Guid.NewGuid().ToString();
        var routes = Routes(id).Append((HttpMethod.Get, $"/api/v1/integrations/{Guid.NewGuid()}/destinations", null))
            .Append((HttpMethod.Post, $"/api/v1/integrations/{Guid.NewGuid()}/destinations", Json(new { url = Url("anonymous") })))
            .Append((HttpMethod.Get, "/api/v1/destinations/unknown/sub/path", null));
        foreach (var (method, path, body) in routes)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Webhooks.Json(body) };
            using var response = await anonymous.SendAsync(request);
            await ManagementData.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED", "Invalid management API key");
        }
    }

    [Fact]
    public async Task Secrets_and_header_values_never_appear_in_any_response_or_log_line()
    {
        var integrationId = await NewIntegrationAsync();
        var headerValue = $"header-credential-{Guid.NewGuid():N}";
        var created = await CreateAsync(integrationId, new { url = Url("leaks"), headers = new Dictionary<string, string> { ["X-Api-Key"] = headerValue } });
        var id = created["id"]!.GetValue<string>();
        var secret = created["signingSecret"]!.GetValue<string>();
        var createResponse = responses.Last();

        await OkAsync(HttpMethod.Get, $"/api/v1/destinations/{id}");
        await ListAsync($"/api/v1/integrations/{integrationId}/destinations");
        await OkAsync(HttpMethod.Patch, $"/api/v1/destinations/{id}", """{"description":"still secret"}""");
        await OkAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/pause");
        await OkAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/resume");
        await ListAsync($"/api/v1/destinations/{id}/attempts");
        await SendAsync(HttpMethod.Patch, $"/api/v1/destinations/{id}", """{"headers":{"X-Api-Key":"x\r\ny"}}""");
        await SendAsync(HttpMethod.Get, $"/api/v1/audit-entries?entityId={id}");
        var rotated = await SendAsync(HttpMethod.Post, $"/api/v1/destinations/{id}/rotate-secret");
        var newSecret = rotated.Json["data"]!["signingSecret"]!.GetValue<string>();
        await SendAsync(HttpMethod.Get, $"/api/v1/audit-entries?entityId={id}");

        Assert.Contains(secret, createResponse);
        AssertNowhere(secret, headerValue, exceptInResponseTo: createResponse);
        AssertNowhere(newSecret, exceptInResponseTo: rotated.Body);
        Assert.DoesNotContain(responses, response => response.Contains("v1:", StringComparison.Ordinal));
    }

    private static IEnumerable<(HttpMethod Method, string Path, string? Body)> Routes(string id) =>
    [
        (HttpMethod.Get, $"/api/v1/destinations/{id}", null),
        (HttpMethod.Patch, $"/api/v1/destinations/{id}", """{"description":"x"}"""),
        (HttpMethod.Delete, $"/api/v1/destinations/{id}", null),
        (HttpMethod.Post, $"/api/v1/destinations/{id}/pause", null),
        (HttpMethod.Post, $"/api/v1/destinations/{id}/resume", null),
        (HttpMethod.Post, $"/api/v1/destinations/{id}/rotate-secret", null),
        (HttpMethod.Get, $"/api/v1/destinations/{id}/attempts", null),
    ];

    private sealed record Reply(HttpStatusCode Status, string Body, Uri? Location)
    {
        public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("Empty body");
    }

    private async Task<Reply> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Webhooks.Json(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        responses.Enqueue(text);
        return new Reply(response.StatusCode, text, response.Headers.Location);
    }

    private async Task<JsonNode> OkAsync(HttpMethod method, string path, string? body = null)
    {
        var reply = await SendAsync(method, path, body);
        Assert.True(reply.Status == HttpStatusCode.OK, $"{method} {path} answered {(int)reply.Status}: {reply.Body}{LogsOnServerError(reply)}");
        return reply.Json["data"]!;
    }

    private async Task<JsonNode> ListAsync(string path)
    {
        var reply = await SendAsync(HttpMethod.Get, path);
        Assert.True(reply.Status == HttpStatusCode.OK, $"GET {path} answered {(int)reply.Status}: {reply.Body}{LogsOnServerError(reply)}");
        var json = reply.Json;
        Assert.True(json["success"]!.GetValue<bool>());
        Assert.Equal(["limit", "nextCursor"], json["meta"]!.AsObject().Select(field => field.Key).Order(StringComparer.Ordinal));
        return json;
    }

    private async Task<JsonNode> CreateAsync(Guid integrationId, object body)
    {
        var reply = await SendAsync(HttpMethod.Post, $"/api/v1/integrations/{integrationId}/destinations", Json(body));
        Assert.True(reply.Status == HttpStatusCode.Created, $"create answered {(int)reply.Status}: {reply.Body}{LogsOnServerError(reply)}");
        return reply.Json["data"]!;
    }

    /// <summary>An integration of the test's own (no webhook reaches it), with a default destination like a seeded one if asked.</summary>
    private async Task<Guid> NewIntegrationAsync(bool withDefaultDestination = false)
    {
        var id = Guid.NewGuid();
        var provider = $"dest-{Guid.NewGuid():N}"[..24];
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO integrations (id, provider, name, webhook_secret, callback_url, is_active)
            VALUES (@id, @provider, 'Destinations test', 'v1:not-a-real-ciphertext', 'http://127.0.0.1:9/callback', true)
            """, new { id, provider });
        if (withDefaultDestination)
        {
            await connection.ExecuteAsync(
                "INSERT INTO destinations (id, integration_id, is_default) VALUES (@destinationId, @id, true)", new { destinationId = Guid.NewGuid(), id });
        }
        return id;
    }

    private async Task<long> CountDestinationsAsync(Guid integrationId)
    {
        await using var database = cluster.OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM destinations WHERE integration_id = @integrationId", new { integrationId });
    }

    /// <summary>An attempt row as Delivery.Worker writes one for a destination.</summary>
    private static async Task<Guid> SeedAttemptAsync(
        Npgsql.NpgsqlConnection connection, Guid eventId, Guid destinationId, Guid deliveryId, int attemptNo, string status, DateTime createdAt, string responseBody)
    {
        var id = Guid.NewGuid();
        await connection.ExecuteAsync(
            """
            INSERT INTO delivery_attempts (id, normalized_event_id, integration_id, attempt_no, status, http_status, response_body, error_message,
                                           duration_ms, created_at, destination_id, delivery_id, delivery_attempt_no)
            SELECT @id, e.id, e.integration_id, @attemptNo, @status, @httpStatus, @responseBody, @error, 15, @createdAt, @destinationId, @deliveryId, @attemptNo
            FROM normalized_events e WHERE e.id = @eventId
            """,
            new
            {
                id, eventId, attemptNo, status, httpStatus = status == "success" ? 200 : 500, responseBody, error = status == "success" ? null : "HTTP 500",
                createdAt, destinationId, deliveryId,
            });
        return id;
    }

    private string LogsOnServerError(Reply reply) =>
        (int)reply.Status >= 500 ? $"\n{cluster.Service("Management.Api").RecentOutput}" : "";

    private static string Url(string name) => $"http://127.0.0.1:9/{name}/{Guid.NewGuid():N}";

    private static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    private static void AssertSigningSecretFormat(string secret)
    {
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
    }

    /// <summary>
    /// None of <paramref name="values"/> in any response this test received (but the one that showed it) or in any line
    /// a service wrote meanwhile.
    /// </summary>
    private void AssertNowhere(string value, string? another = null, string? exceptInResponseTo = null)
    {
        foreach (var secret in new[] { value, another }.OfType<string>())
        {
            Assert.DoesNotContain(responses, response => !ReferenceEquals(response, exceptInResponseTo) && response != exceptInResponseTo && response.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(serviceLines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }

    private void AssertValidationError(Reply reply, string field)
    {
        Assert.True(reply.Status == HttpStatusCode.BadRequest, $"expected 400 naming {field}, got {(int)reply.Status}: {reply.Body}{LogsOnServerError(reply)}");
        var json = reply.Json;
        Assert.False(json["success"]!.GetValue<bool>());
        Assert.Equal("VALIDATION_ERROR", json["error"]!["code"]!.GetValue<string>());
        Assert.True(json["error"]!["details"]?[field] is not null, $"the details do not name {field}: {reply.Body}");
    }

    private static void AssertError(Reply reply, HttpStatusCode status, string code, string? message = null)
    {
        Assert.True(reply.Status == status, $"expected {(int)status} {code}, got {(int)reply.Status}: {reply.Body}");
        Assert.Equal(code, reply.Json["error"]!["code"]!.GetValue<string>());
        if (message is not null)
        {
            Assert.Equal(message, reply.Json["error"]!["message"]!.GetValue<string>());
        }
    }
}
