using System.Text;
using Microsoft.AspNetCore.Http;
using Relay.Webhooks;

namespace Relay.UnitTests.Webhooks;

/// <summary>
/// Receiving: any configured secret may match any v1 entry, the timestamp must be within the tolerance, and
/// nothing a sender puts in the headers makes verification throw or do unbounded work.
/// </summary>
public sealed class WebhookVerifierTests
{
    private const string Id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    private const long SentAt = 1674087231;

    private static readonly byte[] Body = """{"type":"contact.created","data":{"id":"1f81eb52"}}"""u8.ToArray();

    private readonly WebhookSecret current = WebhookSecret.Generate();
    private readonly WebhookSecret previous = WebhookSecret.Generate();
    private readonly FixedTime clock = FixedTime.AtUnixSeconds(SentAt);

    [Fact]
    public void Accepts_the_Standard_Webhooks_test_vector()
    {
        var verifier = new WebhookVerifier([StandardWebhooksVector.Secret], Options(FixedTime.AtUnixSeconds(StandardWebhooksVector.Timestamp)));

        var result = verifier.Verify(StandardWebhooksVector.Id, StandardWebhooksVector.Timestamp.ToString(), StandardWebhooksVector.Signature, Encoding.UTF8.GetBytes(StandardWebhooksVector.Body));

        Assert.True(result.IsValid);
        Assert.Equal(WebhookVerificationFailure.None, result.Failure);
    }

    [Fact]
    public void A_header_signed_with_two_secrets_verifies_with_either_alone()
    {
        var header = WebhookSigner.SignatureHeader([current, previous], Id, SentAt, Body);

        Assert.True(Verifier(current).Verify(Id, SentAt.ToString(), header, Body).IsValid);
        Assert.True(Verifier(previous).Verify(Id, SentAt.ToString(), header, Body).IsValid);
        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, Verifier(WebhookSecret.Generate()).Verify(Id, SentAt.ToString(), header, Body).Failure);
    }

    [Fact]
    public void A_receiver_configured_with_two_secrets_accepts_a_message_signed_with_either()
    {
        var verifier = Verifier(current, previous);

        Assert.True(verifier.Verify(Id, SentAt.ToString(), WebhookSigner.Sign(current, Id, SentAt, Body), Body).IsValid);
        Assert.True(verifier.Verify(Id, SentAt.ToString(), WebhookSigner.Sign(previous, Id, SentAt, Body), Body).IsValid);
        Assert.False(verifier.Verify(Id, SentAt.ToString(), WebhookSigner.Sign(WebhookSecret.Generate(), Id, SentAt, Body), Body).IsValid);
    }

    [Fact]
    public void Secrets_given_as_strings_work_like_parsed_ones()
    {
        var signature = WebhookSigner.Sign(current, Id, SentAt, Body);
        var bare = current.ToString()["whsec_".Length..];

        Assert.True(new WebhookVerifier([bare], Options(clock)).Verify(Id, SentAt.ToString(), signature, Body).IsValid);
        Assert.True(new WebhookVerifier(new[] { previous.ToString(), current.ToString() }.AsEnumerable(), Options(clock)).Verify(Id, SentAt.ToString(), signature, Body).IsValid);
    }

    [Fact]
    public void A_changed_body_id_or_timestamp_fails()
    {
        var signature = WebhookSigner.Sign(current, Id, SentAt, Body);
        var verifier = Verifier(current);
        var changedBody = Body.ToArray();
        changedBody[^2] ^= 1;

        Assert.True(verifier.Verify(Id, SentAt.ToString(), signature, Body).IsValid);
        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, verifier.Verify(Id, SentAt.ToString(), signature, changedBody).Failure);
        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, verifier.Verify(Id, SentAt.ToString(), signature, Body.AsSpan(0, Body.Length - 1)).Failure);
        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, verifier.Verify(Id + "x", SentAt.ToString(), signature, Body).Failure);
        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, verifier.Verify(Id, (SentAt + 1).ToString(), signature, Body).Failure);
        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, verifier.Verify(Id, (SentAt - 1).ToString(), signature, Body).Failure);
    }

    [Fact]
    public void Timestamps_outside_the_tolerance_fail_in_either_direction()
    {
        var verifier = Verifier(current);
        string SignedAt(long seconds) => WebhookSigner.Sign(current, Id, seconds, Body);
        var fiveMinutes = 300;

        Assert.True(verifier.Verify(Id, (SentAt - fiveMinutes).ToString(), SignedAt(SentAt - fiveMinutes), Body).IsValid);
        Assert.True(verifier.Verify(Id, (SentAt + fiveMinutes).ToString(), SignedAt(SentAt + fiveMinutes), Body).IsValid);
        Assert.Equal(WebhookVerificationFailure.TimestampTooOld, verifier.Verify(Id, (SentAt - fiveMinutes - 1).ToString(), SignedAt(SentAt - fiveMinutes - 1), Body).Failure);
        Assert.Equal(WebhookVerificationFailure.TimestampTooNew, verifier.Verify(Id, (SentAt + fiveMinutes + 1).ToString(), SignedAt(SentAt + fiveMinutes + 1), Body).Failure);
        Assert.Equal(WebhookVerificationFailure.TimestampTooOld, verifier.Verify(Id, "0", SignedAt(0), Body).Failure);
        Assert.Equal(WebhookVerificationFailure.TimestampTooNew, verifier.Verify(Id, long.MaxValue.ToString(), "v1,x", Body).Failure);
    }

    [Fact]
    public void The_tolerance_and_the_clock_come_from_the_options()
    {
        var signature = WebhookSigner.Sign(current, Id, SentAt, Body);
        var verifier = new WebhookVerifier([current], new WebhookVerifierOptions { Tolerance = TimeSpan.FromSeconds(10), TimeProvider = clock });

        clock.Now = DateTimeOffset.FromUnixTimeSeconds(SentAt + 10);
        Assert.True(verifier.Verify(Id, SentAt.ToString(), signature, Body).IsValid);
        clock.Now = DateTimeOffset.FromUnixTimeSeconds(SentAt + 11);
        Assert.Equal(WebhookVerificationFailure.TimestampTooOld, verifier.Verify(Id, SentAt.ToString(), signature, Body).Failure);
        clock.Now = DateTimeOffset.FromUnixTimeSeconds(SentAt - 11);
        Assert.Equal(WebhookVerificationFailure.TimestampTooNew, verifier.Verify(Id, SentAt.ToString(), signature, Body).Failure);
    }

    [Theory]
    [InlineData(null, "1674087231", "v1,x")]
    [InlineData("", "1674087231", "v1,x")]
    [InlineData("msg_1", null, "v1,x")]
    [InlineData("msg_1", "", "v1,x")]
    [InlineData("msg_1", "1674087231", null)]
    [InlineData("msg_1", "1674087231", "")]
    public void Missing_headers_fail(string? id, string? timestamp, string? signature)
    {
        Assert.Equal(WebhookVerificationFailure.MissingHeaders, Verifier(current).Verify(id, timestamp, signature, Body).Failure);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1674087231")]
    [InlineData("+1674087231")]
    [InlineData(" 1674087231")]
    [InlineData("1674087231 ")]
    [InlineData("1674087231.5")]
    [InlineData("1,674,087,231")]
    [InlineData("0x63C8F3BF")]
    [InlineData("99999999999999999999")]
    [InlineData("2023-01-19T00:13:51Z")]
    public void Timestamps_that_are_not_unix_seconds_fail(string timestamp)
    {
        var result = Verifier(current).Verify(Id, timestamp, WebhookSigner.Sign(current, Id, SentAt, Body), Body);

        Assert.Equal(WebhookVerificationFailure.InvalidTimestamp, result.Failure);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1,")]
    [InlineData(",")]
    [InlineData(",,,")]
    [InlineData("   ")]
    [InlineData("v1,!!!!")]
    [InlineData("v1,AAAA")]
    [InlineData("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1, v1,,, ,v1 v1a,AAAA")]
    [InlineData("v1,\u00e9\u00e9\u00e9\u00e9")]
    [InlineData("\0\r\n\t")]
    public void Malformed_signature_headers_fail_without_throwing(string header)
    {
        Assert.Equal(WebhookVerificationFailure.NoMatchingSignature, Verifier(current).Verify(Id, SentAt.ToString(), header, Body).Failure);
    }

    [Fact]
    public void Entries_of_other_versions_are_ignored()
    {
        var v1 = WebhookSigner.Sign(current, Id, SentAt, Body);
        var mac = v1["v1,".Length..];
        var verifier = Verifier(current);

        Assert.True(verifier.Verify(Id, SentAt.ToString(), $"v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg== v2,{mac} {v1}", Body).IsValid);
        Assert.True(verifier.Verify(Id, SentAt.ToString(), $"  {v1}  ", Body).IsValid);
        // The right MAC under any other version label does not count.
        Assert.False(verifier.Verify(Id, SentAt.ToString(), $"v2,{mac}", Body).IsValid);
        Assert.False(verifier.Verify(Id, SentAt.ToString(), $"V1,{mac}", Body).IsValid);
        Assert.False(verifier.Verify(Id, SentAt.ToString(), mac, Body).IsValid);
    }

    [Fact]
    public void Overlong_ids_and_signature_headers_are_refused_before_any_HMAC()
    {
        var verifier = Verifier(current);
        var signature = WebhookSigner.Sign(current, Id, SentAt, Body);
        var longId = new string('a', 257);

        Assert.Equal(WebhookVerificationFailure.MalformedHeaders, verifier.Verify(longId, SentAt.ToString(), signature, Body).Failure);
        Assert.Equal(WebhookVerificationFailure.MalformedHeaders, verifier.Verify(Id, SentAt.ToString(), signature + new string(' ', 4096), Body).Failure);
        // Just inside the limits: 256 characters of id, 4,096 of signatures with the valid one last.
        var maxId = new string('a', 256);
        var padded = new string(' ', 4096 - signature.Length) + WebhookSigner.Sign(current, maxId, SentAt, Body);
        Assert.True(verifier.Verify(maxId, SentAt.ToString(), padded, Body).IsValid);
    }

    [Fact]
    public void Request_headers_are_read_from_ASP_NET_Core()
    {
        var verifier = Verifier(current);
        var headers = new HeaderDictionary
        {
            [WebhookHeaders.Id] = Id,
            [WebhookHeaders.Timestamp] = SentAt.ToString(),
            [WebhookHeaders.Signature] = WebhookSigner.Sign(current, Id, SentAt, Body),
        };

        Assert.True(verifier.Verify(headers, Body).IsValid);
        Assert.Equal(WebhookVerificationFailure.MissingHeaders, verifier.Verify(new HeaderDictionary(), Body).Failure);

        // Signatures spread over repeated headers are one list; a repeated id or timestamp is ambiguous.
        headers[WebhookHeaders.Signature] = new[] { WebhookSigner.Sign(previous, Id, SentAt, Body), WebhookSigner.Sign(current, Id, SentAt, Body) };
        Assert.True(verifier.Verify(headers, Body).IsValid);
        headers[WebhookHeaders.Id] = new[] { Id, "msg_other" };
        Assert.Equal(WebhookVerificationFailure.MalformedHeaders, verifier.Verify(headers, Body).Failure);
    }

    [Fact]
    public void Request_headers_are_read_from_HttpClient_header_collections()
    {
        var verifier = Verifier(current);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/hooks");
        request.Headers.Add(WebhookHeaders.Id, Id);
        request.Headers.Add(WebhookHeaders.Timestamp, SentAt.ToString());

        Assert.Equal(WebhookVerificationFailure.MissingHeaders, verifier.Verify(request.Headers, Body).Failure);
        request.Headers.Add(WebhookHeaders.Signature, WebhookSigner.SignatureHeader([previous, current], Id, SentAt, Body));
        Assert.True(verifier.Verify(request.Headers, Body).IsValid);
        Assert.False(verifier.Verify(request.Headers, "{}"u8).IsValid);
        request.Headers.Add(WebhookHeaders.Timestamp, (SentAt + 1).ToString());
        Assert.Equal(WebhookVerificationFailure.MalformedHeaders, verifier.Verify(request.Headers, Body).Failure);
    }

    [Fact]
    public void Every_outcome_has_a_message_that_names_no_secret()
    {
        var verifier = Verifier(current);
        var key = current.ToString()["whsec_".Length..];

        foreach (var failure in Enum.GetValues<WebhookVerificationFailure>())
        {
            var result = failure switch
            {
                WebhookVerificationFailure.None => verifier.Verify(Id, SentAt.ToString(), WebhookSigner.Sign(current, Id, SentAt, Body), Body),
                WebhookVerificationFailure.MissingHeaders => verifier.Verify(null, null, null, Body),
                WebhookVerificationFailure.MalformedHeaders => verifier.Verify(new string('a', 300), SentAt.ToString(), "v1,x", Body),
                WebhookVerificationFailure.InvalidTimestamp => verifier.Verify(Id, "soon", "v1,x", Body),
                WebhookVerificationFailure.TimestampTooOld => verifier.Verify(Id, "1", "v1,x", Body),
                WebhookVerificationFailure.TimestampTooNew => verifier.Verify(Id, (SentAt + 3600).ToString(), "v1,x", Body),
                WebhookVerificationFailure.NoMatchingSignature => verifier.Verify(Id, SentAt.ToString(), "v1,x", Body),
                _ => throw new InvalidOperationException($"No case for {failure}"),
            };
            Assert.Equal(failure, result.Failure);
            Assert.False(string.IsNullOrWhiteSpace(result.Message));
            Assert.Equal(result.Message, result.ToString());
            Assert.DoesNotContain(key, result.Message, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(key, verifier.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructing_without_a_usable_secret_or_with_a_negative_tolerance_fails()
    {
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(Array.Empty<WebhookSecret>()));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(Array.Empty<string>()));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(current, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookVerifier([current], new WebhookVerifierOptions { Tolerance = TimeSpan.FromSeconds(-1) }));
        var notASecret = Assert.Throws<FormatException>(() => new WebhookVerifier("whsec_c2VjcmV0LXRoYXQtaXMtYWxtb3N0LXJpZ2h0*"));
        Assert.DoesNotContain("c2VjcmV0LXRoYXQtaXMtYWxtb3N0LXJpZ2h0", notASecret.Message, StringComparison.Ordinal);
    }

    private WebhookVerifier Verifier(params WebhookSecret[] secrets) => new(secrets, Options(clock));

    private static WebhookVerifierOptions Options(TimeProvider time) => new() { TimeProvider = time };
}
