using Relay.Client.Http;

namespace Relay.Client;

/// <summary>Activity per minute: what the console's dashboard draws.</summary>
public sealed class StatsClient
{
    private readonly RelayHttp http;

    internal StatsClient(RelayHttp http) => this.http = http;

    /// <summary>
    /// Accepted events, successful deliveries, failed attempts, exhausted deliveries and delivery latency per minute
    /// over the last <paramref name="minutes"/> (1-1440, default 60), oldest first, the last bucket being the current
    /// minute; for one integration when <paramref name="integrationId"/> is given.
    /// </summary>
    [RelayOperation("GET", "/api/v1/stats/activity")]
    public Task<Activity> GetActivityAsync(int? minutes = null, Guid? integrationId = null, CancellationToken cancellationToken = default) =>
        http.SendAsync<Activity>(HttpMethod.Get,
            new QueryString().Add("minutes", minutes).Add("integrationId", integrationId).AppendTo("/api/v1/stats/activity"), null, cancellationToken);
}
