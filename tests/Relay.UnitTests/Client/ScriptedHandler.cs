using System.Net;
using System.Text;

namespace Relay.UnitTests.Client;

/// <summary>An HTTP handler that answers each request with the next scripted answer and keeps the requests it saw.</summary>
internal sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] answers) : HttpMessageHandler
{
    private int next;

    public List<HttpRequestMessage> Requests { get; } = [];

    public HttpClient Client() => new(this) { BaseAddress = new Uri("http://relay.test/") };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        if (next >= answers.Length)
        {
            throw new HttpRequestException("No answer scripted for " + request.RequestUri);
        }
        return Task.FromResult(answers[next++](request));
    }

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK, string? requestId = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (requestId is not null)
        {
            response.Headers.Add("X-Request-Id", requestId);
        }
        return response;
    }

    public static HttpResponseMessage EventStream(Stream body)
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    public static HttpResponseMessage EventStream(string text) => EventStream(new MemoryStream(Encoding.UTF8.GetBytes(text)));
}
