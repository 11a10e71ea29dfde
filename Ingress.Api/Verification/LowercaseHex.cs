using System.Buffers;

namespace Relay.Ingress.Api.Verification;

internal static class LowercaseHex
{
    /// <summary>True when <paramref name="hex"/> is exactly <paramref name="destination"/>'s bytes in lowercase hex.</summary>
    public static bool TryDecode(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2)
        {
            return false;
        }
        foreach (var c in hex)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }
        return Convert.FromHexString(hex, destination, out _, out var written) == OperationStatus.Done && written == destination.Length;
    }
}
