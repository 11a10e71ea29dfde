namespace Relay.Ingress.Api.Publishing;

/// <summary>The integration a published event is attached to: its destinations receive it, as they receive its webhooks.</summary>
public sealed record PublishTarget(Guid IntegrationId, string Provider);
