using System.Security.Claims;

namespace Relay.Infrastructure.Security.ApiKeys;

/// <summary>What a request's credentials came to: no key, a key that is not (or no longer) valid, or a principal.</summary>
public sealed record ApiKeyAuthentication(ApiKeyAuthenticationOutcome Outcome, ClaimsPrincipal? Principal = null)
{
    public static readonly ApiKeyAuthentication Missing = new(ApiKeyAuthenticationOutcome.Missing);
    public static readonly ApiKeyAuthentication Invalid = new(ApiKeyAuthenticationOutcome.Invalid);
}

public enum ApiKeyAuthenticationOutcome
{
    Missing,
    Invalid,
    Authenticated,
}
