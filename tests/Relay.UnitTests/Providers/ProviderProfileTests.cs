using System.Text.Json;
using System.Text.RegularExpressions;
using Relay.Infrastructure.Data;
using Relay.Infrastructure.Providers;

namespace Relay.UnitTests.Providers;

public sealed partial class ProviderProfileTests
{
    [GeneratedRegex(@"verification = '(?<verification>[^']*)'::jsonb,\s*field_mapping = '(?<fields>[^']*)'::jsonb\s*WHERE provider = '(?<provider>\w+)'")]
    private static partial Regex MigrationUpdate();

    [Fact]
    public void Migration_014_gives_existing_acme_and_globex_rows_exactly_their_presets()
    {
        var migration = DatabaseMigrator.LoadMigrations().Single(m => m.Version == 14);
        var updates = MigrationUpdate().Matches(migration.Sql).ToDictionary(match => match.Groups["provider"].Value);
        Assert.Equal(["acme", "globex"], updates.Keys.Order(StringComparer.Ordinal));
        foreach (var (provider, update) in updates)
        {
            var preset = ProviderPresets.Find(provider)!;
            Assert.Equal(preset.VerificationJson, update.Groups["verification"].Value);
            Assert.Equal(preset.FieldsJson, update.Groups["fields"].Value);
        }
    }

    [Fact]
    public void Settings_are_written_without_the_parameters_a_scheme_does_not_take_and_read_back_the_same()
    {
        Assert.Equal("""{"scheme":"standard-webhooks","toleranceSeconds":300}""", ProviderPresets.StandardWebhooksProfile.VerificationJson);
        Assert.Equal("""{"from":[{"header":"X-Shopify-Triggered-At","format":"iso8601"}],"required":false}""",
            JsonSerializer.Serialize(ProviderPresets.ShopifyProfile.Fields.OccurredAt, ProviderProfile.JsonOptions));
        foreach (var name in ProviderPresets.Names)
        {
            var preset = ProviderPresets.Find(name)!;
            var read = ProviderProfile.FromColumns(preset.VerificationJson, preset.FieldsJson)!;
            Assert.True(read.SameAs(preset), name);
            Assert.Equal(name, ProviderPresets.NameOf(read));
        }
    }

    [Fact]
    public void A_changed_preset_is_no_longer_that_preset()
    {
        var changed = ProviderPresets.GitHubProfile with { Fields = ProviderPresets.GitHubProfile.Fields with { Subject = FieldRule.None } };
        Assert.Null(ProviderPresets.NameOf(changed));
        Assert.Null(ProviderPresets.Find("paypal"));
    }

    [Theory]
    [InlineData(null, "{}")]
    [InlineData("""{"scheme":"token"}""", null)]
    [InlineData("not json", "{}")]
    [InlineData("""{"header":"x"}""", """{"eventId":{"from":[]}}""")]
    [InlineData("""{"scheme":"token"}""", """{"eventId":{"from":[]},"eventType":{"from":[]},"occurredAt":{"from":[]},"subject":{"from":[]}}""")]
    public void Columns_that_hold_no_profile_read_as_none(string? verification, string? fields)
    {
        Assert.Null(ProviderProfile.FromColumns(verification, fields));
    }

    [Theory]
    [InlineData("", new string[0], "body")]
    [InlineData("/data/id", new[] { "data", "id" }, "data.id")]
    [InlineData("/a~1b/m~0n/~01", new[] { "a/b", "m~n", "~1" }, "a/b.m~n.~1")]
    [InlineData("/", new[] { "" }, "")]
    [InlineData("/items/0", new[] { "items", "0" }, "items.0")]
    public void Json_pointers_follow_rfc_6901(string text, string[] tokens, string path)
    {
        var pointer = JsonPointer.Parse(text, out var problem);
        Assert.Null(problem);
        Assert.Equal(tokens, pointer!.Tokens);
        Assert.Equal(path, pointer.Path);
    }

    [Theory]
    [InlineData("data/id")]
    [InlineData("/a~2")]
    [InlineData("/a~")]
    [InlineData("#/data")]
    public void Malformed_json_pointers_are_refused(string text)
    {
        Assert.Null(JsonPointer.Parse(text, out var problem));
        Assert.NotNull(problem);
        Assert.NotNull(JsonPointer.Parse("/" + string.Join('/', Enumerable.Repeat("a", 16)), out _));
        Assert.Null(JsonPointer.Parse("/" + string.Join('/', Enumerable.Repeat("a", 17)), out _));
        Assert.Null(JsonPointer.Parse("/" + new string('a', 256), out _));
    }

    [Theory]
    [InlineData("X-Hub-Signature-256", true)]
    [InlineData("webhook-id", true)]
    [InlineData("x y", false)]
    [InlineData("", false)]
    [InlineData("Connection", false)]
    [InlineData("X-Forwarded-For", false)]
    [InlineData("traceparent", false)]
    [InlineData("x-ünïcode", false)]
    public void Header_names_are_tokens_of_the_providers_request(string name, bool allowed)
    {
        Assert.Equal(allowed, ProviderHeaders.Problem(name) is null);
    }
}
