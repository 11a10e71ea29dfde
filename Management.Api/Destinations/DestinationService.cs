using System.Net.Sockets;
using System.Text.Json;
using Relay.Infrastructure.Destinations;
using Relay.Infrastructure.Http;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Security;
using Relay.Infrastructure.Security.Outbound;
using Relay.Management.Api.Data;

namespace Relay.Management.Api.Destinations;

/// <summary>
/// The operator's side of destinations: URLs are checked against the SSRF rules Delivery.Worker sends under, secrets
/// (signing secrets and header values) are encrypted before they are stored, and the signing secret is answered once.
/// </summary>
public sealed class DestinationService(
    DestinationRepository destinations, OutboundUrlGuard guard, SecretProtector protector, OutboxSignal outboxSignal, TimeProvider timeProvider)
{
    /// <summary>How long a URL's host may take to resolve before the URL is refused.</summary>
    public static readonly TimeSpan UrlCheckTimeout = TimeSpan.FromSeconds(5);

    public static ApiError NotFound() => ApiError.NotFound("Destination not found");

    public async Task<Outcome<DestinationView<string>>> CreateAsync(Guid integrationId, DestinationInput input, CancellationToken cancellationToken)
    {
        if (await CheckUrlAsync(input.Url.Value, "Invalid destination", cancellationToken) is { } refused)
        {
            return refused;
        }
        var now = timeProvider.GetUtcNow();
        var signingSecret = SigningSecrets.Generate();
        var id = Guid.CreateVersion7(now);
        input = ProtectHeaders(input);
        var created = await destinations.TryCreateAsync(new NewDestination(
            id,
            integrationId,
            DestinationSettings.Defaults.Apply(input, new List<string>()),
            protector.Protect(signingSecret, SecretPurposes.DestinationSigningSecret),
            now,
            input.RequestedBy,
            Json(new { integrationId, fields = input.GivenFields, headerNames = HeaderNames(input) })), cancellationToken);
        if (!created)
        {
            return ApiError.NotFound("Integration not found");
        }
        var view = await destinations.FindAsync(id, cancellationToken);
        return view is null ? NotFound() : view.WithSigningSecret(signingSecret);
    }

    public async Task<Outcome<DestinationView<SigningSecretView>>> UpdateAsync(Guid id, DestinationInput input, CancellationToken cancellationToken)
    {
        if (input.Url.IsSet && await CheckUrlAsync(input.Url.Value, "Invalid destination update", cancellationToken) is { } refused)
        {
            return refused;
        }
        var outcome = await destinations.UpdateAsync(id, ProtectHeaders(input), timeProvider.GetUtcNow(), cancellationToken);
        if (input.Paused is { IsSet: true, Value: false })
        {
            // A resume may have written DestinationResumed; an extra wake-up costs the publisher one empty poll.
            outboxSignal.Notify();
        }
        return outcome switch
        {
            DestinationWrite.NotFound => NotFound(),
            DestinationWrite.DefaultDestination => ApiError.Validation("The default destination's URL is its integration's callbackUrl", new Dictionary<string, string>
            {
                ["url"] = "cannot be set on the default destination: it follows the integration's callbackUrl (PATCH /api/v1/integrations/{integrationId})",
            }),
            _ => await ViewAsync(id, cancellationToken),
        };
    }

    public async Task<ApiError?> DeleteAsync(Guid id, string actor, CancellationToken cancellationToken) =>
        await destinations.DeleteAsync(id, actor, timeProvider.GetUtcNow(), cancellationToken) switch
        {
            DestinationWrite.NotFound => NotFound(),
            DestinationWrite.DefaultDestination => ApiError.Validation("The default destination cannot be deleted", new Dictionary<string, string>
            {
                ["id"] = "is its integration's default destination, which goes with the integration (DELETE /api/v1/integrations/{integrationId})",
            }),
            _ => null,
        };

    public async Task<Outcome<DestinationView<SigningSecretView>>> PauseAsync(Guid id, string actor, CancellationToken cancellationToken) =>
        await destinations.PauseAsync(id, actor, timeProvider.GetUtcNow(), cancellationToken) == DestinationWrite.NotFound
            ? NotFound()
            : await ViewAsync(id, cancellationToken);

    public async Task<Outcome<DestinationView<SigningSecretView>>> ResumeAsync(Guid id, string actor, CancellationToken cancellationToken)
    {
        if (await destinations.ResumeAsync(id, actor, timeProvider.GetUtcNow(), cancellationToken) == DestinationWrite.NotFound)
        {
            return NotFound();
        }
        outboxSignal.Notify();
        return await ViewAsync(id, cancellationToken);
    }

    public async Task<Outcome<SecretRotated>> RotateSecretAsync(Guid id, SecretRotationRequest request, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var signingSecret = SigningSecrets.Generate();
        // To the microsecond, as PostgreSQL keeps it, so this answer and later reads agree.
        DateTime? previousValidUntil = request.GraceSeconds > 0 ? TruncateToMicroseconds(now.AddSeconds(request.GraceSeconds).UtcDateTime) : null;
        var outcome = await destinations.RotateSecretAsync(
            id, protector.Protect(signingSecret, SecretPurposes.DestinationSigningSecret), previousValidUntil, request.RequestedBy,
            new { request.GraceSeconds, previousValidUntil }, now, cancellationToken);
        return outcome == DestinationWrite.NotFound ? NotFound() : new SecretRotated(signingSecret, previousValidUntil);
    }

    private async Task<Outcome<DestinationView<SigningSecretView>>> ViewAsync(Guid id, CancellationToken cancellationToken) =>
        await destinations.FindAsync(id, cancellationToken) is { } view ? view : NotFound();

    /// <summary>
    /// Refuses a URL Delivery.Worker would refuse to send to: its host must resolve, to public addresses only (or ones
    /// Relay:Outbound allows). Checked when stored so the operator hears of it now, not from failed deliveries.
    /// </summary>
    private async Task<ApiError?> CheckUrlAsync(string url, string message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(UrlCheckTimeout);
        string reason;
        try
        {
            await guard.CheckAsync(new Uri(url), timeout.Token);
            return null;
        }
        catch (OutboundRequestBlockedException exception)
        {
            reason = $"is not allowed: {exception.Message}";
        }
        catch (Exception exception) when (exception is SocketException or ArgumentException
            or HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError })
        {
            reason = "has a host that does not resolve";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            reason = $"has a host that did not resolve within {UrlCheckTimeout.TotalSeconds:0} seconds";
        }
        return ApiError.Validation(message, new Dictionary<string, string> { ["url"] = reason });
    }

    private DestinationInput ProtectHeaders(DestinationInput input) =>
        input.Headers.IsSet
            ? input with
            {
                Headers = Optional<IReadOnlyDictionary<string, string>>.Of(input.Headers.Value.ToDictionary(
                    header => header.Key, header => protector.Protect(header.Value, SecretPurposes.DestinationHeader), StringComparer.OrdinalIgnoreCase)),
            }
            : input;

    private static IReadOnlyList<string>? HeaderNames(DestinationInput input) =>
        input.Headers.IsSet ? input.Headers.Value.Keys.Order(StringComparer.OrdinalIgnoreCase).ToList() : null;

    private static DateTime TruncateToMicroseconds(DateTime value) => value.AddTicks(-(value.Ticks % 10));

    private static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}
