using System.Security.Claims;
using Relay.Infrastructure.Security.ApiKeys;

namespace Relay.UnitTests.Security;

public sealed class ApiKeyScopesTests
{
    [Theory]
    [InlineData(new[] { "read" }, "read", true)]
    [InlineData(new[] { "read" }, "write", false)]
    [InlineData(new[] { "read" }, "replay", false)]
    [InlineData(new[] { "read" }, "admin", false)]
    [InlineData(new[] { "write" }, "read", false)]
    [InlineData(new[] { "read", "write" }, "write", true)]
    [InlineData(new[] { "replay" }, "replay", true)]
    [InlineData(new[] { "replay" }, "write", false)]
    [InlineData(new[] { "admin" }, "read", true)]
    [InlineData(new[] { "admin" }, "write", true)]
    [InlineData(new[] { "admin" }, "replay", true)]
    [InlineData(new[] { "admin" }, "admin", true)]
    [InlineData(new string[0], "read", false)]
    public void Admin_implies_every_scope_and_no_other_scope_implies_one(string[] held, string required, bool granted)
    {
        Assert.Equal(granted, ApiKeyScopes.Grants(held, required));
        Assert.Equal(granted, ApiKeyClaims.HasScope(ApiKeyClaims.Principal("key", held), required));
    }

    [Fact]
    public void The_principal_carries_the_key_id_and_one_claim_per_scope()
    {
        var principal = ApiKeyClaims.Principal("0193f0c2-a1b2-7c3d-8e9f-0a1b2c3d4e5f", ["write", "read"]);

        Assert.True(principal.Identity!.IsAuthenticated);
        Assert.Equal("0193f0c2-a1b2-7c3d-8e9f-0a1b2c3d4e5f", ApiKeyClaims.KeyIdOf(principal));
        Assert.Equal(["read", "write"], principal.FindAll(ApiKeyClaims.Scope).Select(claim => claim.Value));
    }

    [Fact]
    public void An_admin_principal_carries_every_scope_so_a_plain_claim_check_sees_them()
    {
        var principal = ApiKeyClaims.Principal(ApiKeyClaims.BootstrapKeyId, [ApiKeyScopes.Admin]);

        Assert.Equal("bootstrap", ApiKeyClaims.KeyIdOf(principal));
        Assert.All(ApiKeyScopes.All, scope => Assert.True(principal.HasClaim(ApiKeyClaims.Scope, scope)));
    }

    [Fact]
    public void Someone_no_key_authenticated_has_no_key_id()
    {
        Assert.Null(ApiKeyClaims.KeyIdOf(null));
        Assert.Null(ApiKeyClaims.KeyIdOf(new ClaimsPrincipal(new ClaimsIdentity())));
    }
}
