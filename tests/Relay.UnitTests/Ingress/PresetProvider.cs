using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Relay.Infrastructure.Providers;
using Relay.Ingress.Api.Providers;

namespace Relay.UnitTests.Ingress;

/// <summary>A provider profile prepared the way ingest prepares an integration's, to verify and normalize with directly.</summary>
internal sealed class PresetProvider
{
    private readonly WebhookProfile profile;

    public PresetProvider(string name, ProviderProfile settings, TimeProvider? time = null)
    {
        profile = WebhookProfile.Create(name, settings, time ?? TimeProvider.System, out var problem)
            ?? throw new InvalidOperationException($"{name} does not prepare: {problem}");
    }

    public static PresetProvider Acme => new(ProviderPresets.Acme, ProviderPresets.AcmeProfile);

    public static PresetProvider Globex => new(ProviderPresets.Globex, ProviderPresets.GlobexProfile);

    public WebhookProfile Profile => profile;

    public string? Verify(IHeaderDictionary headers, ReadOnlySpan<byte> rawBody, string secret) => profile.CreateVerifier(secret).Verify(headers, rawBody);

    public NormalizationResult Normalize(JsonElement payload, IHeaderDictionary? headers = null) => profile.Normalizer.Normalize(payload, headers ?? new HeaderDictionary());
}
