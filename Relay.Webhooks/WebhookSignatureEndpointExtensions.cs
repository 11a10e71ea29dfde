using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Relay.Webhooks;

/// <summary>
/// Puts Standard Webhooks signature verification in front of minimal API endpoints (a single endpoint or a
/// <c>MapGroup</c>), as an endpoint filter.
/// </summary>
/// <remarks>
/// The filter buffers the body (up to the size limit, 413 beyond it), verifies it, and rewinds it, so the handler
/// reads the verified bytes from <c>HttpRequest.Body</c>. A request that fails gets 401 with
/// <c>{"error":"..."}</c> and the handler is not called. Endpoint filters run after parameter binding, so the
/// handler must not take the body as a parameter: one typed <c>Stream</c>, <c>PipeReader</c> or a form, or marked
/// <c>[FromBody]</c> or <c>[FromForm]</c>, is refused when the endpoint is built; a JSON object bound by inference
/// is parsed before verification and then fails every request with an <see cref="InvalidOperationException"/>.
/// </remarks>
public static class WebhookSignatureEndpointExtensions
{
    /// <summary>The largest body accepted unless a limit is given: 1 MiB.</summary>
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>Requires a valid signature made with any of <paramref name="secrets"/>, with the default options.</summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="secrets">One or more serialized secrets (<c>whsec_</c> + base64); several during a rotation.</param>
    /// <exception cref="FormatException">A value is not a secret; the message does not repeat it.</exception>
    public static TBuilder RequireWebhookSignature<TBuilder>(this TBuilder builder, params string[] secrets)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireWebhookSignature(new WebhookVerifier(secrets));

    /// <summary>Requires a valid signature according to <paramref name="verifier"/>.</summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="verifier">The secrets, tolerance and clock to verify with.</param>
    /// <param name="maxBodyBytes">The largest body read; larger requests get 413.</param>
    public static TBuilder RequireWebhookSignature<TBuilder>(this TBuilder builder, WebhookVerifier verifier, long maxBodyBytes = DefaultMaxBodyBytes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(verifier);
        return builder.RequireWebhookSignature(_ => verifier, maxBodyBytes);
    }

    /// <summary>
    /// Requires a valid signature according to the verifier <paramref name="verifierFactory"/> returns, so that the
    /// secrets can come from configuration or another service.
    /// </summary>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="verifierFactory">Called on every request with the request's services. Return a kept instance
    /// (a singleton, or one rebuilt when the configuration changes) rather than a new one each time.</param>
    /// <param name="maxBodyBytes">The largest body read; larger requests get 413.</param>
    public static TBuilder RequireWebhookSignature<TBuilder>(this TBuilder builder, Func<IServiceProvider, WebhookVerifier> verifierFactory, long maxBodyBytes = DefaultMaxBodyBytes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(verifierFactory);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBodyBytes);
        // The body is read into one array, one byte past the limit.
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(maxBodyBytes, (long)Array.MaxLength);

        return builder.AddEndpointFilterFactory((context, next) =>
        {
            WebhookSignatureFilter.EnsureHandlerDoesNotBindTheBody(context.MethodInfo);
            var logger = context.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(WebhookSignatureFilter))
                ?? NullLogger.Instance;
            var filter = new WebhookSignatureFilter(verifierFactory, maxBodyBytes, logger);
            return invocation => filter.InvokeAsync(invocation, next);
        });
    }
}
