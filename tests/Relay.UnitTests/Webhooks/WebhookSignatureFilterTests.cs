using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Relay.Webhooks;

namespace Relay.UnitTests.Webhooks;

/// <summary>
/// RequireWebhookSignature on a real Kestrel listening on 127.0.0.1 (a free port, stopped after the tests): signed
/// requests reach the handler with the whole body still readable; the others get 401 or 413 and never reach it.
/// </summary>
public sealed class WebhookSignatureFilterTests : IAsyncLifetime
{
    private const int SmallLimit = 1024;

    private readonly WebhookSecret secret = WebhookSecret.Generate();
    private readonly WebhookSecret configuredSecret = WebhookSecret.Generate();
    private readonly HttpClient client = new(new SocketsHttpHandler { UseProxy = false });
    private WebApplication app = null!;
    private int handlerCalls;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(new WebhookVerifier(configuredSecret));
        builder.Services.AddRequestDecompression();
        app = builder.Build();

        app.UseRequestDecompression();
        // Middleware that reads the whole body first, leaving it buffered but not rewound.
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/read-first"))
            {
                context.Request.EnableBuffering();
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            }
            await next(context);
        });

        app.MapPost("/hooks", EchoAsync).RequireWebhookSignature(secret.ToString());
        app.MapPost("/read-first", EchoAsync).RequireWebhookSignature(secret.ToString());
        app.MapPost("/configured", EchoAsync)
            .RequireWebhookSignature(services => services.GetRequiredService<WebhookVerifier>(), maxBodyBytes: SmallLimit);
        app.MapGroup("/group").RequireWebhookSignature(secret.ToString()).MapPost("/hooks", EchoAsync);
        app.MapPost("/bound", (Invoice invoice) =>
        {
            Interlocked.Increment(ref handlerCalls);
            return Results.Ok(invoice.Id);
        }).RequireWebhookSignature(secret.ToString());

        await app.StartAsync();
        client.BaseAddress = new Uri(app.Urls.First());
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(57, false)]
    [InlineData(200_000, false)]
    [InlineData(200_000, true)]
    [InlineData(1_048_576, true)]
    public async Task A_signed_request_reaches_the_handler_which_reads_the_whole_body(int bodyLength, bool chunked)
    {
        var body = RandomNumberGenerator.GetBytes(bodyLength);

        using var response = await client.SendAsync(Signed("/hooks", body, [secret], chunked));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Digest(body), await response.Content.ReadAsStringAsync());
        Assert.Equal(1, handlerCalls);
    }

    [Fact]
    public async Task A_rotation_header_passes_when_one_of_its_signatures_matches()
    {
        var body = """{"type":"invoice.paid"}"""u8.ToArray();

        using var response = await client.SendAsync(Signed("/hooks", body, [WebhookSecret.Generate(), secret]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_badly_signed_request_gets_401_with_a_json_error_and_never_reaches_the_handler()
    {
        var body = """{"type":"invoice.paid"}"""u8.ToArray();
        var request = Signed("/hooks", body, [WebhookSecret.Generate()]);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = await ErrorAsync(response);
        Assert.Equal("No v1 signature in the webhook-signature header matches.", error);
        Assert.Equal(0, handlerCalls);
    }

    [Fact]
    public async Task Unsigned_tampered_and_stale_requests_get_401()
    {
        var body = """{"type":"invoice.paid"}"""u8.ToArray();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

        using var unsigned = await client.PostAsync("/hooks", new ByteArrayContent(body));
        var tampered = Signed("/hooks", body, [secret]);
        tampered.Content = new ByteArrayContent([.. body, (byte)' ']);
        using var tamperedResponse = await client.SendAsync(tampered);
        using var stale = await client.SendAsync(Signed("/hooks", body, [secret], timestamp: now - 3600));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal("The webhook-id, webhook-timestamp and webhook-signature headers are required.", await ErrorAsync(unsigned));
        Assert.Equal(HttpStatusCode.Unauthorized, tamperedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal("The webhook-timestamp is too far in the past.", await ErrorAsync(stale));
        Assert.Equal(0, handlerCalls);
    }

    [Fact]
    public async Task The_error_body_names_neither_the_secret_nor_the_signature_sent()
    {
        var request = Signed("/hooks", "{}"u8.ToArray(), [WebhookSecret.Generate()]);
        var sent = request.Headers.GetValues(WebhookHeaders.Signature).Single();

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain(secret.ToString()["whsec_".Length..], text, StringComparison.Ordinal);
        Assert.DoesNotContain(sent["v1,".Length..], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verifier_from_the_services_is_used()
    {
        var body = """{"type":"invoice.paid"}"""u8.ToArray();

        using var configured = await client.SendAsync(Signed("/configured", body, [configuredSecret]));
        using var other = await client.SendAsync(Signed("/configured", body, [secret]));

        Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Theory]
    [InlineData(SmallLimit + 1, false)]
    [InlineData(SmallLimit + 1, true)]
    [InlineData(100 * SmallLimit, true)]
    public async Task A_body_over_the_limit_gets_413_and_never_reaches_the_handler(int bodyLength, bool chunked)
    {
        var body = RandomNumberGenerator.GetBytes(bodyLength);

        using var response = await client.SendAsync(Signed("/configured", body, [configuredSecret], chunked));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal($"The request body is larger than {SmallLimit} bytes.", await ErrorAsync(response));
        Assert.Equal(0, handlerCalls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_of_exactly_the_limit_is_accepted(bool chunked)
    {
        var body = RandomNumberGenerator.GetBytes(SmallLimit);

        using var response = await client.SendAsync(Signed("/configured", body, [configuredSecret], chunked));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Digest(body), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Endpoints_of_a_group_are_covered()
    {
        var body = "{}"u8.ToArray();

        using var signed = await client.SendAsync(Signed("/group/hooks", body, [secret]));
        using var unsigned = await client.PostAsync("/group/hooks", new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }

    [Fact]
    public async Task A_compressed_request_is_verified_over_the_bytes_it_decompresses_to()
    {
        var body = RandomNumberGenerator.GetBytes(20_000);
        var request = Signed("/hooks", body, [secret]);
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(body);
        }
        request.Content = new ByteArrayContent(compressed.ToArray());
        request.Content.Headers.ContentEncoding.Add("gzip");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Digest(body), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_that_middleware_buffered_and_read_is_rewound_and_verified()
    {
        var body = RandomNumberGenerator.GetBytes(50_000);

        using var response = await client.SendAsync(Signed("/read-first", body, [secret]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Digest(body), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_handler_that_binds_the_body_fails_rather_than_getting_an_unverified_one(bool chunked)
    {
        var body = """{"id":"in_1"}"""u8.ToArray();

        // The JSON binder has read the body before any filter runs; the filter notices and refuses to go on.
        using var response = await client.SendAsync(Signed("/bound", body, [secret], chunked));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(0, handlerCalls);
    }

    [Fact]
    public async Task A_handler_that_takes_the_body_stream_is_refused_when_the_endpoint_is_built()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        await using var unstarted = builder.Build();
        unstarted.MapPost("/stream", (Stream body) => Results.Ok()).RequireWebhookSignature(secret.ToString());

        var exception = Assert.Throws<InvalidOperationException>(() => ((IEndpointRouteBuilder)unstarted).DataSources.SelectMany(source => source.Endpoints).ToList());

        Assert.Contains("Parameter 'body'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("request.Body", exception.Message, StringComparison.Ordinal);
    }

    private async Task<IResult> EchoAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref handlerCalls);
        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, cancellationToken);
        return Results.Text(Digest(copy.ToArray()));
    }

    private static HttpRequestMessage Signed(string path, byte[] body, WebhookSecret[] secrets, bool chunked = false, long? timestamp = null)
    {
        var sentAt = timestamp ?? TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        var id = $"msg_{Guid.NewGuid():N}";
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            // A stream of unknown length goes out chunked, without Content-Length.
            Content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(WebhookHeaders.Id, id);
        request.Headers.Add(WebhookHeaders.Timestamp, sentAt.ToString());
        request.Headers.Add(WebhookHeaders.Signature, WebhookSigner.SignatureHeader(secrets, id, sentAt, body));
        return request;
    }

    private static async Task<string?> ErrorAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["error"], json.RootElement.EnumerateObject().Select(property => property.Name));
        return json.RootElement.GetProperty("error").GetString();
    }

    private static string Digest(byte[] body) => $"{body.Length}:{Convert.ToHexString(SHA256.HashData(body))}";

    private sealed record Invoice(string Id);

    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
