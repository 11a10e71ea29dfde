namespace Relay.Ingress.Api.Ingestion;

public enum ContentTypeVerdict
{
    Json,
    NotJson,
    UnsupportedCharset,
}
