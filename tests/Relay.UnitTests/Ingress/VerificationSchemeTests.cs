using System.Text;
using Microsoft.AspNetCore.Http;
using Relay.Infrastructure.Providers;
using Relay.Ingress.Api.Ingestion;
using Relay.Ingress.Api.Verification;
using Relay.UnitTests.Webhooks;

namespace Relay.UnitTests.Ingress;

/// <summary>
/// Each verification scheme against signatures we did not compute: the providers' documented examples and vectors
/// printed by their own libraries (stripe 23.1.0 <c>webhooks.generateTestHeaderString</c>, @octokit/webhooks-methods
/// 6.0.0 <c>sign</c>, standardwebhooks 1.1.1 <c>Webhook.sign</c>, @shopify/shopify-api 15.0.0 test-helpers
/// <c>getHmac</c>), then the parsing edge cases a sender can produce.
/// </summary>
public sealed class VerificationSchemeTests
{
    // The body every library vector below signs, byte for byte.
    private const string Body = """{"id":"evt_1","object":"event","type":"invoice.paid","created":1700000000,"data":{"object":{"id":"in_1"}}}""";
    private const long SignedAt = 1_700_000_000;
    private const string T = "1700000000";

    private static readonly byte[] BodyBytes = Encoding.UTF8.GetBytes(Body);
    private static readonly byte[] Tampered = Encoding.UTF8.GetBytes(Body.Replace("in_1", "in_2", StringComparison.Ordinal));

    private static IInboundVerifier Verifier(VerificationSettings settings, string secret, TimeProvider? time = null) =>
        InboundVerifiers.Create(settings, "shop", secret, time ?? FixedTime.AtUnixSeconds(SignedAt));

    private static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary.Append(name, value);
        }
        return dictionary;
    }

    // ------------------------------------------------------------------ github

    private static readonly VerificationSettings GitHub = ProviderPresets.GitHubProfile.Verification;

    [Fact]
    public void GitHub_accepts_its_documented_example()
    {
        // docs.github.com, "Validating webhook deliveries": secret, payload and signature as published.
        var verifier = Verifier(GitHub, "It's a Secret to Everybody");
        var signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        Assert.Null(verifier.Verify(Headers(("X-Hub-Signature-256", signature)), "Hello, World!"u8));
        Assert.Equal("Invalid shop webhook signature", verifier.Verify(Headers(("X-Hub-Signature-256", signature)), "Hello, World?"u8));
    }

    [Fact]
    public void GitHub_accepts_octokits_signature_and_refuses_a_tampered_body()
    {
        var verifier = Verifier(GitHub, "github-unit-test-secret");
        var headers = Headers(("x-hub-signature-256", "sha256=ee1f04c984ac4363f49195d07817eaadd4c276399c6e52c7df95d1f3e227b9f5"));
        Assert.Null(verifier.Verify(headers, BodyBytes));
        Assert.Equal("Invalid shop webhook signature", verifier.Verify(headers, Tampered));
    }

    [Theory]
    [InlineData(null, "Missing X-Hub-Signature-256 header")]
    [InlineData("  ", "Missing X-Hub-Signature-256 header")]
    [InlineData("ee1f04c984ac4363f49195d07817eaadd4c276399c6e52c7df95d1f3e227b9f5", "Invalid shop webhook signature")]
    [InlineData("sha1=ee1f04c984ac4363f49195d07817eaadd4c276399c6e52c7df95d1f3e227b9f5", "Invalid shop webhook signature")]
    [InlineData("sha256=EE1F04C984AC4363F49195D07817EAADD4C276399C6E52C7DF95D1F3E227B9F5", "Invalid shop webhook signature")]
    [InlineData("sha256=ee1f04c984ac4363f49195d07817eaadd4c276399c6e52c7df95d1f3e227b9f", "Invalid shop webhook signature")]
    [InlineData("sha256=", "Invalid shop webhook signature")]
    [InlineData(" sha256=ee1f04c984ac4363f49195d07817eaadd4c276399c6e52c7df95d1f3e227b9f5 ", null)]
    public void GitHub_needs_the_sha256_prefix_and_64_lowercase_hex_digits(string? signature, string? expected)
    {
        var headers = signature is null ? Headers() : Headers(("X-Hub-Signature-256", signature));
        Assert.Equal(expected, Verifier(GitHub, "github-unit-test-secret").Verify(headers, BodyBytes));
    }

    // ------------------------------------------------------------------ hmac-sha256-hex with a prefix

    [Fact]
    public void Hmac_hex_reads_the_named_header_after_its_prefix()
    {
        var settings = new VerificationSettings(VerificationSchemes.HmacSha256Hex, Header: "X-Signature", Prefix: "hmac ");
        var signature = BodyHmacVerifier.Sign(BodyBytes, "prefix-unit-secret", prefix: "hmac ");
        var verifier = Verifier(settings, "prefix-unit-secret");
        Assert.Null(verifier.Verify(Headers(("x-signature", signature)), BodyBytes));
        Assert.Equal("Invalid shop webhook signature", verifier.Verify(Headers(("x-signature", signature[5..])), BodyBytes));
        Assert.Equal("Invalid shop webhook signature", verifier.Verify(Headers(("x-signature", "HMAC " + signature[5..])), BodyBytes));
        Assert.Equal("Missing X-Signature header", verifier.Verify(Headers(("x-acme-signature", signature)), BodyBytes));
    }

    // ------------------------------------------------------------------ shopify

    private static readonly VerificationSettings Shopify = ProviderPresets.ShopifyProfile.Verification;

    [Fact]
    public void Shopify_accepts_the_signature_of_shopifys_own_helper()
    {
        var verifier = Verifier(Shopify, "shopify-unit-test-secret");
        var headers = Headers(("X-Shopify-Hmac-Sha256", "tBah//cM3f+8QNVufpYakT2YO65ARuKymXFuVi6UV0o="));
        Assert.Null(verifier.Verify(headers, BodyBytes));
        Assert.Equal("Invalid shop webhook signature", verifier.Verify(headers, Tampered));
        // Shopify's helper on another body and secret: getHmac('{"a":1}', 'shpss_secret').
        Assert.Null(Verifier(Shopify, "shpss_secret").Verify(Headers(("x-shopify-hmac-sha256", "A4QrSukM900xPWN3T+QOvBTdvyGDDRgc4+5MeDzZMYw=")), """{"a":1}"""u8));
    }

    [Theory]
    [InlineData(null, "Missing X-Shopify-Hmac-Sha256 header")]
    [InlineData("tBah//cM3f+8QNVufpYakT2YO65ARuKymXFuVi6UV0o", "Invalid shop webhook signature")]
    [InlineData("tBah//cM3f+8QNVufpYakT2YO65ARuKymXFuVi6UV0o=AAAA", "Invalid shop webhook signature")]
    [InlineData("b416a1fff70cddffbc40d56e7e961a913d983bae4046e2b299716e562e94574a", "Invalid shop webhook signature")]
    [InlineData("not base64 at all!", "Invalid shop webhook signature")]
    [InlineData("dEJhaC8vY00zZis4UU5WdWZwWWFrVDJZTzY1QVJ1S3k=", "Invalid shop webhook signature")]
    public void Shopify_needs_the_base64_of_exactly_the_mac(string? signature, string expected)
    {
        var headers = signature is null ? Headers() : Headers(("X-Shopify-Hmac-Sha256", signature));
        Assert.Equal(expected, Verifier(Shopify, "shopify-unit-test-secret").Verify(headers, BodyBytes));
    }

    // ------------------------------------------------------------------ token

    [Fact]
    public void A_token_must_match_exactly_after_its_prefix()
    {
        var verifier = Verifier(new VerificationSettings(VerificationSchemes.Token, Header: "Authorization", Prefix: "Bearer "), "token-unit-secret-123");
        Assert.Null(verifier.Verify(Headers(("authorization", "Bearer token-unit-secret-123")), BodyBytes));
        Assert.Equal("Invalid shop token", verifier.Verify(Headers(("authorization", "token-unit-secret-123")), BodyBytes));
        Assert.Equal("Invalid shop token", verifier.Verify(Headers(("authorization", "bearer token-unit-secret-123")), BodyBytes));
        Assert.Equal("Invalid shop token", verifier.Verify(Headers(), BodyBytes));
        Assert.Equal("Invalid shop token", verifier.Verify(Headers(("authorization", "Bearer " + new string('x', 5000))), BodyBytes));
    }

    // ------------------------------------------------------------------ stripe

    private static readonly VerificationSettings Stripe = ProviderPresets.StripeProfile.Verification;
    private const string StripeSecret = "whsec_stripe_unit_test_secret";
    private const string StripeV1 = "bcaad98256c0e3f1a74af0e763a8e8aae3d8ea9516ab951482162253e76615be";
    private const string OtherSecretsV1 = "634c5c5344a463766ee3457cfc9f8000427d7ac37e7d966055922deb5ef68702";

    [Fact]
    public void Stripe_accepts_the_header_stripes_library_generates()
    {
        var verifier = Verifier(Stripe, StripeSecret, FixedTime.AtUnixSeconds(SignedAt + 42));
        var headers = Headers(("Stripe-Signature", $"t={T},v1={StripeV1}"));
        Assert.Null(verifier.Verify(headers, BodyBytes));
        Assert.Equal("Invalid shop webhook signature", verifier.Verify(headers, Tampered));
        Assert.Equal(headers["Stripe-Signature"].ToString(), StripeVerifier.SignatureHeader(BodyBytes, StripeSecret, SignedAt));
    }

    [Theory]
    [InlineData(-300, null)]
    [InlineData(300, null)]
    [InlineData(301, "The Stripe-Signature timestamp is more than 300 seconds from the current time")]
    [InlineData(-301, "The Stripe-Signature timestamp is more than 300 seconds from the current time")]
    [InlineData(86_400, "The Stripe-Signature timestamp is more than 300 seconds from the current time")]
    public void Stripe_refuses_a_timestamp_outside_the_300_second_tolerance(long secondsLater, string? expected)
    {
        var verifier = Verifier(Stripe, StripeSecret, FixedTime.AtUnixSeconds(SignedAt + secondsLater));
        Assert.Equal(expected, verifier.Verify(Headers(("Stripe-Signature", $"t={T},v1={StripeV1}")), BodyBytes));
    }

    [Fact]
    public void Stripe_tolerance_is_configurable()
    {
        var tenMinutes = Stripe with { ToleranceSeconds = 600 };
        var headers = Headers(("Stripe-Signature", $"t={T},v1={StripeV1}"));
        Assert.Null(Verifier(tenMinutes, StripeSecret, FixedTime.AtUnixSeconds(SignedAt + 599)).Verify(headers, BodyBytes));
        Assert.Equal("The Stripe-Signature timestamp is more than 600 seconds from the current time",
            Verifier(tenMinutes, StripeSecret, FixedTime.AtUnixSeconds(SignedAt + 601)).Verify(headers, BodyBytes));
    }

    [Theory]
    [InlineData($"t={T},v1={OtherSecretsV1},v1={StripeV1}")]
    [InlineData($"t={T},v1={StripeV1},v1={OtherSecretsV1}")]
    [InlineData($"t={T},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39,v1={StripeV1}")]
    [InlineData($"v1={StripeV1},t={T}")]
    [InlineData($" t={T} , v1={StripeV1} ")]
    [InlineData($"t={T},v1=not-hex,v1={StripeV1},scheme=unknown,novalue")]
    public void Stripe_accepts_any_matching_v1_in_any_order_and_ignores_other_schemes(string header)
    {
        Assert.Null(Verifier(Stripe, StripeSecret).Verify(Headers(("Stripe-Signature", header)), BodyBytes));
    }

    [Theory]
    [InlineData(null, "Missing Stripe-Signature header")]
    [InlineData(" ", "Missing Stripe-Signature header")]
    [InlineData($"v1={StripeV1}", "Invalid Stripe-Signature header: it needs t=<unix seconds> and at least one v1=<signature>")]
    [InlineData($"t={T}", "Invalid Stripe-Signature header: it needs t=<unix seconds> and at least one v1=<signature>")]
    [InlineData($"t={T},v0={StripeV1}", "Invalid Stripe-Signature header: it needs t=<unix seconds> and at least one v1=<signature>")]
    [InlineData($"t=yesterday,v1={StripeV1}", "Invalid Stripe-Signature header: it needs t=<unix seconds> and at least one v1=<signature>")]
    [InlineData($"t=-1700000000,v1={StripeV1}", "Invalid Stripe-Signature header: it needs t=<unix seconds> and at least one v1=<signature>")]
    [InlineData($"t={T},t={T},v1={StripeV1}", "Invalid Stripe-Signature header: it needs t=<unix seconds> and at least one v1=<signature>")]
    [InlineData($"t=,v1={StripeV1}", "Invalid Stripe-Signature header: it needs t=<unix seconds> and at least one v1=<signature>")]
    [InlineData($"t={T},v1={OtherSecretsV1}", "Invalid shop webhook signature")]
    [InlineData($"t={T},v1=BCAAD98256C0E3F1A74AF0E763A8E8AAE3D8EA9516AB951482162253E76615BE", "Invalid shop webhook signature")]
    [InlineData($"t=1700000001,v1={StripeV1}", "Invalid shop webhook signature")]
    [InlineData($"t={T};v1={StripeV1}", "Invalid Stripe-Signature header: it needs t=<unix seconds> and at least one v1=<signature>")]
    public void Stripe_refuses_missing_malformed_and_mismatched_headers(string? header, string expected)
    {
        var headers = header is null ? Headers() : Headers(("Stripe-Signature", header));
        Assert.Equal(expected, Verifier(Stripe, StripeSecret).Verify(headers, BodyBytes));
    }

    [Fact]
    public void Stripe_bounds_what_it_reads_of_a_hostile_header()
    {
        var huge = $"t={T}," + string.Concat(Enumerable.Repeat($"v1={OtherSecretsV1},", 100)) + $"v1={StripeV1}";
        Assert.StartsWith("Invalid Stripe-Signature header", Verifier(Stripe, StripeSecret).Verify(Headers(("Stripe-Signature", huge)), BodyBytes));
    }

    [Fact]
    public void Stripe_reads_repeated_headers_as_one_list()
    {
        var headers = Headers(("Stripe-Signature", $"t={T}"), ("Stripe-Signature", $"v1={StripeV1}"));
        Assert.Null(Verifier(Stripe, StripeSecret).Verify(headers, BodyBytes));
    }

    // ------------------------------------------------------------------ standard webhooks

    private static readonly VerificationSettings StandardWebhooks = ProviderPresets.StandardWebhooksProfile.Verification;
    private const string StandardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string StandardSignature = "v1,NGJ/GJ0AKWg+ZjJ4Vhy9BinFiDi1kcDs6HTj69SKzTQ=";

    private static HeaderDictionary StandardHeaders(string signature = StandardSignature, string id = "msg_2", long timestamp = SignedAt) =>
        Headers(("webhook-id", id), ("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("webhook-signature", signature));

    [Fact]
    public void Standard_webhooks_accepts_the_reference_librarys_signature()
    {
        var verifier = Verifier(StandardWebhooks, StandardSecret, FixedTime.AtUnixSeconds(SignedAt + 10));
        Assert.Null(verifier.Verify(StandardHeaders(), BodyBytes));
        Assert.Null(verifier.Verify(StandardHeaders($"v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= {StandardSignature}"), BodyBytes));
        Assert.Equal("Invalid shop webhook signature", verifier.Verify(StandardHeaders(), Tampered));
        Assert.Equal("Invalid shop webhook signature", verifier.Verify(StandardHeaders(id: "msg_3"), BodyBytes));
    }

    [Fact]
    public void Standard_webhooks_refuses_a_stale_or_future_timestamp_by_the_configured_window()
    {
        Assert.Equal("The webhook-timestamp is too far in the past.",
            Verifier(StandardWebhooks, StandardSecret, FixedTime.AtUnixSeconds(SignedAt + 301)).Verify(StandardHeaders(), BodyBytes));
        Assert.Equal("The webhook-timestamp is too far in the future.",
            Verifier(StandardWebhooks, StandardSecret, FixedTime.AtUnixSeconds(SignedAt - 301)).Verify(StandardHeaders(), BodyBytes));
        var hour = StandardWebhooks with { ToleranceSeconds = 3600 };
        Assert.Null(Verifier(hour, StandardSecret, FixedTime.AtUnixSeconds(SignedAt + 3599)).Verify(StandardHeaders(), BodyBytes));
    }

    [Fact]
    public void Standard_webhooks_refuses_missing_headers_and_a_secret_that_is_not_one()
    {
        var verifier = Verifier(StandardWebhooks, StandardSecret);
        Assert.Equal("The webhook-id, webhook-timestamp and webhook-signature headers are required.",
            verifier.Verify(Headers(("webhook-id", "msg_2"), ("webhook-signature", StandardSignature)), BodyBytes));
        Assert.Equal("The webhook-timestamp header is not a unix time in seconds.", verifier.Verify(
            Headers(("webhook-id", "msg_2"), ("webhook-timestamp", "soon"), ("webhook-signature", StandardSignature)), BodyBytes));
        var unusable = new StandardWebhooksVerifier("not base64 !!", 300, FixedTime.AtUnixSeconds(SignedAt), "shop");
        Assert.False(unusable.HasUsableSecret);
        Assert.Equal("Invalid shop webhook signature", unusable.Verify(StandardHeaders(), BodyBytes));
    }

    // ------------------------------------------------------------------ rotation, for every scheme

    public static TheoryData<string, string, string> SignedWithEachScheme() => new()
    {
        // scheme, the header's name, and the secret the header below was signed with (printed by the libraries above)
        { VerificationSchemes.GitHub, "X-Hub-Signature-256", "github-unit-test-secret" },
        { VerificationSchemes.Shopify, "X-Shopify-Hmac-Sha256", "shopify-unit-test-secret" },
        { VerificationSchemes.Stripe, "Stripe-Signature", StripeSecret },
        { VerificationSchemes.StandardWebhooks, "webhook-signature", StandardSecret },
    };

    [Theory]
    [MemberData(nameof(SignedWithEachScheme))]
    public void The_previous_secret_verifies_until_its_window_ends_whatever_the_scheme(string scheme, string header, string signedWith)
    {
        var settings = ProviderPresets.Find(scheme)!.Verification;
        var headers = scheme switch
        {
            VerificationSchemes.GitHub => Headers((header, "sha256=ee1f04c984ac4363f49195d07817eaadd4c276399c6e52c7df95d1f3e227b9f5")),
            VerificationSchemes.Shopify => Headers((header, "tBah//cM3f+8QNVufpYakT2YO65ARuKymXFuVi6UV0o=")),
            VerificationSchemes.Stripe => Headers((header, $"t={T},v1={StripeV1}")),
            _ => StandardHeaders(),
        };
        var newSecret = scheme == VerificationSchemes.StandardWebhooks ? "whsec_" + Convert.ToBase64String(new byte[24]) : "a-brand-new-secret-0123456789";
        var now = DateTimeOffset.FromUnixTimeSeconds(SignedAt);
        var rotated = new IntegrationCredentials(Guid.NewGuid(), Verifier(settings, newSecret), Verifier(settings, signedWith), now.AddHours(1));

        Assert.Null(rotated.Verify(headers, BodyBytes, now));
        Assert.NotNull(rotated.Verify(headers, BodyBytes, now.AddHours(1)));
        Assert.NotNull(rotated.Verify(headers, Tampered, now));
        Assert.NotNull(new IntegrationCredentials(Guid.NewGuid(), Verifier(settings, newSecret)).Verify(headers, BodyBytes, now));
    }
}
