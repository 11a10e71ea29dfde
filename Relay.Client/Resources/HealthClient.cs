using System.Net;
using Relay.Client.Http;

namespace Relay.Client;

/// <summary>The gateway's health route.</summary>
public sealed class HealthClient
{
    private readonly RelayHttp http;

    internal HealthClient(RelayHttp http) => this.http = http;

    /// <summary>The dependencies' health; a degraded Relay (503) answers its report too, rather than an exception.</summary>
    [RelayOperation("GET", "/api/v1/health")]
    public async Task<HealthReport> GetAsync(CancellationToken cancellationToken = default)
    {
        using var request = http.Request(HttpMethod.Get, "/api/v1/health");
        using var response = await http.Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
        {
            throw await RelayErrors.ReadAsync(response, http.Options.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        RelayHttp.Envelope<HealthReport> envelope;
        try
        {
            envelope = await RelayHttp.ReadEnvelopeAsync<HealthReport>(response, cancellationToken).ConfigureAwait(false);
        }
        catch (RelayApiException) when (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            // A 503 that is not the health report (a proxy's page): the error it is.
            throw RelayErrors.FromAnswer(response.StatusCode, "", null, RetryAfterHeader.Read(response.Headers, http.Options.TimeProvider.GetUtcNow()));
        }
        return envelope.Data ?? throw RelayErrors.FromAnswer(response.StatusCode, "", null, null);
    }
}
