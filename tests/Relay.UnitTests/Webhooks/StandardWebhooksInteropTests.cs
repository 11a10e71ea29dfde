using System.Text;
using Microsoft.AspNetCore.Http;
using Relay.Webhooks;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Relay.UnitTests.Webhooks;

/// <summary>
/// Relay.Webhooks against an independent implementation, the StandardWebhooks package: each verifies what the
/// other signs. That package checks timestamps against the real clock, so these messages are signed "now".
/// </summary>
public sealed class StandardWebhooksInteropTests
{
    private const string Body = """{"type":"invoice.paid","data":{"id":"in_1","amount":4200,"note":"Zoë ✓"}}""";

    [Fact]
    public void StandardWebhooks_verifies_what_Relay_signs()
    {
        var secret = WebhookSecret.Generate();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

        var headers = Headers("msg_relay_1", now, WebhookSigner.SignatureHeader([secret], "msg_relay_1", now, Encoding.UTF8.GetBytes(Body)));

        new StandardWebhook(secret.ToString()).Verify(Body, headers);
    }

    [Fact]
    public void StandardWebhooks_verifies_a_rotation_header_with_the_secret_signed_first_and_refuses_a_tampered_body()
    {
        var current = WebhookSecret.Generate();
        var previous = WebhookSecret.Generate();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

        var headers = Headers("msg_relay_2", now, WebhookSigner.SignatureHeader([current, previous], "msg_relay_2", now, Encoding.UTF8.GetBytes(Body)));

        // StandardWebhooks 1.1.2 compares only the header's first entry (the specification says to try each), so
        // of the two secrets only the one that signed first verifies there; Relay's verifier accepts either.
        new StandardWebhook(current.ToString()).Verify(Body, headers);
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(current.ToString()).Verify(Body + " ", headers));
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(WebhookSecret.Generate().ToString()).Verify(Body, headers));
    }

    [Fact]
    public void Relay_verifies_what_StandardWebhooks_signs()
    {
        var secret = WebhookSecret.Generate();
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(1_767_225_600);
        var signature = new StandardWebhook(secret.ToString()).Sign("msg_theirs_1", sentAt, Body);
        var verifier = new WebhookVerifier([secret], new WebhookVerifierOptions { TimeProvider = new FixedTime(sentAt.AddSeconds(30)) });

        var result = verifier.Verify(Headers("msg_theirs_1", sentAt.ToUnixTimeSeconds(), signature), Encoding.UTF8.GetBytes(Body));

        Assert.True(result.IsValid, result.Message);
        Assert.False(verifier.Verify(Headers("msg_theirs_2", sentAt.ToUnixTimeSeconds(), signature), Encoding.UTF8.GetBytes(Body)).IsValid);
    }

    [Fact]
    public void Relay_verifies_a_StandardWebhooks_signature_among_others_with_a_secret_given_as_bare_base64()
    {
        var secret = WebhookSecret.Generate();
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(1_767_225_600);
        var theirs = new StandardWebhook(secret.ToString()).Sign("msg_theirs_3", sentAt, Body);
        var header = $"v1a,c2lnbmVkLXdpdGgtZWQyNTUxOQ== {WebhookSigner.Sign(WebhookSecret.Generate(), "msg_theirs_3", sentAt.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(Body))} {theirs}";
        var verifier = new WebhookVerifier([secret.ToString()["whsec_".Length..]], new WebhookVerifierOptions { TimeProvider = new FixedTime(sentAt) });

        Assert.True(verifier.Verify("msg_theirs_3", sentAt.ToUnixTimeSeconds().ToString(), header, Encoding.UTF8.GetBytes(Body)).IsValid);
    }

    private static HeaderDictionary Headers(string id, long timestamp, string signature) => new()
    {
        [WebhookHeaders.Id] = id,
        [WebhookHeaders.Timestamp] = timestamp.ToString(),
        [WebhookHeaders.Signature] = signature,
    };
}
