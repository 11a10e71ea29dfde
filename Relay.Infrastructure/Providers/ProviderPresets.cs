namespace Relay.Infrastructure.Providers;

/// <summary>
/// Ready-made profiles for well-known providers. <c>acme</c> and <c>globex</c> are the seed contract's two providers,
/// exactly (headers, messages, required fields, normalized payload); the others follow each provider's documentation.
/// An integration created for a provider named like a preset gets that preset unless it says otherwise.
/// </summary>
public static class ProviderPresets
{
    public const string Acme = "acme";
    public const string Globex = "globex";
    public const string Stripe = "stripe";
    public const string GitHub = "github";
    public const string Shopify = "shopify";
    public const string StandardWebhooks = "standard-webhooks";

    /// <summary>
    /// The integration events published through <c>POST /api/v1/events</c> go to when they name none, so destinations
    /// can subscribe to them. As a webhook provider it takes the publish body itself, signed like acme's.
    /// </summary>
    public const string Relay = "relay";

    private static FieldSource At(string pointer) => FieldSource.AtPointer(pointer);

    private static FieldSource Header(string name) => FieldSource.InHeader(name);

    /// <summary>The seed's acme: <c>x-acme-signature</c>, hex HMAC of the raw body; eventId, eventType, occurredAt, data.</summary>
    public static ProviderProfile AcmeProfile { get; } = new(
        new VerificationSettings(VerificationSchemes.HmacSha256Hex, Header: "x-acme-signature", Prefix: ""),
        new FieldMapping(
            EventId: FieldRule.RequiredFrom(At("/eventId")),
            EventType: FieldRule.RequiredFrom(At("/eventType")),
            OccurredAt: FieldRule.RequiredFrom(FieldSource.AtPointer("/occurredAt", DateFormats.Iso8601)),
            Subject: FieldRule.OptionalFrom(At("/subject"), At("/data/id")),
            Payload: new PayloadRule("/data", "data")));

    /// <summary>The seed's globex: <c>x-globex-token</c> equal to the secret; id, type, timestamp, resource.</summary>
    public static ProviderProfile GlobexProfile { get; } = new(
        new VerificationSettings(VerificationSchemes.Token, Header: "x-globex-token", Prefix: ""),
        new FieldMapping(
            EventId: FieldRule.RequiredFrom(At("/id")),
            EventType: FieldRule.RequiredFrom(At("/type")),
            OccurredAt: FieldRule.RequiredFrom(FieldSource.AtPointer("/timestamp", DateFormats.Iso8601)),
            Subject: FieldRule.OptionalFrom(At("/resource/id")),
            Payload: new PayloadRule("/resource", "resource")));

    /// <summary>A Stripe event: <c>id</c>, <c>type</c>, <c>created</c> (Unix seconds), its object's id as the subject; the whole event.</summary>
    public static ProviderProfile StripeProfile { get; } = new(
        new VerificationSettings(VerificationSchemes.Stripe, Header: "Stripe-Signature", ToleranceSeconds: VerificationSchemes.DefaultToleranceSeconds),
        new FieldMapping(
            EventId: FieldRule.OptionalFrom(At("/id")),
            EventType: FieldRule.RequiredFrom(At("/type")),
            OccurredAt: FieldRule.OptionalFrom(FieldSource.AtPointer("/created", DateFormats.UnixSeconds)),
            Subject: FieldRule.OptionalFrom(At("/data/object/id")),
            Payload: PayloadRule.WholeBody));

    /// <summary>
    /// A GitHub delivery: <c>X-GitHub-Delivery</c> and <c>X-GitHub-Event</c> name it, the repository is the subject;
    /// GitHub sends no common timestamp, so the received time stands for it.
    /// </summary>
    public static ProviderProfile GitHubProfile { get; } = new(
        new VerificationSettings(VerificationSchemes.GitHub, Header: "X-Hub-Signature-256"),
        new FieldMapping(
            EventId: FieldRule.OptionalFrom(Header("X-GitHub-Delivery")),
            EventType: FieldRule.RequiredFrom(Header("X-GitHub-Event")),
            OccurredAt: FieldRule.None,
            Subject: FieldRule.OptionalFrom(At("/repository/full_name")),
            Payload: PayloadRule.WholeBody));

    /// <summary>A Shopify webhook: <c>X-Shopify-Webhook-Id</c>, <c>X-Shopify-Topic</c>, <c>X-Shopify-Triggered-At</c>; the resource's GraphQL id.</summary>
    public static ProviderProfile ShopifyProfile { get; } = new(
        new VerificationSettings(VerificationSchemes.Shopify, Header: "X-Shopify-Hmac-Sha256"),
        new FieldMapping(
            EventId: FieldRule.OptionalFrom(Header("X-Shopify-Webhook-Id")),
            EventType: FieldRule.RequiredFrom(Header("X-Shopify-Topic")),
            OccurredAt: FieldRule.OptionalFrom(FieldSource.InHeader("X-Shopify-Triggered-At", DateFormats.Iso8601)),
            Subject: FieldRule.OptionalFrom(At("/admin_graphql_api_id")),
            Payload: PayloadRule.WholeBody));

    /// <summary>
    /// A Standard Webhooks message: <c>webhook-id</c>, the payload's <c>type</c>, its <c>timestamp</c> (else the signed
    /// <c>webhook-timestamp</c>) and its <c>data</c>.
    /// </summary>
    public static ProviderProfile StandardWebhooksProfile { get; } = new(
        new VerificationSettings(VerificationSchemes.StandardWebhooks, ToleranceSeconds: VerificationSchemes.DefaultToleranceSeconds),
        new FieldMapping(
            EventId: FieldRule.OptionalFrom(Header("webhook-id")),
            EventType: FieldRule.RequiredFrom(At("/type")),
            OccurredAt: FieldRule.OptionalFrom(
                FieldSource.AtPointer("/timestamp", DateFormats.Iso8601),
                FieldSource.InHeader("webhook-timestamp", DateFormats.UnixSeconds)),
            Subject: FieldRule.None,
            Payload: new PayloadRule("/data", "data")));

    /// <summary>Relay's own: the publish body (eventType, payload, eventId, occurredAt, subject), hex HMAC in <c>x-relay-signature</c>.</summary>
    public static ProviderProfile RelayProfile { get; } = new(
        new VerificationSettings(VerificationSchemes.HmacSha256Hex, Header: "x-relay-signature", Prefix: ""),
        new FieldMapping(
            EventId: FieldRule.OptionalFrom(At("/eventId")),
            EventType: FieldRule.RequiredFrom(At("/eventType")),
            OccurredAt: FieldRule.OptionalFrom(FieldSource.AtPointer("/occurredAt", DateFormats.Iso8601)),
            Subject: FieldRule.OptionalFrom(At("/subject")),
            // Stored under "data", as the publish API stores a published event's payload.
            Payload: new PayloadRule("/payload", "data")));

    private static readonly (string Name, ProviderProfile Profile)[] Presets =
    [
        (Acme, AcmeProfile),
        (Globex, GlobexProfile),
        (Stripe, StripeProfile),
        (GitHub, GitHubProfile),
        (Shopify, ShopifyProfile),
        (StandardWebhooks, StandardWebhooksProfile),
        (Relay, RelayProfile),
    ];

    public static IReadOnlyList<string> Names { get; } = Presets.Select(preset => preset.Name).ToArray();

    public static ProviderProfile? Find(string name) =>
        Array.Find(Presets, preset => preset.Name == name) is { Profile: { } profile } ? profile : null;

    /// <summary>The preset <paramref name="profile"/> is exactly, if any (a preset changed in any way is the operator's own).</summary>
    public static string? NameOf(ProviderProfile profile) =>
        Array.Find(Presets, preset => preset.Profile.SameAs(profile)).Name;
}
