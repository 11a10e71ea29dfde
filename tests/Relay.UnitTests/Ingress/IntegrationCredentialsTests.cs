using System.Text;
using Microsoft.AspNetCore.Http;
using Relay.Infrastructure.Providers;
using Relay.Ingress.Api.Ingestion;
using Relay.Ingress.Api.Providers;
using Relay.Ingress.Api.Verification;
using Relay.UnitTests.Webhooks;

namespace Relay.UnitTests.Ingress;

public sealed class IntegrationCredentialsTests
{
    private const string Current = "current-secret-0123456789";
    private const string Previous = "previous-secret-0123456789";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"eventId":"e1"}""");

    private static HeaderDictionary AcmeSignedWith(string secret) => new() { ["x-acme-signature"] = BodyHmacVerifier.Sign(Body, secret) };

    private static HeaderDictionary GlobexToken(string token) => new() { ["x-globex-token"] = token };

    private static IntegrationCredentials Credentials(PresetProvider provider, DateTimeOffset? previousValidUntil = null) =>
        previousValidUntil is { } validUntil
            ? new(Guid.NewGuid(), provider.Profile.CreateVerifier(Current), provider.Profile.CreateVerifier(Previous), validUntil)
            : new(Guid.NewGuid(), provider.Profile.CreateVerifier(Current));

    [Fact]
    public void Without_a_rotation_only_the_current_secret_verifies()
    {
        var credentials = Credentials(PresetProvider.Acme);
        Assert.Null(credentials.Verify(AcmeSignedWith(Current), Body, Now));
        Assert.Equal("Invalid acme webhook signature", credentials.Verify(AcmeSignedWith(Previous), Body, Now));
    }

    [Fact]
    public void Within_the_grace_window_both_secrets_verify()
    {
        var acme = Credentials(PresetProvider.Acme, Now.AddSeconds(1));
        Assert.Null(acme.Verify(AcmeSignedWith(Current), Body, Now));
        Assert.Null(acme.Verify(AcmeSignedWith(Previous), Body, Now));
        var globex = Credentials(PresetProvider.Globex, Now.AddSeconds(1));
        Assert.Null(globex.Verify(GlobexToken(Current), Body, Now));
        Assert.Null(globex.Verify(GlobexToken(Previous), Body, Now));
    }

    [Fact]
    public void Once_the_window_ends_the_previous_secret_is_refused_with_the_providers_own_message()
    {
        var acme = Credentials(PresetProvider.Acme, Now);
        Assert.Null(acme.Verify(AcmeSignedWith(Current), Body, Now));
        Assert.Equal("Invalid acme webhook signature", acme.Verify(AcmeSignedWith(Previous), Body, Now));
        var globex = Credentials(PresetProvider.Globex, Now);
        Assert.Equal("Invalid globex token", globex.Verify(GlobexToken(Previous), Body, Now.AddDays(1)));
    }

    [Fact]
    public void A_wrong_credential_within_the_window_gets_the_same_answer_as_without_one()
    {
        var acme = Credentials(PresetProvider.Acme, Now.AddHours(1));
        Assert.Equal("Invalid acme webhook signature", acme.Verify(AcmeSignedWith("neither-of-the-two-secrets"), Body, Now));
        Assert.Equal("Missing x-acme-signature header", acme.Verify(new HeaderDictionary(), Body, Now));
        var globex = Credentials(PresetProvider.Globex, Now.AddHours(1));
        Assert.Equal("Invalid globex token", globex.Verify(GlobexToken("neither-of-the-two-secrets"), Body, Now));
    }

    [Fact]
    public void Every_preset_prepares_at_ingress_and_redacts_the_header_its_credential_comes_in()
    {
        foreach (var name in ProviderPresets.Names)
        {
            var profile = WebhookProfile.Create(name, ProviderPresets.Find(name)!, TimeProvider.System, out var problem);
            Assert.True(profile is not null, $"{name}: {problem}");
            Assert.NotEmpty(profile.CredentialHeaders);
            Assert.All(profile.CredentialHeaders, header => Assert.Contains(header, InboundVerifiers.PresetCredentialHeaders));
        }
        Assert.Equal(
            ["stripe-signature", "webhook-signature", "x-acme-signature", "x-globex-token", "x-hub-signature-256", "x-relay-signature", "x-shopify-hmac-sha256"],
            InboundVerifiers.PresetCredentialHeaders.Select(header => header.ToLowerInvariant()).Order(StringComparer.Ordinal));
    }
}
