using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Client.Http;

/// <summary>
/// Sends a request with the key and reads Relay's success envelope (<c>{success, data, meta}</c>), or turns the
/// answer into a <see cref="RelayApiException"/>. Shared by every resource group of one <see cref="RelayClient"/>.
/// </summary>
internal sealed class RelayHttp(HttpClient http, RelayClientOptions options)
{
    /// <summary>camelCase both ways; a request leaves out what is not set, so the server applies its defaults.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public HttpClient Http => http;

    public RelayClientOptions Options => options;

    public HttpRequestMessage Request(HttpMethod method, string pathAndQuery, object? body = null)
    {
        var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        return request;
    }

    public async Task<T> SendAsync<T>(HttpMethod method, string pathAndQuery, object? body, CancellationToken cancellationToken)
    {
        using var request = Request(method, pathAndQuery, body);
        return await SendAsync<T>(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var envelope = await ReadEnvelopeAsync<T>(response, cancellationToken).ConfigureAwait(false);
        return envelope.Data ?? throw Unreadable(response, "the envelope has no data");
    }

    public async Task<Page<T>> GetPageAsync<T>(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, pathAndQuery);
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var envelope = await ReadEnvelopeAsync<IReadOnlyList<T>>(response, cancellationToken).ConfigureAwait(false);
        return new Page<T>(envelope.Data ?? throw Unreadable(response, "the envelope has no data"), envelope.Meta?.NextCursor);
    }

    /// <summary>The page of <paramref name="query"/> (at its own cursor) of the list at <paramref name="path"/>.</summary>
    public Task<Page<T>> ListAsync<T>(string path, ListQuery query, CancellationToken cancellationToken) =>
        GetPageAsync<T>(query.ToQueryString(query.Cursor).AppendTo(path), cancellationToken);

    /// <summary>Every item of the list at <paramref name="path"/> from the query's cursor on.</summary>
    public IAsyncEnumerable<T> ListAllAsync<T>(string path, ListQuery query, CancellationToken cancellationToken) =>
        CursorPager.AllAsync((cursor, token) => GetPageAsync<T>(query.ToQueryString(cursor).AppendTo(path), token), query.Cursor, cancellationToken);

    /// <summary>A request whose success has no body (204).</summary>
    public async Task SendWithoutAnswerAsync(HttpMethod method, string pathAndQuery, object? body, CancellationToken cancellationToken)
    {
        using var request = Request(method, pathAndQuery, body);
        using var response = await SendCheckedAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the request; a status outside 2xx becomes the exception for it.</summary>
    public async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw await RelayErrors.ReadAsync(response, options.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task<Envelope<T>> ReadEnvelopeAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<Envelope<T>>(Json, cancellationToken).ConfigureAwait(false)
                ?? throw Unreadable(response, "the body is empty");
        }
        catch (JsonException exception)
        {
            throw Unreadable(response, exception.Message);
        }
    }

    /// <summary>A success answer the client cannot read: a proxy's page, or a Relay newer than the client in a breaking way.</summary>
    private static RelayApiException Unreadable(HttpResponseMessage response, string why) =>
        new(response.StatusCode, null, $"Relay's answer ({(int)response.StatusCode}) could not be read: {why}", null,
            response.Headers.TryGetValues(RelayErrors.RequestIdHeader, out var ids) ? ids.FirstOrDefault() : null, null);

    public static string Segment(string value) => Uri.EscapeDataString(value);

    public static string Segment(Guid value) => value.ToString("D");

    internal sealed record Envelope<T>(T? Data, EnvelopeMeta? Meta);

    internal sealed record EnvelopeMeta(string? NextCursor);

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
}
