using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Relay.Infrastructure.Providers;

namespace Relay.Ingress.Api.Providers;

/// <summary><c>x-acme-signature</c>: lowercase hex HMAC-SHA256 of the raw request bytes, keyed with the integration secret.</summary>
public sealed class AcmeProvider : IWebhookProvider
{
    public const string SignatureHeader = "x-acme-signature";

    public string Name => SupportedProviders.Acme;

    public IReadOnlyCollection<string> CredentialHeaders { get; } = [SignatureHeader];

    public string? Verify(IHeaderDictionary headers, ReadOnlySpan<byte> rawBody, string secret)
    {
        var signature = headers[SignatureHeader].ToString().Trim();
        if (signature.Length == 0)
        {
            return "Missing x-acme-signature header";
        }
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), rawBody, expected);
        Span<byte> presented = stackalloc byte[32];
        // A signature of the wrong length or not hex can never match; it still costs the same comparison.
        var decoded = signature.Length == 64 && TryDecodeHex(signature, presented);
        var equal = CryptographicOperations.FixedTimeEquals(expected, presented);
        return decoded && equal ? null : "Invalid acme webhook signature";
    }

    public NormalizationResult Normalize(JsonElement payload)
    {
        var fields = new PayloadFields(payload);
        var eventId = fields.RequiredString("eventId", FieldLimits.ExternalEventId);
        var eventType = fields.RequiredString("eventType", FieldLimits.EventType);
        var occurredAt = fields.RequiredDate("occurredAt");
        var data = fields.RequiredObject("data");
        // subject, else data.id: whichever is a string becomes the event's subject, so it must be one Relay can store.
        var subject = fields.TryGet(payload, "subject", "subject", out var subjectValue) && subjectValue.ValueKind == JsonValueKind.String
            ? fields.OptionalString(payload, "subject", FieldLimits.Subject, "subject")
            : data is { } body ? fields.OptionalString(body, "id", FieldLimits.Subject, "data.id", "it becomes the event's subject") : null;
        if (fields.Errors.Count > 0)
        {
            return NormalizationResult.Invalid(fields.Errors);
        }
        return NormalizationResult.Valid(new NormalizedWebhook(eventId, eventType!, occurredAt!.Value, subject,
            PayloadFields.BuildPayload(Name, eventType!, eventId!, "data", data!.Value)));
    }

    public static string Sign(ReadOnlySpan<byte> rawBody, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), rawBody));

    private static bool TryDecodeHex(string hex, Span<byte> destination)
    {
        // Only lowercase hex is a valid acme signature.
        foreach (var c in hex)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }
        return Convert.FromHexString(hex, destination, out _, out var written) == System.Buffers.OperationStatus.Done && written == destination.Length;
    }
}
