using Microsoft.AspNetCore.Http;

namespace Relay.Ingress.Api.Providers;

public sealed record NormalizationResult(NormalizedWebhook? Event, IReadOnlyDictionary<string, string>? Errors)
{
    public static NormalizationResult Valid(NormalizedWebhook normalized) => new(normalized, null);
    public static NormalizationResult Invalid(IReadOnlyDictionary<string, string> errors) => new(null, errors);
}
