using System.Security.Cryptography;
using System.Text;
using Relay.Webhooks;
using StandardWebhooks;

namespace Relay.UnitTests.Webhooks;

/// <summary>
/// v1 signatures: HMAC-SHA256 of "{id}.{timestamp}.{body}", checked against the published vector, a plain
/// computation, and the independent StandardWebhooks package.
/// </summary>
public sealed class WebhookSignerTests
{
    private static readonly WebhookSecret VectorSecret = WebhookSecret.Parse(StandardWebhooksVector.Secret);

    [Fact]
    public void Reproduces_the_Standard_Webhooks_test_vector()
    {
        var signature = WebhookSigner.Sign(VectorSecret, StandardWebhooksVector.Id, StandardWebhooksVector.Timestamp, Encoding.UTF8.GetBytes(StandardWebhooksVector.Body));

        Assert.Equal(StandardWebhooksVector.Signature, signature);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(900)]
    [InlineData(70_000)]
    [InlineData(1_048_576)]
    public void Bodies_on_the_stack_and_in_pooled_arrays_sign_like_a_plain_HMAC_and_like_StandardWebhooks(int bodyLength)
    {
        var secret = WebhookSecret.Generate();
        var body = new byte[bodyLength];
        new Random(bodyLength).NextBytes(body);
        // Printable bytes, so that the StandardWebhooks package, which signs strings, sees the same bytes.
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = (byte)('a' + body[i] % 26);
        }
        var key = Convert.FromBase64String(secret.ToString()["whsec_".Length..]);

        var signature = WebhookSigner.Sign(secret, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", 1674087231, body);

        var content = Encoding.UTF8.GetBytes("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W.1674087231.").Concat(body).ToArray();
        Assert.Equal("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content)), signature);
        var theirs = new StandardWebhook(secret.ToString()).Sign("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", DateTimeOffset.FromUnixTimeSeconds(1674087231), Encoding.UTF8.GetString(body));
        Assert.Equal(theirs, signature);
    }

    [Fact]
    public void Non_ascii_ids_and_bodies_are_signed_as_UTF_8()
    {
        var secret = WebhookSecret.Generate();
        const string body = """{"name":"Zoë — ✓ 東京"}""";

        var signature = WebhookSigner.Sign(secret, "msg_é", 1674087231, Encoding.UTF8.GetBytes(body));

        Assert.Equal(new StandardWebhook(secret.ToString()).Sign("msg_é", DateTimeOffset.FromUnixTimeSeconds(1674087231), body), signature);
    }

    [Fact]
    public void The_header_lists_one_signature_per_secret_in_the_given_order()
    {
        var current = WebhookSecret.Generate();
        var previous = WebhookSecret.Generate();
        var body = "{}"u8.ToArray();

        var header = WebhookSigner.SignatureHeader([current, previous], "msg_1", 1674087231, body);

        Assert.Equal(WebhookSigner.Sign(current, "msg_1", 1674087231, body) + " " + WebhookSigner.Sign(previous, "msg_1", 1674087231, body), header);
        Assert.Equal(WebhookSigner.Sign(current, "msg_1", 1674087231, body), WebhookSigner.SignatureHeader([current], "msg_1", 1674087231, body));
        Assert.Equal(header, WebhookSigner.SignatureHeader(new List<WebhookSecret> { current, previous }.Select(s => s), "msg_1", 1674087231, body));
    }

    [Fact]
    public void Many_secrets_fit_in_one_header()
    {
        var secrets = Enumerable.Range(0, 10).Select(_ => WebhookSecret.Generate()).ToList();

        var header = WebhookSigner.SignatureHeader(secrets, "msg_1", 1674087231, "{}"u8);

        Assert.Equal(secrets.Select(s => WebhookSigner.Sign(s, "msg_1", 1674087231, "{}"u8)), header.Split(' '));
    }

    [Theory]
    [InlineData("")]
    [InlineData("msg.1")]
    public void Ids_that_would_make_the_signed_content_ambiguous_are_refused(string id)
    {
        Assert.Throws<ArgumentException>(() => WebhookSigner.Sign(VectorSecret, id, 1674087231, "{}"u8));
    }

    [Fact]
    public void Arguments_a_receiver_could_not_verify_are_refused()
    {
        Assert.Throws<ArgumentException>(() => WebhookSigner.Sign(VectorSecret, new string('a', 257), 1674087231, "{}"u8));
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookSigner.Sign(VectorSecret, "msg_1", -1, "{}"u8));
        Assert.Throws<ArgumentException>(() => WebhookSigner.SignatureHeader([], "msg_1", 1674087231, "{}"u8));
        Assert.Throws<ArgumentException>(() => WebhookSigner.SignatureHeader([VectorSecret, null!], "msg_1", 1674087231, "{}"u8));
        Assert.Throws<ArgumentNullException>(() => WebhookSigner.Sign(null!, "msg_1", 1674087231, "{}"u8));
        Assert.Equal(47, WebhookSigner.Sign(VectorSecret, new string('a', 256), 1674087231, "{}"u8).Length);
    }
}
