using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Publishing;

/// <summary>
/// The five services over a database of their own, with the <c>relay</c> integration (where events published without
/// an integration go) delivering to a <see cref="CountingSink"/>. Keys are cached for 2 s instead of 30, so a
/// revocation reaches Ingress quickly.
/// </summary>
public sealed class PublishCluster : RelayCluster
{
    public static readonly TimeSpan KeyCacheDuration = TimeSpan.FromSeconds(2);

    protected override string Purpose => "publish";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__ApiKeys__CacheSeconds"] = ((int)KeyCacheDuration.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The relay integration's default destination: every event published without an integration arrives here.</summary>
    public CountingSink RelaySink { get; private set; } = null!;

    public Guid RelayIntegrationId { get; private set; }

    public override async Task InitializeAsync()
    {
        RelaySink = await CountingSink.StartAsync();
        await base.InitializeAsync();
        using var admin = CreateClient(withManagementKey: true);
        using var created = await admin.PostAsJsonAsync("/api/v1/integrations",
            new { provider = "relay", name = "Published events", secret = "unused-inbound-secret", callbackUrl = RelaySink.Url });
        var body = await created.Content.ReadAsStringAsync();
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating the relay integration answered {(int)created.StatusCode}: {body}");
        }
        RelayIntegrationId = Guid.Parse(JsonNode.Parse(body)!["data"]!["id"]!.GetValue<string>());
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await RelaySink.DisposeAsync();
    }
}
