using Relay.Ingress.Api.Providers;

namespace Relay.Ingress.Api.Ingestion;

/// <summary>An active integration as ingest holds it in memory: its secrets, ready to verify, and its profile, ready to map.</summary>
public sealed record ActiveIntegration(IntegrationCredentials Credentials, WebhookProfile Profile)
{
    public Guid Id => Credentials.Id;
}
