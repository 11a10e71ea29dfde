using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Relay.Infrastructure.Providers;
using Relay.Infrastructure.Security;

namespace Relay.Ingress.Api.Providers;

/// <summary><c>x-globex-token</c>: a shared token equal to the integration secret (compared in constant time).</summary>
public sealed class GlobexProvider : IWebhookProvider
{
    public const string TokenHeader = "x-globex-token";

    public string Name => SupportedProviders.Globex;

    public IReadOnlyCollection<string> CredentialHeaders { get; } = [TokenHeader];

    public string? Verify(IHeaderDictionary headers, ReadOnlySpan<byte> rawBody, string secret) =>
        ConstantTime.Equals(headers[TokenHeader].ToString(), secret) ? null : "Invalid globex token";

    public NormalizationResult Normalize(JsonElement payload)
    {
        var fields = new PayloadFields(payload);
        var id = fields.RequiredString("id", FieldLimits.ExternalEventId);
        var type = fields.RequiredString("type", FieldLimits.EventType);
        var timestamp = fields.RequiredDate("timestamp");
        var resource = fields.RequiredObject("resource");
        var subject = resource is { } body ? fields.OptionalString(body, "id", FieldLimits.Subject, "resource.id", "it becomes the event's subject") : null;
        if (fields.Errors.Count > 0)
        {
            return NormalizationResult.Invalid(fields.Errors);
        }
        return NormalizationResult.Valid(new NormalizedWebhook(id, type!, timestamp!.Value, subject,
            PayloadFields.BuildPayload(Name, type!, id!, "resource", resource!.Value)));
    }
}
