using System.Security.Cryptography;
using System.Text;

namespace Relay.Infrastructure.Security;

public static class ConstantTime
{
    /// <summary>Compares two strings without leaking where they differ; lengths are hashed first so they leak nothing either.</summary>
    public static bool Equals(string? left, string? right)
    {
        if (left is null || right is null)
        {
            return false;
        }
        Span<byte> leftHash = stackalloc byte[32];
        Span<byte> rightHash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(left), leftHash);
        SHA256.HashData(Encoding.UTF8.GetBytes(right), rightHash);
        return CryptographicOperations.FixedTimeEquals(leftHash, rightHash);
    }
}
