using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Relay.Infrastructure.Security;

/// <summary>
/// Encrypts secrets at rest with AES-256-GCM: <c>v1:base64(nonce | ciphertext | tag)</c>. The purpose
/// (e.g. "integration-secret") is bound as associated data, so a ciphertext cannot be moved to another column.
/// </summary>
public sealed class SecretProtector
{
    private const string Version = "v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] key;

    public SecretProtector(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The encryption key must be 32 bytes (AES-256).", nameof(key));
        }
        this.key = key;
    }

    public string Protect(string plaintext, string purpose)
    {
        var plainBytes = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + plainBytes.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plainBytes, output.AsSpan(NonceSize, plainBytes.Length), output.AsSpan(NonceSize + plainBytes.Length), Encoding.UTF8.GetBytes(purpose));
        return Version + Convert.ToBase64String(output);
    }

    public string Unprotect(string protectedValue, string purpose)
    {
        if (!protectedValue.StartsWith(Version, StringComparison.Ordinal))
        {
            throw new CryptographicException("Unrecognised protected value format.");
        }
        var input = Convert.FromBase64String(protectedValue[Version.Length..]);
        if (input.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Protected value is truncated.");
        }
        var cipherLength = input.Length - NonceSize - TagSize;
        var plainBytes = new byte[cipherLength];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize, cipherLength), input.AsSpan(NonceSize + cipherLength), plainBytes, Encoding.UTF8.GetBytes(purpose));
        return Encoding.UTF8.GetString(plainBytes);
    }

    /// <summary>
    /// Reads <c>Relay:Security:EncryptionKey</c> (base64 of 32 bytes). Outside Production a missing key falls
    /// back to a fixed development key so the local run needs no setup; Production refuses to start without one.
    /// </summary>
    public static SecretProtector FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["Relay:Security:EncryptionKey"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (environment.IsProduction())
            {
                throw new InvalidOperationException("Relay:Security:EncryptionKey is required in Production: base64 of 32 random bytes (openssl rand -base64 32).");
            }
            return new SecretProtector(SHA256.HashData(Encoding.UTF8.GetBytes("relay-development-only-encryption-key")));
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(configured);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Relay:Security:EncryptionKey must be base64 of 32 random bytes (openssl rand -base64 32).");
        }
        if (key.Length != 32)
        {
            throw new InvalidOperationException($"Relay:Security:EncryptionKey must decode to 32 bytes, not {key.Length}.");
        }
        return new SecretProtector(key);
    }
}
