using System.Text.Json;

namespace Relay.IntegrationTests.Harness;

/// <summary>
/// Signs webhooks with the providers' own libraries (<c>tests/webhook-signers</c>: stripe, @octokit/webhooks-methods,
/// standardwebhooks, @shopify/shopify-api), run by node, so Relay's verification is tested against implementations it
/// did not write.
/// </summary>
public static class ProviderSigners
{
    private static readonly NodePackage Signers = new("webhook-signers", installedMarker: "stripe");

    /// <summary>One webhook to sign: the scheme, its secret, the exact body, and for the timestamped schemes the time and id.</summary>
    public sealed record Request(string Scheme, string Secret, string Body, long? Timestamp = null, string? Id = null);

    /// <summary>The headers each library puts on each request, in order.</summary>
    public static async Task<IReadOnlyList<Dictionary<string, string>>> SignAsync(params Request[] requests)
    {
        await Signers.EnsureInstalledAsync();
        var input = JsonSerializer.Serialize(requests, JsonSerializerOptions.Web);
        var (exitCode, output, errors) = await Signers.RunAsync("node", ["sign.mjs"], input, environment: null, TimeSpan.FromSeconds(60));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"node sign.mjs exited with {exitCode}: {errors}");
        }
        return JsonSerializer.Deserialize<List<Dictionary<string, string>>>(output)
            ?? throw new InvalidOperationException("node sign.mjs printed nothing");
    }
}
