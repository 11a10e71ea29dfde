using System.Security.Cryptography;
using Relay.Infrastructure.Security;

namespace Relay.UnitTests;

public sealed class SecretProtectorTests
{
    private readonly SecretProtector protector = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Round_trips_and_never_contains_the_plaintext()
    {
        var protectedValue = protector.Protect("acme-demo-secret", SecretPurposes.IntegrationSecret);
        Assert.StartsWith("v1:", protectedValue);
        Assert.DoesNotContain("acme-demo-secret", protectedValue);
        Assert.Equal("acme-demo-secret", protector.Unprotect(protectedValue, SecretPurposes.IntegrationSecret));
    }

    [Fact]
    public void Same_plaintext_encrypts_differently_each_time()
    {
        Assert.NotEqual(protector.Protect("s", "p"), protector.Protect("s", "p"));
    }

    [Fact]
    public void Wrong_purpose_wrong_key_or_tampering_fail()
    {
        var protectedValue = protector.Protect("secret", "purpose-a");
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(protectedValue, "purpose-b"));
        Assert.ThrowsAny<CryptographicException>(() => new SecretProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(protectedValue, "purpose-a"));
        var bytes = Convert.FromBase64String(protectedValue[3..]);
        bytes[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect("v1:" + Convert.ToBase64String(bytes), "purpose-a"));
    }

    [Fact]
    public void Constant_time_comparison_is_exact()
    {
        Assert.True(ConstantTime.Equals("a-management-key-123", "a-management-key-123"));
        Assert.False(ConstantTime.Equals("a-management-key-123", "a-management-key-124"));
        Assert.False(ConstantTime.Equals("a-management-key-123", null));
        Assert.False(ConstantTime.Equals("", "x"));
    }
}
