using System.Text;
using Microsoft.AspNetCore.Http;
using Relay.Infrastructure.Providers;
using Relay.Ingress.Api.Ingestion;
using Relay.Ingress.Api.Providers;

namespace Relay.UnitTests.Ingress;

public sealed class IntegrationCredentialsTests
{
    private const string Current = "current-secret-0123456789";
    private const string Previous = "previous-secret-0123456789";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"eventId":"e1"}""");

    private static HeaderDictionary AcmeSignedWith(string secret) => new() { [AcmeProvider.SignatureHeader] = AcmeProvider.Sign(Body, secret) };

    private static HeaderDictionary GlobexToken(string token) => new() { [GlobexProvider.TokenHeader] = token };

    private static IntegrationCredentials Rotated(DateTimeOffset validUntil) => new(Guid.NewGuid(), Current, Previous, validUntil);

    [Fact]
    public void Without_a_rotation_only_the_current_secret_verifies()
    {
        var credentials = new IntegrationCredentials(Guid.NewGuid(), Current);
        Assert.Null(credentials.Verify(new AcmeProvider(), AcmeSignedWith(Current), Body, Now));
        Assert.Equal("Invalid acme webhook signature", credentials.Verify(new AcmeProvider(), AcmeSignedWith(Previous), Body, Now));
    }

    [Fact]
    public void Within_the_grace_window_both_secrets_verify()
    {
        var credentials = Rotated(Now.AddSeconds(1));
        Assert.Null(credentials.Verify(new AcmeProvider(), AcmeSignedWith(Current), Body, Now));
        Assert.Null(credentials.Verify(new AcmeProvider(), AcmeSignedWith(Previous), Body, Now));
        Assert.Null(credentials.Verify(new GlobexProvider(), GlobexToken(Current), Body, Now));
        Assert.Null(credentials.Verify(new GlobexProvider(), GlobexToken(Previous), Body, Now));
    }

    [Fact]
    public void Once_the_window_ends_the_previous_secret_is_refused_with_the_providers_own_message()
    {
        var credentials = Rotated(Now);
        Assert.Null(credentials.Verify(new AcmeProvider(), AcmeSignedWith(Current), Body, Now));
        Assert.Equal("Invalid acme webhook signature", credentials.Verify(new AcmeProvider(), AcmeSignedWith(Previous), Body, Now));
        Assert.Equal("Invalid globex token", credentials.Verify(new GlobexProvider(), GlobexToken(Previous), Body, Now.AddDays(1)));
    }

    [Fact]
    public void A_wrong_credential_within_the_window_gets_the_same_answer_as_without_one()
    {
        var credentials = Rotated(Now.AddHours(1));
        Assert.Equal("Invalid acme webhook signature", credentials.Verify(new AcmeProvider(), AcmeSignedWith("neither-of-the-two-secrets"), Body, Now));
        Assert.Equal("Missing x-acme-signature header", credentials.Verify(new AcmeProvider(), new HeaderDictionary(), Body, Now));
        Assert.Equal("Invalid globex token", credentials.Verify(new GlobexProvider(), GlobexToken("neither-of-the-two-secrets"), Body, Now));
    }

    [Fact]
    public void Every_ingress_provider_adapter_is_a_supported_provider_and_every_supported_provider_has_one()
    {
        var adapters = typeof(IWebhookProvider).Assembly.GetTypes()
            .Where(type => typeof(IWebhookProvider).IsAssignableFrom(type) && type is { IsClass: true, IsAbstract: false })
            .Select(type => ((IWebhookProvider)Activator.CreateInstance(type)!).Name)
            .Order(StringComparer.Ordinal);
        Assert.Equal(SupportedProviders.All.Order(StringComparer.Ordinal), adapters);
    }
}
