using Relay.Infrastructure.Security.ApiKeys;

namespace Relay.UnitTests.Security;

public sealed class ApiKeyTokenTests
{
    private static readonly Guid Id = Guid.Parse("0193f0c2-a1b2-7c3d-8e9f-0a1b2c3d4e5f");

    [Fact]
    public void A_generated_key_reads_back_with_its_id_and_secret()
    {
        var token = ApiKeyToken.Generate(Id);
        var text = token.Reveal();

        Assert.StartsWith("rly_0193f0c2a1b27c3d8e9f0a1b2c3d4e5f_", text);
        Assert.Equal(ApiKeyToken.Length, text.Length);
        Assert.True(ApiKeyToken.TryParse(text, out var parsed));
        Assert.Equal(Id, parsed.Id);
        Assert.Equal(token.Secret, parsed.Secret);
        Assert.Equal("rly_0193f0c2a1b27c3d8e9f0a1b2c3d4e5f", parsed.Prefix);
    }

    [Fact]
    public void Two_keys_never_share_a_secret()
    {
        Assert.NotEqual(ApiKeyToken.Generate(Id).Secret, ApiKeyToken.Generate(Id).Secret);
        Assert.Equal(ApiKeyToken.SecretBytes * 2, ApiKeyToken.Generate(Id).Secret.Length);
    }

    public static TheoryData<string?> NotKeys()
    {
        var valid = ApiKeyToken.Generate(Id).Reveal();
        return new TheoryData<string?>
        {
            null,
            "",
            "rly_",
            valid[..^1],
            valid + "0",
            valid.ToUpperInvariant().Replace("RLY_", "rly_"),
            "RLY_" + valid[4..],
            "rlx_" + valid[4..],
            valid.Replace("_", "-"),
            valid[..36] + "-" + valid[37..],
            valid[..10] + "g" + valid[11..],
            valid[..^1] + "z",
            valid[..^1] + " ",
            " " + valid[..^1],
            "integration-test-management-key",
        };
    }

    [Theory]
    [MemberData(nameof(NotKeys))]
    public void Anything_but_the_exact_format_is_no_key(string? text)
    {
        Assert.False(ApiKeyToken.TryParse(text, out _));
    }

    [Fact]
    public void Only_the_secret_that_was_hashed_verifies()
    {
        var token = ApiKeyToken.Generate(Id);
        var stored = ApiKeyToken.Hash(token.Secret);

        Assert.Equal(32, stored.Length);
        Assert.True(ApiKeyToken.Verify(token.Secret, stored));
        Assert.False(ApiKeyToken.Verify(ApiKeyToken.Generate(Id).Secret, stored));
        Assert.False(ApiKeyToken.Verify(token.Secret[..^1] + (token.Secret[^1] == '0' ? '1' : '0'), stored));
    }

    [Fact]
    public void Printing_a_token_never_shows_its_secret()
    {
        var token = ApiKeyToken.Generate(Id);

        Assert.DoesNotContain(token.Secret, token.ToString());
        Assert.DoesNotContain(token.Secret, $"{token}");
    }
}
