using Microsoft.Extensions.Primitives;
using Relay.Ingress.Api.Ingestion;

namespace Relay.UnitTests.Ingress;

public sealed class WebhookRequestFormatTests
{
    [Theory]
    [InlineData("application/json")]
    [InlineData("APPLICATION/JSON")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("application/json ; charset=\"utf-8\"")]
    [InlineData("application/json;")]
    [InlineData("application/json;;charset=utf-8;")]
    [InlineData("application/json; profile=\"https://example.com/a;b\"")]
    [InlineData("  application/json  ")]
    [InlineData("application/vnd.api+json")]
    [InlineData("application/cloudevents+json; charset=utf-8")]
    [InlineData("application/json-patch+json")]
    public void Json_media_types_are_accepted(string contentType)
    {
        Assert.Equal(ContentTypeVerdict.Json, WebhookRequestFormat.CheckContentType(contentType));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/ json")]
    [InlineData("application /json")]
    [InlineData("application/json x")]
    [InlineData("text/plain+json")]
    [InlineData("text/json")]
    [InlineData("application/+json")]
    [InlineData("application/jsonx")]
    [InlineData("application/json+")]
    [InlineData("application/json/x")]
    [InlineData("application/json, text/plain")]
    [InlineData("application/json; charset")]
    [InlineData("application/json; charset=")]
    [InlineData("application/json; =utf-8")]
    [InlineData("application/json; charset=\"utf-8")]
    [InlineData("application/*")]
    [InlineData("*/*")]
    [InlineData("json")]
    [InlineData("application/x-www-form-urlencoded")]
    public void Anything_else_is_not_json(string? contentType)
    {
        Assert.Equal(ContentTypeVerdict.NotJson, WebhookRequestFormat.CheckContentType(contentType));
    }

    [Theory]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=\"utf8\"")]
    [InlineData("application/json; charset=utf-8; charset=latin1")]
    [InlineData("application/vnd.api+json; CHARSET=windows-1252")]
    public void A_charset_other_than_utf8_is_refused(string contentType)
    {
        Assert.Equal(ContentTypeVerdict.UnsupportedCharset, WebhookRequestFormat.CheckContentType(contentType));
    }

    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "" }, true)]
    [InlineData(new[] { "identity" }, true)]
    [InlineData(new[] { "Identity, identity" }, true)]
    [InlineData(new[] { "gzip" }, false)]
    [InlineData(new[] { "identity", "br" }, false)]
    [InlineData(new[] { "identity, deflate" }, false)]
    [InlineData(new[] { "x-anything" }, false)]
    public void Only_identity_content_encoding_is_accepted(string[] values, bool accepted)
    {
        Assert.Equal(accepted, WebhookRequestFormat.IsIdentityEncoding(new StringValues(values)));
    }
}
